/** A clock that moves only when a test moves it; starts at the wall clock's time. */
export class ManualClock {
  private millis: number;

  constructor(start = Date.now()) {
    this.millis = start;
  }

  /** For `now` options: bound, so it can be handed around. */
  readonly now = (): number => this.millis;

  /** Moves to `time` (ms since the epoch); a clock never goes back. */
  setTo(time: number): void {
    if (time < this.millis) throw new Error(`the clock is at ${this.millis}, after ${time}`);
    this.millis = time;
  }

  /** Moves to `time` unless the clock is past it already. */
  reach(time: number): void {
    this.millis = Math.max(this.millis, time);
  }

  advance(ms: number): void {
    this.setTo(this.millis + ms);
  }
}
