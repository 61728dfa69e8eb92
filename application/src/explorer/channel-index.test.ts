import { expect } from 'chai';
import type { LedgerBlock, LedgerTransaction } from '../ledger/ledger-connector';
import { ChannelIndex, type ListedTransaction, type TransactionFilter } from './channel-index';

const hashOf = (n: number) => n.toString(16).padStart(64, '0');
const at = (second: number) => new Date(Date.UTC(2026, 11, 3, 10, 0, second)).toISOString();

type TxSpec = Partial<LedgerTransaction> & { second: number };

/** Blocks as a connector delivers them: each names the one before it. */
function chainOf(...blocks: TxSpec[][]): LedgerBlock[] {
  return blocks.map((txs, blockNumber) => ({
    channel: 'civic',
    blockNumber,
    headerHash: hashOf(blockNumber + 1),
    previousHash: blockNumber === 0 ? '' : hashOf(blockNumber),
    transactions: txs.map(({ second, ...tx }, txIndex) => ({
      txIndex,
      txId: `tx-${blockNumber}-${txIndex}`,
      validationCode: 'VALID',
      timestamp: at(second),
      ...tx,
    })),
  }));
}

const indexOf = (blocks: LedgerBlock[]) => {
  const index = new ChannelIndex();
  for (const block of blocks) index.add(block);
  return index;
};

const ids = (items: ListedTransaction[]) => items.map((t) => t.txId);

/** Every page of a listing, following bookmarks. */
function allPages(index: ChannelIndex, filter: TransactionFilter, limit: number): ListedTransaction[][] {
  const pages: ListedTransaction[][] = [];
  let after;
  do {
    const page = index.transactionPage(filter, limit, after);
    pages.push(page.items);
    after = page.next;
  } while (after);
  return pages;
}

