import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetContracts, testConsortium } from '@cityledger/network/testing';
import { expect } from 'chai';
import type { Caller } from '../auth/caller';
import { EmbeddedLedgerConnector } from '../ledger/embedded-connector';
import type { LedgerConnector } from '../ledger/ledger-connector';
import type { ChannelIndex, TransactionFilter } from './channel-index';
import { ExplorerIndexes } from './explorer-index';

const startLedger = (dataDir: string) =>
  EmbeddedLedgerConnector.start({
    consortium: testConsortium(),
    dataDir,
    chaincodes: { assets: assetContracts, other: assetContracts },
    submissions: {
      maxRetries: 5,
      retryBaseMs: 1,
      retryMaxMs: 5,
      maxConcurrent: 8,
      maxQueued: 8,
      latencyBudgetMs: 0,
    },
  });

/** Everything an index lists: all blocks, and transactions unfiltered and by each filter. */
function listingOf(index: ChannelIndex) {
  const filters: TransactionFilter[] = [
    {},
    { chaincode: 'other' },
    { function: 'Append' },
    { creatorMsp: 'Org2MSP' },
    { validationCode: 'MVCC_READ_CONFLICT' },
  ];
  return {
    blocks: index.blockPage(1000).items,
    transactions: filters.map((filter) => index.transactionPage(filter, 1000).items),
  };
}

describe('explorer index over the embedded ledger', () => {
  let dataDir: string;
  let ledger: EmbeddedLedgerConnector;
  let live: ExplorerIndexes;
  const alice: Caller = { userId: 'alice', mspId: 'Org1MSP', role: 'clerk' };
  const bob: Caller = { userId: 'bob', mspId: 'Org2MSP', role: 'clerk' };
  const call = (chaincode: string, fn: string, ...args: string[]) => ({
    channel: 'alpha',
    chaincode,
    function: fn,
    args,
  });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cityledger-explorer-index-'));
    ledger = await startLedger(dataDir);
    live = new ExplorerIndexes(ledger);
    live.start(['alpha']);
    await ledger.submit(alice, call('assets', 'Put', 'counter', 'x'));
    await ledger.submit(bob, call('other', 'Put', 'parcel', 'p1'));
    // Appends to one key, endorsed together: the losers commit as MVCC_READ_CONFLICT, then retry.
    await Promise.all(
      ['a', 'b', 'c', 'd'].map((s) => ledger.submit(alice, call('assets', 'Append', 'counter', s))),
    );
    await ledger.submit(bob, call('assets', 'Delete', 'counter'));
  });
  after(async () => {
    live?.close();
    await ledger?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps up with commits as they happen, each transaction as the ledger describes it', async () => {
    const { index, indexedHeight, ledgerHeight } = await live.atHeight('alpha');
    expect(indexedHeight).to.equal(ledgerHeight);
    const [newest] = index.transactionPage({}, 1).items;
    const described = (await ledger.transaction('alpha', newest!.txId))!;
    expect(newest).to.deep.equal({
      txId: described.txId,
      blockNumber: described.blockNumber,
      txIndex: described.txIndex,
      time: described.timestamp,
      chaincode: 'assets',
      function: 'Delete',
      creatorMsp: 'Org2MSP',
      validationCode: 'VALID',
    });
    const conflicts = index.transactionPage({ validationCode: 'MVCC_READ_CONFLICT' }, 100).items;
    expect(conflicts.length).to.be.greaterThan(0);
    for (const tx of conflicts) {
      expect((await ledger.transaction('alpha', tx.txId))!.validationCodeName).to.equal('MVCC_READ_CONFLICT');
    }
    const [block] = index.blockPage(1).items;
    const shown = (await ledger.block('alpha', block!.blockNumber))!;
    expect(block).to.include({ headerHash: shown.headerHash, previousHash: shown.previousHash });
  });

  it('rebuilds from the chain to the same listing it built block by block', async () => {
    const rebuilt = new ExplorerIndexes(ledger);
    try {
      const { index } = await rebuilt.atHeight('alpha');
      expect(listingOf(index)).to.deep.equal(listingOf((await live.atHeight('alpha')).index));
    } finally {
      rebuilt.close();
    }
  });

  it('after a restart of gateway and ledger, rebuilds the same listing from the stored chain', async () => {
    const before = listingOf((await live.atHeight('alpha')).index);
    live.close();
    await ledger.close();
    ledger = await startLedger(dataDir);
    live = new ExplorerIndexes(ledger);
    live.start(['alpha']);
    const { index, indexedHeight } = await live.atHeight('alpha');
    expect(indexedHeight).to.equal(before.blocks.length);
    expect(listingOf(index)).to.deep.equal(before);
  });

  it('answers what it has, with its height, when catching up outlasts the wait', async () => {
    const stalled = {
      height: async () => 7,
      subscribe: () => () => {},
    } as unknown as LedgerConnector;
    const indexes = new ExplorerIndexes(stalled, 20);
    const { indexedHeight, ledgerHeight } = await indexes.atHeight('alpha');
    expect([indexedHeight, ledgerHeight]).to.deep.equal([0, 7]);
  });

  it('follows a channel it could not follow at start once asked for it', async () => {
    let refuse = true;
    const flaky = {
      height: async () => 0,
      subscribe: () => {
        if (refuse) throw new Error('peer unreachable');
        return () => {};
      },
    } as unknown as LedgerConnector;
    const indexes = new ExplorerIndexes(flaky, 20);
    indexes.start(['alpha']);
    expect(indexes.problem('alpha')).to.equal('peer unreachable');
    refuse = false;
    await indexes.atHeight('alpha');
    expect(indexes.problem('alpha')).to.equal(undefined);
  });
});
