import { expect } from 'chai';
import { isOrderingUnavailable, retryOrdering } from './ordering-retry';

const UNAVAILABLE = 14;
const ABORTED = 10;
const DEADLINE_EXCEEDED = 4;

function fabricError(name: string, code: number): Error {
  return Object.assign(new Error(`${code} ${name}`), { name, code });
}

const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => expect.fail('expected a failure'),
    (error: unknown) => error,
  );

const quick = { budgetMs: 1_000, firstDelayMs: 1, maxDelayMs: 2 };

describe('retrying ordering while no orderer accepts a transaction', () => {
  it('sends the transaction again until an orderer takes it', async () => {
    let calls = 0;
    const result = await retryOrdering(async () => {
      calls++;
      if (calls < 3) throw fabricError('SubmitError', calls === 1 ? UNAVAILABLE : DEADLINE_EXCEEDED);
      return 'ordered';
    }, quick);
    expect(result).to.equal('ordered');
    expect(calls).to.equal(3);
  });

  it('gives up with the last failure once the time budget is spent', async () => {
    let clock = 0;
    let calls = 0;
    const failing = retryOrdering(
      async () => {
        calls++;
        clock += 400;
        throw fabricError('SubmitError', UNAVAILABLE);
      },
      quick,
      () => clock,
    );
    expect(((await failureOf(failing)) as Error).message).to.equal('14 SubmitError');
    expect(calls).to.equal(3);
  });

  it('does not retry a refusal by the orderer or a failed endorsement', async () => {
    for (const error of [fabricError('SubmitError', ABORTED), fabricError('EndorseError', UNAVAILABLE)]) {
      let calls = 0;
      const failure = await failureOf(
        retryOrdering(async () => {
          calls++;
          throw error;
        }, quick),
      );
      expect(failure).to.equal(error);
      expect(calls).to.equal(1);
      expect(isOrderingUnavailable(error)).to.equal(false);
    }
  });
});
