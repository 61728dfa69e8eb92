import { TooManyRequestsError } from '../errors/gateway-errors';

/**
 * Bounds the submissions in flight (a Fabric peer's Gateway refuses more than 500 concurrent
 * requests; the embedded network slows down for all callers) and the queue behind them. When both
 * are full the caller is told to come back (429) instead of the gateway piling up work.
 */
export class SubmissionLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxQueued: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.maxConcurrent) {
      if (this.waiting.length >= this.maxQueued) {
        throw new TooManyRequestsError(
          'SATURATED',
          `the gateway has ${this.active} submissions in flight and ${this.waiting.length} queued; retry shortly`,
          1,
        );
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` only drops when nobody waits.
      if (next) next();
      else this.active--;
    }
  }
}
