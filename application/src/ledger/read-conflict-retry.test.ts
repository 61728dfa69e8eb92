import { expect } from 'chai';
import { ConflictError } from '../errors/gateway-errors';
import { backoffDelayMs, retryReadConflicts } from './read-conflict-retry';

describe('MVCC read-conflict retry', () => {
  const policy = { maxRetries: 3, retryBaseMs: 1, retryMaxMs: 4 };
  const conflict = new Error('MVCC');
  const conflictOf = (error: unknown) => (error === conflict ? 'MVCC_READ_CONFLICT' : undefined);

  it('re-submits after a read conflict and reports the attempts made', async () => {
    let calls = 0;
    const outcome = await retryReadConflicts(
      async () => {
        calls += 1;
        if (calls < 3) throw conflict;
        return 'committed';
      },
      conflictOf,
      policy,
    );
    expect(outcome).to.deep.equal({ value: 'committed', attempts: 3 });
  });

  it('gives up after the bounded retries with a 409 ConflictError naming the validation code', async () => {
    let calls = 0;
    const error = await retryReadConflicts(
      async () => {
        calls += 1;
        throw conflict;
      },
      conflictOf,
      policy,
    ).catch((e: unknown) => e);
    expect(calls).to.equal(4);
    expect(error).to.be.instanceOf(ConflictError);
    expect(error).to.include({ code: 'MVCC_READ_CONFLICT', attempts: 4 });
  });

  it('does not retry other failures', async () => {
    let calls = 0;
    const refused = new Error('ACCESS_DENIED');
    const error = await retryReadConflicts(
      async () => {
        calls += 1;
        throw refused;
      },
      conflictOf,
      policy,
    ).catch((e: unknown) => e);
    expect([calls, error]).to.deep.equal([1, refused]);
  });

  it('backs off exponentially up to the ceiling', () => {
    const wide = { maxRetries: 5, retryBaseMs: 100, retryMaxMs: 300 };
    for (let i = 0; i < 50; i++) {
      expect(backoffDelayMs(0, wide)).to.be.at.most(100);
      expect(backoffDelayMs(5, wide)).to.be.at.most(300);
    }
  });
});
