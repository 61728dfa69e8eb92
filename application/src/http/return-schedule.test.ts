import { expect } from 'chai';
import { DrainRate, MAX_RETRY_AFTER_MS, ReturnSchedule } from './return-schedule';

/** A schedule over a clock the test moves, after `perSecond` completions a second for `seconds`. */
function scheduleAfter(perSecond: number, seconds: number): { schedule: ReturnSchedule; rate: DrainRate } {
  let t = 0;
  const now = () => t;
  const rate = new DrainRate(now);
  for (let ms = 0; ms < seconds * 1000; ms += 1000 / perSecond) {
    t = ms;
    rate.completed();
  }
  t = seconds * 1000;
  return { schedule: new ReturnSchedule(rate, now), rate };
}

describe('ReturnSchedule', () => {
  it('tells callers to come back in 1 s while no drain rate is known', () => {
    const { schedule } = scheduleAfter(1, 0);
    expect([schedule.retryAfterSeconds(0), schedule.retryAfterSeconds(500)]).to.deep.equal([1, 1]);
  });

  it('spreads a crowd of refused callers over time at twice the drain rate', () => {
    const { schedule, rate } = scheduleAfter(100, 30);
    expect(rate.current()).to.be.within(95, 105);
    const answers = Array.from({ length: 700 }, () => schedule.retryAfterSeconds(0));
    const perSecond = new Map<number, number>();
    for (const seconds of answers) perSecond.set(seconds, (perSecond.get(seconds) ?? 0) + 1);
    // ≈ 200 return times per second: the crowd comes back over four seconds, not in one.
    expect([...perSecond.keys()]).to.deep.equal([1, 2, 3, 4]);
    for (const second of [1, 2, 3]) expect(perSecond.get(second)).to.be.within(180, 220);
    expect(answers).to.deep.equal([...answers].sort((a, b) => a - b));
  });

  it('puts a caller behind the queue ahead of it and never further than the cap', () => {
    const { schedule } = scheduleAfter(10, 30);
    expect(schedule.retryAfterSeconds(50)).to.be.within(5, 6);
    expect(schedule.retryAfterSeconds(1_000_000)).to.equal(MAX_RETRY_AFTER_MS / 1000);
  });
});
