/** The drain rate is sampled at most this often, so one completion does not make a rate. */
const SAMPLE_MS = 250;
/** Time constant of the drain rate's moving average: it follows a change within a few seconds. */
const RATE_TIME_CONSTANT_MS = 3_000;
/**
 * Refused callers are told to come back this many times faster than the work drains: some find
 * the slot taken by an admitted caller's next request, and the queue absorbs the surplus, so
 * the ledger never waits for work while callers wait for a return time.
 */
const RETURN_OVERBOOKING = 2;
/** Return times are handed out no further ahead than this, whatever the crowd. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Completions per second, as an exponentially weighted moving average over wall time: idle time
 * lowers it, so after a stall no more is admitted than has recently drained.
 */
export class DrainRate {
  private perSecond = 0;
  private completions = 0;
  private sampleStart: number;

  constructor(private readonly now: () => number) {
    this.sampleStart = now();
  }

  completed(): void {
    this.completions++;
    this.sample();
  }

  current(): number {
    this.sample();
    return this.perSecond;
  }

  private sample(): void {
    const t = this.now();
    const elapsed = t - this.sampleStart;
    if (elapsed < SAMPLE_MS) return;
    const observed = (this.completions * 1000) / elapsed;
    this.perSecond += (1 - Math.exp(-elapsed / RATE_TIME_CONSTANT_MS)) * (observed - this.perSecond);
    this.completions = 0;
    this.sampleStart = t;
  }
}

/**
 * Hands each refused caller a return time of its own, spread at the rate work drains, instead of
 * telling a crowd the same second: a crowd told the same time comes back together, and refusing
 * it again costs what the admitted callers need (measured: 1,000 clients retrying every 1–2 s
 * committed 22 tx/s, 40 at 200).
 */
export class ReturnSchedule {
  /** When the next refused caller should come back (ms on the schedule's clock). */
  private nextReturnAt = 0;

  constructor(
    private readonly drain: DrainRate,
    private readonly now: () => number,
  ) {}

  /** Whole seconds until this caller's return time, behind `waiting` callers already queued. */
  retryAfterSeconds(waiting: number): number {
    const rate = this.drain.current();
    if (rate <= 0) return 1;
    const t = this.now();
    const queueDrained = t + (waiting * 1000) / rate;
    const returnAt = Math.min(Math.max(queueDrained, this.nextReturnAt), t + MAX_RETRY_AFTER_MS);
    this.nextReturnAt = returnAt + 1000 / (rate * RETURN_OVERBOOKING);
    return Math.max(1, Math.ceil((returnAt - t) / 1000));
  }
}
