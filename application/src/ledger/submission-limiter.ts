import { TooManyRequestsError } from '../errors/gateway-errors';

export interface SubmissionLimits {
  /** Submissions running at once (a Fabric peer's Gateway refuses more than 500 concurrent requests). */
  maxConcurrent: number;
  /** A hard cap on the queue behind them, whatever the drain rate. */
  maxQueued: number;
  /**
   * How long an admitted submission may expect to wait and run: the limiter admits while the work
   * it holds (in flight + queued) drains within this many milliseconds at the measured rate.
   * 0 turns the bound off (only `maxConcurrent` + `maxQueued` apply).
   */
  latencyBudgetMs: number;
  /** The clock, in milliseconds; tests pass their own. */
  now?: () => number;
}

/** The drain rate is sampled at most this often, so one completion does not make a rate. */
const SAMPLE_MS = 250;
/** Time constant of the drain rate's moving average: it follows a change within a few seconds. */
const RATE_TIME_CONSTANT_MS = 3_000;
/**
 * Refused callers are told to come back this many times faster than the ledger drains: some find
 * the slot taken by an admitted caller's next submission, and the queue absorbs the surplus, so
 * the ledger never waits for work while callers wait for a return time.
 */
const RETURN_OVERBOOKING = 2;
/** Return times are handed out no further ahead than this, whatever the crowd. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Completions per second, as an exponentially weighted moving average over wall time: idle time
 * lowers it, so after a stall the limiter admits no more than it has recently seen drain.
 */
class DrainRate {
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
 * Bounds the submissions in flight and the queue behind them by what the ledger drains within a
 * latency budget (Little's law: wait ≈ work held / drain rate). Work beyond the bound is refused at
 * once with 429 and a Retry-After that spreads the refused callers' returns over time, instead of
 * waiting in a queue where it would only make every admitted caller wait longer.
 */
export class SubmissionLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly drain: DrainRate;
  private readonly now: () => number;
  /** When the next refused caller should come back (ms on the limiter's clock). */
  private nextReturnAt = 0;

  constructor(private readonly limits: SubmissionLimits) {
    this.now = limits.now ?? Date.now;
    this.drain = new DrainRate(this.now);
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Completions per second over the last few seconds. */
  get drainRate(): number {
    return this.drain.current();
  }

  /**
   * How much work (in flight + queued) the limiter holds before it refuses: what drains within the
   * latency budget, never below `maxConcurrent` (so a cold start, with no rate measured yet, admits
   * a full set of workers) and never above `maxConcurrent + maxQueued`.
   */
  get admissionBound(): number {
    const { maxConcurrent, maxQueued, latencyBudgetMs } = this.limits;
    const ceiling = maxConcurrent + maxQueued;
    if (latencyBudgetMs <= 0) return ceiling;
    const drainable = Math.floor((this.drain.current() * latencyBudgetMs) / 1000);
    return Math.min(ceiling, Math.max(maxConcurrent, drainable));
  }

  /** @throws TooManyRequestsError (`SATURATED`) at once when the bound is reached; nothing is queued. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limits.maxConcurrent) {
      const held = this.active + this.waiting.length;
      if (held >= this.admissionBound) throw this.saturated();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      this.drain.completed();
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` only drops when nobody waits.
      if (next) next();
      else this.active--;
    }
  }

  private saturated(): TooManyRequestsError {
    const rate = this.drain.current();
    const t = this.now();
    let retryAfterSeconds = 1;
    if (rate > 0) {
      // Each refused caller gets its own return time, half a drain interval after the previous
      // one, from when the queue ahead has drained. Telling them all the same time would bring
      // them back together, and refusing that crowd again costs the event loop the admitted
      // callers need (measured: 1,000 clients retrying every 1–2 s committed 22 tx/s, 40 at 200).
      const queueDrained = t + (this.waiting.length * 1000) / rate;
      const returnAt = Math.min(Math.max(queueDrained, this.nextReturnAt), t + MAX_RETRY_AFTER_MS);
      this.nextReturnAt = returnAt + 1000 / (rate * RETURN_OVERBOOKING);
      retryAfterSeconds = Math.max(1, Math.ceil((returnAt - t) / 1000));
    }
    return new TooManyRequestsError(
      'SATURATED',
      `the gateway holds ${this.active} submissions in flight and ${this.waiting.length} queued, ` +
        `${rate.toFixed(1)} commit per second; retry in ${retryAfterSeconds} s`,
      retryAfterSeconds,
    );
  }
}
