import { expect } from 'chai';
import { BookmarkSeal, PageBookmarks } from '../chaincode-api/page-bookmarks';
import { type Listing, ListingBookmarks } from './listing-bookmark';

const FOREIGN = /^bookmark: is not a bookmark this gateway issued for this list$/;

describe('listing bookmarks', () => {
  const seal = new BookmarkSeal(Buffer.alloc(32, 7));
  const bookmarks = new ListingBookmarks(seal);
  const transactions: Listing<'transaction'> = {
    channel: 'civic',
    kind: 'transaction',
    filters: { chaincode: 'identity', from: 1_764_000_000_000, validationCode: undefined },
  };
  const position = { kind: 'transaction', timeMs: 1_764_000_000_123, blockNumber: 12, txIndex: 3 } as const;

  it('opens to the position it was issued for, whatever order the filters come in', () => {
    const bookmark = bookmarks.issue(transactions, position);
    expect(bookmark).to.match(/^[A-Za-z0-9_-]+$/);
    const reordered = {
      channel: 'civic',
      kind: 'transaction',
      filters: { from: 1_764_000_000_000, chaincode: 'identity' },
    } as const;
    expect(bookmarks.open(reordered, bookmark)).to.deep.equal(position);
    const blocks = { channel: 'civic', kind: 'block' } as const;
    expect(bookmarks.open(blocks, bookmarks.issue(blocks, { kind: 'block', blockNumber: 41 }))).to.deep.equal(
      {
        kind: 'block',
        blockNumber: 41,
      },
    );
  });

  it('refuses a bookmark of another channel, listing, filters or key, or one not sealed at all', () => {
    const bookmark = bookmarks.issue(transactions, position);
    const others = new ListingBookmarks(new BookmarkSeal(Buffer.alloc(32, 8)));
    for (const [label, listing, token] of [
      ['of another channel', { ...transactions, channel: 'energy' }, bookmark],
      ['of another listing', { channel: 'civic', kind: 'block' }, bookmark],
      ['of other filters', { ...transactions, filters: { chaincode: 'identity' } }, bookmark],
      ['of another key', transactions, others.issue(transactions, position)],
      ['unsealed', transactions, Buffer.from('t:1764000000123:12:3').toString('base64url')],
    ] as const) {
      expect(() => bookmarks.open(listing, token), label).to.throw(FOREIGN);
    }
  });

  it('shares its key with the chaincode lists but opens none of their bookmarks, nor they its', () => {
    const chaincodeLists = new PageBookmarks(seal, () => [
      {
        name: 'identity',
        version: '1.0',
        installed: true,
        transactions: [
          { name: 'ListDidsByType', kind: 'evaluate', parameters: ['didType', 'pageSize', 'bookmark'] },
        ],
      },
    ]);
    const call = {
      channel: 'civic',
      chaincode: 'identity',
      function: 'ListDidsByType',
      args: ['person', '1', ''],
    };
    const page = chaincodeLists.seal(call, { records: [], bookmark: 'b:1' }) as { bookmark: string };
    expect(() => bookmarks.open({ channel: 'civic', kind: 'block' }, page.bookmark)).to.throw(FOREIGN);
    const listing = bookmarks.issue({ channel: 'civic', kind: 'block' }, { kind: 'block', blockNumber: 1 });
    expect(() => chaincodeLists.open({ ...call, args: ['person', '1', listing] })).to.throw(FOREIGN);
  });
});
