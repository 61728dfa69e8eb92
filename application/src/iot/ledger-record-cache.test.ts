import { expect } from 'chai';
import { LedgerRecordCache } from './ledger-record-cache';

const RETRY_MS = 60_000;

/** A cache over a ledger that knows only `known`, counting the reads it is asked for. */
function cacheOver(known: Record<string, string>, maxAbsent?: number) {
  let clock = 0;
  const reads: string[] = [];
  const cache = new LedgerRecordCache<string>(RETRY_MS, () => clock, maxAbsent);
  return {
    cache,
    reads,
    advance: (ms: number) => (clock += ms),
    lookup: async (id: string) => {
      const found = await cache.get(id, async () => {
        reads.push(id);
        return known[id];
      });
      // Let the cache settle the read, as the next reading would find it.
      await new Promise((resolve) => setImmediate(resolve));
      return found;
    },
  };
}

describe('ledger record cache', () => {
  it('remembers an unknown id as absent until its retry time has passed', async () => {
    const { lookup, reads, advance } = cacheOver({});
    expect(await lookup('ghost')).to.equal(undefined);
    expect(await lookup('ghost')).to.equal(undefined);
    expect(reads).to.deep.equal(['ghost']);
    advance(RETRY_MS);
    await lookup('ghost');
    expect(reads).to.deep.equal(['ghost', 'ghost']);
  });

  it('keeps no more than maxAbsent unknown ids, forgetting the oldest first', async () => {
    const { cache, lookup, reads } = cacheOver({}, 100);
    for (let i = 0; i < 1000; i++) {
      await lookup(`ghost-${i}`);
      expect(cache.absentCount).to.be.at.most(100);
    }
    expect(cache.absentCount).to.equal(100);
    reads.length = 0;
    await lookup('ghost-999');
    await lookup('ghost-900');
    expect(reads, 'the newest are still remembered').to.deep.equal([]);
    await lookup('ghost-899');
    expect(reads, 'older ones were forgotten').to.deep.equal(['ghost-899']);
  });

  it('holds its default cap against a flood of never-repeated unknown ids', async () => {
    const { cache, lookup } = cacheOver({});
    for (let i = 0; i < 12_000; i++) await lookup(`did:cityledger:civic:flood-${i}`);
    expect(cache.absentCount).to.equal(10_000);
  });

  it('forgets unknown ids whose retry time has passed when it remembers the next one', async () => {
    const { cache, lookup, advance } = cacheOver({});
    for (let i = 0; i < 50; i++) await lookup(`ghost-${i}`);
    expect(cache.absentCount).to.equal(50);
    advance(RETRY_MS);
    await lookup('newcomer');
    expect(cache.absentCount).to.equal(1);
  });

  it('serves a known id from memory however many unknown ids pass, until it is invalidated', async () => {
    const { cache, lookup, reads, advance } = cacheOver({ 'aq-1': 'device aq-1' }, 10);
    expect(await lookup('aq-1')).to.equal('device aq-1');
    for (let i = 0; i < 100; i++) await lookup(`ghost-${i}`);
    advance(10 * RETRY_MS);
    for (let i = 100; i < 200; i++) await lookup(`ghost-${i}`);
    reads.length = 0;
    expect(await lookup('aq-1')).to.equal('device aq-1');
    expect(reads).to.deep.equal([]);
    cache.invalidate('aq-1');
    expect(await lookup('aq-1')).to.equal('device aq-1');
    expect(reads).to.deep.equal(['aq-1']);
  });
});