describe('explorer channel index', () => {
  const city = { chaincode: 'identity', creatorMsp: 'CityMSP' };
  const chain = chainOf(
    [{ second: 0 }],
    [
      { second: 10, ...city, function: 'StorePersonalData' },
      { second: 11, ...city, function: 'RegisterPerson' },
    ],
    [{ second: 20, chaincode: 'energy', function: 'PlaceBid', creatorMsp: 'UtilityMSP' }],
    [
      { second: 30, ...city, function: 'RegisterPerson', validationCode: 'MVCC_READ_CONFLICT' },
      { second: 31, chaincode: 'energy', function: 'PlaceBid', creatorMsp: 'CityMSP' },
    ],
    // A client with a slow clock: committed last, proposed before block 2's transaction.
    [{ second: 15, chaincode: 'energy', function: 'PlaceBid', creatorMsp: 'UtilityMSP' }],
  );

  it('lists blocks newest first, a page at a time, until block 0', () => {
    const index = indexOf(chain);
    const first = index.blockPage(2);
    expect(first.items.map((b) => b.blockNumber)).to.deep.equal([4, 3]);
    expect(first.items[1]).to.deep.equal({
      blockNumber: 3,
      headerHash: hashOf(4),
      previousHash: hashOf(3),
      txCount: 2,
      time: at(30),
    });
    const second = index.blockPage(2, first.next);
    expect(second.items.map((b) => b.blockNumber)).to.deep.equal([2, 1]);
    const last = index.blockPage(2, second.next);
    expect(last.items.map((b) => b.blockNumber)).to.deep.equal([0]);
    expect(last).to.not.have.property('next');
    expect(index.blockPage(10, 0).items).to.deep.equal([]);
  });

  it('lists transactions newest first by proposal time, whatever block they landed in', () => {
    const index = indexOf(chain);
    expect(ids(index.transactionPage({}, 10).items)).to.deep.equal([
      'tx-3-1',
      'tx-3-0',
      'tx-2-0',
      'tx-4-0',
      'tx-1-1',
      'tx-1-0',
      'tx-0-0',
    ]);
    expect(index.transactionPage({}, 1).items[0]).to.deep.equal({
      txId: 'tx-3-1',
      blockNumber: 3,
      txIndex: 1,
      time: at(31),
      chaincode: 'energy',
      function: 'PlaceBid',
      creatorMsp: 'CityMSP',
      validationCode: 'VALID',
    });
  });

  it('pages with the position of the last entry: no repeats, no gaps, no bookmark on the last page', () => {
    const index = indexOf(chain);
    const pages = allPages(index, {}, 3);
    expect(pages.map((p) => p.length)).to.deep.equal([3, 3, 1]);
    expect(pages.flat()).to.deep.equal(index.transactionPage({}, 100).items);
    expect(allPages(index, {}, 7)).to.have.length(1);
  });

  it('keeps paging in order when a transaction with an older time commits between pages', () => {
    const index = indexOf(chain.slice(0, 4));
    const first = index.transactionPage({}, 2);
    index.add(chain[4]!);
    const rest = index.transactionPage({}, 100, first.next);
    expect(ids(rest.items)).to.deep.equal(['tx-2-0', 'tx-4-0', 'tx-1-1', 'tx-1-0', 'tx-0-0']);
  });

  it('filters by chaincode, function, creator MSP, validation code, time range and transaction id', () => {
    const index = indexOf(chain);
    const listed = (filter: TransactionFilter) => ids(index.transactionPage(filter, 100).items);
    expect(listed({ chaincode: 'energy' })).to.deep.equal(['tx-3-1', 'tx-2-0', 'tx-4-0']);
    expect(listed({ function: 'RegisterPerson' })).to.deep.equal(['tx-3-0', 'tx-1-1']);
    expect(listed({ creatorMsp: 'UtilityMSP' })).to.deep.equal(['tx-2-0', 'tx-4-0']);
    expect(listed({ validationCode: 'MVCC_READ_CONFLICT' })).to.deep.equal(['tx-3-0']);
    expect(listed({ fromMs: Date.parse(at(11)), toMs: Date.parse(at(20)) })).to.deep.equal([
      'tx-2-0',
      'tx-4-0',
      'tx-1-1',
    ]);
    expect(listed({ txId: 'tx-4-0' })).to.deep.equal(['tx-4-0']);
    expect(listed({ txId: 'tx-9-9' })).to.deep.equal([]);
    expect(listed({ chaincode: 'casino' })).to.deep.equal([]);
  });

  it('combines filters, and pages through a filtered listing', () => {
    const index = indexOf(chain);
    const listed = (filter: TransactionFilter) => ids(index.transactionPage(filter, 100).items);
    expect(listed({ chaincode: 'energy', creatorMsp: 'CityMSP' })).to.deep.equal(['tx-3-1']);
    expect(listed({ creatorMsp: 'CityMSP', validationCode: 'VALID' })).to.deep.equal([
      'tx-3-1',
      'tx-1-1',
      'tx-1-0',
    ]);
    expect(listed({ function: 'PlaceBid', toMs: Date.parse(at(20)) })).to.deep.equal(['tx-2-0', 'tx-4-0']);
    expect(listed({ txId: 'tx-4-0', creatorMsp: 'CityMSP' })).to.deep.equal([]);
    expect(allPages(index, { chaincode: 'energy' }, 2).map(ids)).to.deep.equal([
      ['tx-3-1', 'tx-2-0'],
      ['tx-4-0'],
    ]);
  });

  it('names a reused transaction id by its first transaction, the one that counted', () => {
    const index = indexOf(
      chainOf([{ second: 1, txId: 'same' }], [{ second: 2, txId: 'same', validationCode: 'DUPLICATE_TXID' }]),
    );
    expect(index.transactionPage({ txId: 'same' }, 10).items).to.deep.include.members([
      { txId: 'same', blockNumber: 0, txIndex: 0, time: at(1), validationCode: 'VALID' },
    ]);
    expect(index.transactionPage({ validationCode: 'DUPLICATE_TXID' }, 10).items).to.have.length(1);
  });

  it('ignores a block it already holds, refuses a gap, and waits for a height', async () => {
    const index = indexOf(chain.slice(0, 2));
    index.add(chain[1]!);
    expect(index.height).to.equal(2);
    expect(index.transactionCount).to.equal(3);
    expect(() => index.add(chain[3]!)).to.throw(/expects block 2, got block 3/);
    const waiting = index.reached(4, 1000);
    index.add(chain[2]!);
    index.add(chain[3]!);
    expect(await waiting).to.equal(true);
    expect(await index.reached(99, 10)).to.equal(false);
  });
});
