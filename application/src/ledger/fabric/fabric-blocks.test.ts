import {
  MspRegistry,
  type EmbeddedNetwork,
  describeBlockSignatures,
  describeStoredBlock,
  describeTransactionInBlock,
  verifyBlockChain,
} from '@cityledger/network';
import { startTestNetwork } from '@cityledger/network/testing';
import type { common } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { blockSummaryOf, ledgerBlockOf } from '../ledger-views';
import { KeyHistoryIndex } from './key-history-index';

/**
 * The Fabric connector reads `common.Block`s from peers; the embedded network writes the same
 * structure, so its blocks stand in for a peer's here.
 */
const identitiesOf = (network: EmbeddedNetwork) =>
  new MspRegistry(new Map(network.crypto.organizations().map((o) => [o.mspId, o.msp])));

describe('reading Fabric blocks the way the Fabric connector does', () => {
  let network: EmbeddedNetwork;
  let cleanup: () => Promise<void>;
  let blocks: common.Block[];
  let txIds: string[];

  before(async () => {
    ({ network, cleanup } = await startTestNetwork());
    const alice = await network.crypto.enrollUser('Org1MSP', 'alice', { role: 'clerk' });
    const put = (fn: string, args: string[]) =>
      network.submit(alice, { channel: 'alpha', chaincode: 'assets', function: fn, args });
    txIds = [];
    for (const [fn, args] of [
      ['Put', ['parcel-1', 'v1']],
      ['Put', ['parcel-1', 'v2']],
      ['Delete', ['parcel-1']],
      ['Put', ['parcel-2', 'other']],
    ] as const) {
      txIds.push((await put(fn, [...args])).txId);
    }
    blocks = [];
    for (let n = 0; n < network.height('alpha'); n++) blocks.push((await network.getBlock('alpha', n))!);
  });
  after(() => cleanup());

  it('builds key histories from valid write sets, newest first, as the embedded history answers', async () => {
    const index = new KeyHistoryIndex();
    for (const block of blocks) index.add(block);
    expect(index.height).to.equal(blocks.length);
    const history = index.history('assets', 'parcel-1');
    const embedded = await network.getHistory('alpha', 'assets', 'parcel-1');
    expect(history.map((e) => [e.txId, e.isDelete, e.value])).to.deep.equal([
      [txIds[2], true, ''],
      [txIds[1], false, 'v2'],
      [txIds[0], false, 'v1'],
    ]);
    expect(history.map((e) => [e.txId, e.blockNumber, e.txIndex, e.timestamp])).to.deep.equal(
      embedded.map((e) => [e.txId, e.blockNum, e.txNum, e.timestamp.toISOString()]),
    );
    expect(index.history('other', 'parcel-1')).to.deep.equal([]);
  });

  it('refuses a block out of order and waits for a height', async () => {
    const index = new KeyHistoryIndex();
    expect(() => index.add(blocks[1]!)).to.throw(/expects block 0, got block 1/);
    const waiting = index.reached(2, 1000);
    index.add(blocks[0]!);
    index.add(blocks[1]!);
    expect(await waiting).to.equal(true);
    expect(await index.reached(99, 10)).to.equal(false);
  });

  it('gives listeners the transactions, validation codes and chaincode events of a block', async () => {
    const last = blocks[blocks.length - 1]!;
    const block = ledgerBlockOf(describeStoredBlock('alpha', last));
    const tx = block.transactions.find((t) => t.txId === txIds[3])!;
    expect(tx).to.include({ validationCode: 'VALID', chaincode: 'assets' });
    expect(tx.event?.name).to.equal('Put');
    expect(JSON.parse(tx.event!.payload.toString())).to.deep.equal({ key: 'parcel-2', value: 'other' });
    const signatures = await describeBlockSignatures(last, identitiesOf(network), async (n) => blocks[n]);
    const summary = blockSummaryOf(describeStoredBlock('alpha', last), signatures);
    expect(summary.previousHash).to.have.length(64);
    expect(summary.ordererSignatures).to.deep.equal([
      { mspId: 'OrdererMSP', orderer: 'orderer0.orderer.test.example', verified: true },
    ]);
    expect(summary.transactions.find((t) => t.txId === txIds[3])!.event?.payload).to.deep.equal({
      key: 'parcel-2',
      value: 'other',
    });
  });

  it('gives listeners what the explorer index lists: header hashes, function and creator', async () => {
    const listed = blocks.map((b) => ledgerBlockOf(describeStoredBlock('alpha', b)));
    for (let n = 1; n < listed.length; n++)
      expect(listed[n]!.previousHash).to.equal(listed[n - 1]!.headerHash);
    const signatures = await describeBlockSignatures(
      blocks[2]!,
      identitiesOf(network),
      async (n) => blocks[n],
    );
    expect(listed[2]!.headerHash).to.equal(
      blockSummaryOf(describeStoredBlock('alpha', blocks[2]!), signatures).headerHash,
    );
    const deleted = listed.flatMap((b) => b.transactions).find((t) => t.txId === txIds[2])!;
    expect(deleted).to.include({
      chaincode: 'assets',
      function: 'Delete',
      creatorMsp: 'Org1MSP',
      validationCode: 'VALID',
    });
    // configtxgen's genesis block carries a config transaction: no chaincode, no function.
    expect(listed[0]!.transactions[0]).to.not.have.any.keys('chaincode', 'function');
  });

  it('describes a transaction found in a block', async () => {
    const block = blocks.find((b) =>
      describeStoredBlock('alpha', b).transactions.some((t) => t.txId === txIds[1]),
    )!;
    const txIndex = describeStoredBlock('alpha', block).transactions.findIndex((t) => t.txId === txIds[1]);
    const described = describeTransactionInBlock('alpha', block, txIndex)!;
    expect(described).to.deep.equal(await network.getTransaction('alpha', txIds[1]!));
  });

  it('verifies the chain of blocks read one by one, and names a tampered block', async () => {
    const identities = identitiesOf(network);
    const source = { height: blocks.length, readBlock: async (n: number) => blocks[n] };
    expect(await verifyBlockChain(source, identities, { unsignedGenesis: true })).to.deep.equal({
      ok: true,
      height: blocks.length,
      bft: false,
      signers: [{ mspId: 'OrdererMSP', orderer: 'orderer0.orderer.test.example', blocks: blocks.length }],
    });
    const tampered = blocks.map((b) => b.cloneMessage());
    tampered[2]!.getHeader()!.setDataHash(Buffer.alloc(32));
    const result = await verifyBlockChain({ ...source, readBlock: async (n) => tampered[n] }, identities);
    expect(result).to.deep.include({ ok: false, firstBadBlock: 2 });
  });
});
