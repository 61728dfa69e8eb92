import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConflictError, IdempotencyKeyReusedError, LedgerUnavailableError } from '../errors/gateway-errors';
import { DurableRecordStore } from './durable-records';
import { answerIdempotently } from './idempotent-answer';
import { type IdempotencyRecord, IdempotencyStore, type StoredAnswer } from './idempotency-store';

const HOUR = 60 * 60 * 1000;

describe('idempotency store', () => {
  let directory: string;
  let clock: number;
  let durable: DurableRecordStore;
  let store: IdempotencyStore;

  const open = () => {
    durable = new DurableRecordStore(directory, { retentionMs: 24 * HOUR, now: () => clock });
    store = new IdempotencyStore(durable.records<IdempotencyRecord>('idempotency'));
  };
  const created: StoredAnswer = { status: 201, headers: { Location: '/x/1' }, body: { id: 1 } };

  const completeNew = async (scope: string, fingerprint: string, answer: StoredAnswer) => {
    const reservation = await store.reserve(scope, fingerprint);
    if (reservation.outcome !== 'new') throw new Error(`expected a new request, got ${reservation.outcome}`);
    await reservation.complete(answer);
  };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'cityledger-idempotency-'));
    clock = Date.UTC(2026, 0, 1);
    open();
  });
  afterEach(async () => {
    await durable.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('replays the first answer to the same request with the same key', async () => {
    await completeNew('scope-a', 'body-1', created);
    expect(await store.reserve('scope-a', 'body-1')).to.deep.equal({ outcome: 'replay', answer: created });
  });

  it('refuses the key with another request, and lets other scopes use the same key', async () => {
    await completeNew('scope-a', 'body-1', created);
    expect(await store.reserve('scope-a', 'body-2')).to.deep.equal({ outcome: 'mismatch' });
    expect((await store.reserve('scope-b', 'body-2')).outcome).to.equal('new');
  });

  it('answers in-flight while the first request runs, and frees the key when it is released', async () => {
    const first = await store.reserve('scope-a', 'body-1');
    expect(first.outcome).to.equal('new');
    expect(await store.reserve('scope-a', 'body-1')).to.deep.equal({ outcome: 'in-flight' });
    expect(await store.reserve('scope-a', 'body-2')).to.deep.equal({ outcome: 'mismatch' });
    if (first.outcome === 'new') first.release();
    expect((await store.reserve('scope-a', 'body-1')).outcome).to.equal('new');
  });

  it('lets exactly one of two concurrent requests with one key run', async () => {
    const outcomes = await Promise.all([store.reserve('s', 'f'), store.reserve('s', 'f')]);
    expect(outcomes.map((o) => o.outcome).sort()).to.deep.equal(['in-flight', 'new']);
  });

  it('forgets an answer once the retention has passed, and the sweep deletes it', async () => {
    await completeNew('scope-a', 'body-1', created);
    clock += 24 * HOUR - 1;
    expect((await store.reserve('scope-a', 'body-1')).outcome).to.equal('replay');
    clock += 1;
    const afterRetention = await store.reserve('scope-a', 'body-2');
    expect(afterRetention.outcome).to.equal('new');
    if (afterRetention.outcome === 'new') afterRetention.release();
    expect(await store.sweep()).to.equal(1);
    expect(await store.sweep()).to.equal(0);
  });

  it('still replays after the store is closed and opened again from its directory', async () => {
    await completeNew('scope-a', 'body-1', created);
    await durable.close();
    open();
    expect(await store.reserve('scope-a', 'body-1')).to.deep.equal({ outcome: 'replay', answer: created });
  });

  describe('answerIdempotently', () => {
    const request = { scope: 'scope-a', fingerprint: 'body-1', key: 'key-1' };

    it('keeps a deterministic refusal and replays it without running the request again', async () => {
      let runs = 0;
      const refuse = async () => {
        runs += 1;
        throw new ConflictError('campaign c-1 exists');
      };
      await answerIdempotently(store, request, refuse).then(
        () => expect.fail('the refusal should be thrown'),
        (error: unknown) => expect(error).to.be.instanceOf(ConflictError),
      );
      const replay = await answerIdempotently(store, request, refuse);
      expect(runs).to.equal(1);
      expect(replay.replayed).to.equal(true);
      expect(replay.answer).to.deep.include({
        status: 409,
        body: { error: { code: 'CONFLICT', message: 'campaign c-1 exists' } },
      });
    });

    it('keeps no transient failure, so that a retry after a 503 or an MVCC conflict runs again', async () => {
      for (const transient of [
        new LedgerUnavailableError('the ordering service is down'),
        new ConflictError('lost the race', 'MVCC_READ_CONFLICT'),
      ]) {
        await answerIdempotently(store, request, () => Promise.reject(transient)).catch(() => undefined);
      }
      const retry = await answerIdempotently(store, request, async () => ({
        status: 201,
        body: { ok: true },
      }));
      expect(retry).to.deep.equal({
        answer: { status: 201, headers: {}, body: { ok: true } },
        replayed: false,
      });
    });

    it('refuses the key with another body with an error naming the key', async () => {
      await answerIdempotently(store, request, async () => ({ status: 200, body: {} }));
      const other = { ...request, fingerprint: 'body-2' };
      const error = await answerIdempotently(store, other, async () => ({ status: 200, body: {} })).catch(
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(IdempotencyKeyReusedError);
      expect((error as Error).message).to.include('"key-1"');
    });
  });
});
