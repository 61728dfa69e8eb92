import { expect } from 'chai';
import { TooManyRequestsError } from '../errors/gateway-errors';
import { SubmissionLimiter } from './submission-limiter';

describe('submission limiter', () => {
  it('runs at most maxConcurrent tasks, queues maxQueued more and refuses the rest with SATURATED', async () => {
    const limiter = new SubmissionLimiter(2, 1);
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
    const refused = await task().catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(TooManyRequestsError);
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
});
