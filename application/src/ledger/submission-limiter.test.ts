import { expect } from 'chai';
import { TooManyRequestsError } from '../errors/gateway-errors';
import { SubmissionLimiter, type SubmissionLimits } from './submission-limiter';

/** A limiter on a hand-moved clock, and tasks that finish when the test says so. */
function harness(limits: Omit<SubmissionLimits, 'now'>) {
  let clock = 0;
  const limiter = new SubmissionLimiter({ ...limits, now: () => clock });
  const releases: Array<() => void> = [];
  const settled = new Set<Promise<unknown>>();
  const submit = () => {
    const run = limiter.run(() => new Promise<void>((resolve) => releases.push(resolve)));
    const tracked: Promise<boolean> = run.then(
      () => settled.delete(tracked),
      () => settled.delete(tracked),
    );
    settled.add(tracked);
    return run;
  };
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  return {
    limiter,
    submit,
    advance: (ms: number) => (clock += ms),
    /** Finishes the n oldest running tasks and lets their waiters take the slots. */
    async complete(n: number) {
      releases.splice(0, n).forEach((release) => release());
      await turn();
      await turn();
    },
    /** Submits until the limiter holds as many tasks as it admits. */
    fill() {
      while (limiter.inFlight + limiter.queued < limiter.admissionBound) void submit();
    },
    /** Completes `perSecond` tasks in each of `seconds` simulated seconds, filling up again after each. */
    async drainSteadily(perSecond: number, seconds: number) {
      for (let tick = 0; tick < seconds * 4; tick++) {
        clock += 250;
        await this.complete(perSecond / 4);
        this.fill();
      }
    },
    async drainAll() {
      while (settled.size > 0) await this.complete(releases.length);
    },
  };
}

async function refusalOf(attempt: Promise<unknown>): Promise<TooManyRequestsError> {
  const outcome = await attempt.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).to.be.instanceOf(TooManyRequestsError);
  return outcome as TooManyRequestsError;
}

describe('submission limiter', () => {
  it('runs at most maxConcurrent tasks, queues maxQueued more and refuses the rest with SATURATED', async () => {
    const limiter = new SubmissionLimiter({ maxConcurrent: 2, maxQueued: 1, latencyBudgetMs: 0 });
    let running = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const task = () =>
      limiter.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
      });
    const accepted = [task(), task(), task()];
    const refused = await refusalOf(task());
    expect(refused).to.include({ code: 'SATURATED' });
    expect([limiter.inFlight, limiter.queued]).to.deep.equal([2, 1]);
    const done = Promise.all(accepted);
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) {
      releases.splice(0).forEach((release) => release());
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(peak).to.equal(2);
    expect(limiter.inFlight).to.equal(0);
  });

  it('admits a full set of workers on a cold start, before any drain rate is measured', async () => {
    const h = harness({ maxConcurrent: 8, maxQueued: 1000, latencyBudgetMs: 2000 });
    const admitted = Array.from({ length: 8 }, () => h.submit());
    const refused = await refusalOf(h.submit());
    expect(refused.retryAfterSeconds).to.equal(1);
    expect([h.limiter.inFlight, h.limiter.queued]).to.deep.equal([8, 0]);
    await h.drainAll();
    await Promise.all(admitted);
  });

  it('holds as much work as drains within the latency budget, following the measured rate', async () => {
    const h = harness({ maxConcurrent: 16, maxQueued: 1000, latencyBudgetMs: 2000 });
    h.fill();
    // 40 completions per second for 20 s: the bound settles at 40/s × 2 s = 80.
    await h.drainSteadily(40, 20);
    expect(h.limiter.drainRate).to.be.closeTo(40, 1);
    expect(h.limiter.admissionBound).to.be.within(78, 80);
    expect(h.limiter.inFlight + h.limiter.queued).to.equal(h.limiter.admissionBound);

    // The ledger slows to 12/s: within a few seconds the bound follows it down to 24.
    await h.drainSteadily(12, 20);
    expect(h.limiter.drainRate).to.be.closeTo(12, 0.5);
    expect(h.limiter.admissionBound).to.be.within(23, 25);
    await h.drainAll();
  });

  it('never holds more than maxConcurrent + maxQueued, however fast the drain', async () => {
    const h = harness({ maxConcurrent: 4, maxQueued: 6, latencyBudgetMs: 60_000 });
    h.fill();
    await h.drainSteadily(8, 10);
    expect(h.limiter.admissionBound).to.equal(10);
    await h.drainAll();
  });

  it('refuses a burst beyond the bound at once, spreading Retry-After by the drain rate, and changes nothing', async () => {
    const h = harness({ maxConcurrent: 8, maxQueued: 1000, latencyBudgetMs: 2000 });
    h.fill();
    await h.drainSteadily(20, 20);
    const state = () => ({
      inFlight: h.limiter.inFlight,
      queued: h.limiter.queued,
      bound: h.limiter.admissionBound,
      rate: h.limiter.drainRate,
    });
    const before = state();
    expect(before.inFlight + before.queued).to.equal(before.bound);

    const burst = await Promise.all(Array.from({ length: 100 }, () => refusalOf(h.submit())));
    expect(new Set(burst.map((e) => e.code))).to.deep.equal(new Set(['SATURATED']));
    // The first comes back when the ~32 queued have drained at 20 per second (2 s); each next one
    // half a drain interval later (some will find the slot taken again), the 100th after (32 + 99/2) / 20 s.
    expect(burst.map((e) => e.retryAfterSeconds)).to.deep.equal(
      burst.map((_, k) => Math.max(1, Math.ceil((before.queued + k / 2) / before.rate))),
    );
    expect(burst[0]!.retryAfterSeconds).to.equal(2);
    expect(burst[99]!.retryAfterSeconds).to.equal(5);
    expect(state()).to.deep.equal(before);
    await h.drainAll();
  });

  it('hands out return times no further than a minute ahead', async () => {
    const h = harness({ maxConcurrent: 8, maxQueued: 1000, latencyBudgetMs: 2000 });
    h.fill();
    await h.drainSteadily(20, 20);
    const burst = await Promise.all(Array.from({ length: 5000 }, () => refusalOf(h.submit())));
    expect(Math.max(...burst.map((e) => e.retryAfterSeconds))).to.equal(60);
    await h.drainAll();
  });

  it('shrinks to maxConcurrent when nothing drains, so a stalled ledger queues nobody', async () => {
    const h = harness({ maxConcurrent: 8, maxQueued: 1000, latencyBudgetMs: 2000 });
    h.fill();
    await h.drainSteadily(20, 10);
    expect(h.limiter.admissionBound).to.be.greaterThan(30);
    h.advance(30_000);
    expect(h.limiter.admissionBound).to.equal(8);
    await h.drainAll();
  });
});
