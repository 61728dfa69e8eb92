import { expect } from 'chai';
import { FakeLedger } from './testing';
import { compositeKey, getJson, putIndex, putJson, requireJson } from './state';
import { jsonRecord, pageOfRecords, pageViaIndex, queryAll, queryPage, readHistory } from './queries';
import { txTimeIso } from './time';

const org = { mspId: 'CityMSP', role: 'operator' };

describe('state, queries and history', () => {
  it('writes canonical JSON under a composite key and reads it back after commit', async () => {
    const ledger = new FakeLedger();
    const key = await ledger.submit(org, async (ctx) => {
      const k = compositeKey(ctx, 'thing', ['t1']);
      await putJson(ctx, k, { b: 2, a: 1 });
      // Fabric: no read of one's own writes.
      expect(await getJson(ctx, k)).to.equal(undefined);
      return k;
    });
    expect(ledger.state.get(key)!.toString()).to.equal('{"a":1,"b":2}');
    await ledger.evaluate(org, async (ctx) => {
      expect(await requireJson(ctx, key, 'thing t1')).to.deep.equal({ a: 1, b: 2 });
    });
  });

  it('reports a missing record as NOT_FOUND naming it', async () => {
    const ledger = new FakeLedger();
    await ledger.evaluate(org, async (ctx) => {
      let message = '';
      await requireJson(ctx, compositeKey(ctx, 'thing', ['t2']), 'thing t2').catch(
        (e: Error) => (message = e.message),
      );
      expect(message).to.equal('NOT_FOUND: thing t2 does not exist');
    });
  });

  it('pages through a partial composite key with a bookmark', async () => {
    const ledger = new FakeLedger();
    await ledger.submit(org, async (ctx) => {
      for (const id of ['a', 'b', 'c', 'd', 'e']) {
        await putJson(ctx, compositeKey(ctx, 'thing', ['g1', id]), { id });
      }
      await putJson(ctx, compositeKey(ctx, 'thing', ['g2', 'z']), { id: 'z' });
    });
    const first = await ledger.evaluate(org, (ctx) => queryPage(ctx, 'thing', ['g1'], 2, '', jsonRecord));
    expect(first.records).to.deep.equal([{ id: 'a' }, { id: 'b' }]);
    expect(first.bookmark).to.not.equal('');
    const second = await ledger.evaluate(org, (ctx) =>
      queryPage(ctx, 'thing', ['g1'], 2, first.bookmark, jsonRecord),
    );
    expect(second.records).to.deep.equal([{ id: 'c' }, { id: 'd' }]);
    const third = await ledger.evaluate(org, (ctx) =>
      queryPage(ctx, 'thing', ['g1'], 2, second.bookmark, jsonRecord),
    );
    expect(third).to.deep.include({ records: [{ id: 'e' }], bookmark: '', fetchedRecordsCount: 1 });
  });

  it('refuses a bookmark taken from another query', async () => {
    const ledger = new FakeLedger();
    await ledger.evaluate(org, async (ctx) => {
      const foreign = compositeKey(ctx, 'other', ['x']);
      let message = '';
      await queryPage(ctx, 'thing', ['g1'], 2, foreign, jsonRecord).catch(
        (e: Error) => (message = e.message),
      );
      expect(message).to.equal('INVALID_ARGUMENT: bookmark: does not belong to this query');
    });
  });

  it('follows index keys and returns their attributes', async () => {
    const ledger = new FakeLedger();
    await ledger.submit(org, async (ctx) => {
      await putIndex(ctx, compositeKey(ctx, 'idx', ['owner', 'r1']));
      await putIndex(ctx, compositeKey(ctx, 'idx', ['owner', 'r2']));
    });
    const entries = await ledger.evaluate(org, (ctx) => queryAll(ctx, 'idx', ['owner']));
    expect(entries.map((e) => e.attributes)).to.deep.equal([
      ['owner', 'r1'],
      ['owner', 'r2'],
    ]);
    let message = '';
    await ledger
      .evaluate(org, (ctx) => queryAll(ctx, 'idx', ['owner'], 1))
      .catch((e: Error) => (message = e.message));
    expect(message).to.match(/more than 1 entries/);
  });

  it('pages records and index entries followed to their records from the raw query arguments', async () => {
    const ledger = new FakeLedger();
    await ledger.submit(org, async (ctx) => {
      for (const id of ['a', 'b', 'c']) {
        await putJson(ctx, compositeKey(ctx, 'thing', ['g1', id]), { id });
        await putIndex(ctx, compositeKey(ctx, 'thing~tag', ['red', id]));
      }
      await putIndex(ctx, compositeKey(ctx, 'thing~tag', ['red', 'gone']));
    });
    const records = await ledger.evaluate(org, (ctx) => pageOfRecords(ctx, 'thing', ['g1'], '2', ''));
    expect(records.records).to.deep.equal([{ id: 'a' }, { id: 'b' }]);
    const followed = await ledger.evaluate(org, (ctx) =>
      pageViaIndex(ctx, 'thing~tag', ['red'], '', '', (a) => compositeKey(ctx, 'thing', ['g1', a[1]!])),
    );
    expect(followed.records).to.deep.equal([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    let message = '';
    await ledger
      .evaluate(org, (ctx) => pageOfRecords(ctx, 'thing', ['g1'], 'ten', ''))
      .catch((e: Error) => (message = e.message));
    expect(message).to.match(/^INVALID_ARGUMENT: pageSize: /);
  });

  it('lists the history of a key newest first with ISO timestamps and deletes', async () => {
    const ledger = new FakeLedger('energy', '2025-01-01T00:00:00.000Z');
    let key = '';
    await ledger.submit({ ...org, txId: 't1' }, async (ctx) => {
      key = compositeKey(ctx, 'thing', ['h']);
      await putJson(ctx, key, { v: 1 });
    });
    await ledger.submit({ ...org, txId: 't2' }, async (ctx) => putJson(ctx, key, { v: 2 }));
    await ledger.submit({ ...org, txId: 't3' }, async (ctx) => ctx.stub.deleteState(key));
    const history = await ledger.evaluate(org, (ctx) => readHistory(ctx, key));
    expect(history).to.deep.equal([
      { txId: 't3', timestamp: '2025-01-01T00:00:03.000Z', isDelete: true, value: null },
      { txId: 't2', timestamp: '2025-01-01T00:00:02.000Z', isDelete: false, value: { v: 2 } },
      { txId: 't1', timestamp: '2025-01-01T00:00:01.000Z', isDelete: false, value: { v: 1 } },
    ]);
  });

  it('takes the time from the transaction timestamp', async () => {
    const ledger = new FakeLedger();
    const iso = await ledger.evaluate({ ...org, time: '2030-06-01T08:30:00.250Z' }, async (ctx) =>
      txTimeIso(ctx),
    );
    expect(iso).to.equal('2030-06-01T08:30:00.250Z');
  });
});
