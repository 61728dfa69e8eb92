import { TooManyRequestsError } from '../errors/gateway-errors';
import { DrainRate, ReturnSchedule } from '../http/return-schedule';

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
  private readonly returns: ReturnSchedule;

  constructor(private readonly limits: SubmissionLimits) {
    const now = limits.now ?? Date.now;
    this.drain = new DrainRate(now);
    this.returns = new ReturnSchedule(this.drain, now);
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
    const retryAfterSeconds = this.returns.retryAfterSeconds(this.waiting.length);
    return new TooManyRequestsError(
      'SATURATED',
      `the gateway holds ${this.active} submissions in flight and ${this.waiting.length} queued, ` +
        `${rate.toFixed(1)} commit per second; retry in ${retryAfterSeconds} s`,
      retryAfterSeconds,
    );
  }
}
