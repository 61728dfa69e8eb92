import { expect } from 'chai';
import { common } from '@hyperledger/fabric-protos';
import type { EmbeddedNetwork } from './embedded-network';
import { BlockMetadataIndex, setBlockMetadata } from './protocol/block';
import type { Signer } from './protocol/signer';
import type { CommittedBlock } from './events/block-events';
import { startTestNetwork } from './testing/test-network';
import { assetCall, rejectionOf } from './testing/test-helpers';

describe('embedded network: chain verification and events', () => {
  let network: EmbeddedNetwork;
  let cleanup: () => Promise<void>;
  let user: Signer;

  beforeEach(async () => {
    ({ network, cleanup } = await startTestNetwork());
    user = await network.crypto.enrollUser('Org1MSP', 'alice', { role: 'tester' });
    for (let i = 0; i < 4; i++) await network.submit(user, assetCall('Put', [`audit${i}`, `value${i}`]));
  });
  afterEach(() => cleanup());

  async function tamper(blockNumber: number, edit: (block: common.Block) => void): Promise<void> {
    const ledger = network.ledger('alpha');
    const block = (await ledger.getBlock(blockNumber))!;
    edit(block);
    await ledger.overwriteBlockBytesForTesting(blockNumber, block.serializeBinary());
  }

  it('verifies an untouched chain', async () => {
    const height = network.height('alpha');
    expect(await network.verifyChain('alpha')).to.deep.equal({
      ok: true,
      height,
      bft: false,
      signers: [{ mspId: 'OrdererMSP', orderer: 'orderer0.orderer.test.example', blocks: height }],
    });
  });

  it('names the first block whose transactions were edited', async () => {
    await tamper(2, (block) => {
      const data = block
        .getData()!
        .getDataList_asU8()
        .map((d) => Buffer.from(d));
      const at = data[0]!.indexOf('value1');
      data[0]![at] = 'V'.charCodeAt(0);
      block.getData()!.setDataList(data);
    });
    const result = await network.verifyChain('alpha');
    expect(result).to.deep.include({ ok: false, firstBadBlock: 2 });
    expect(result.ok === false && result.reason).to.match(/data hash/);
  });

  it('detects a block whose header was rewritten to match edited data', async () => {
    await tamper(3, (block) => block.getHeader()!.setDataHash(Buffer.alloc(32, 7)));
    const result = await network.verifyChain('alpha');
    expect(result).to.deep.include({ ok: false, firstBadBlock: 3 });
  });

  it('detects an edited validation flag through the commit hash', async () => {
    await tamper(1, (block) =>
      setBlockMetadata(block, BlockMetadataIndex.TRANSACTIONS_FILTER, Uint8Array.from([11])),
    );
    const result = await network.verifyChain('alpha');
    expect(result).to.deep.include({ ok: false, firstBadBlock: 1 });
    expect(result.ok === false && result.reason).to.match(/commit hash/);
  });

  /** Blocks of alpha as a subscription delivers them, and a wait for one of them. */
  function followAlpha(options: { fromBlock?: number } = {}) {
    const seen: CommittedBlock[] = [];
    const waiting: Array<{ wanted: (block: CommittedBlock) => boolean; resolve: () => void }> = [];
    const unsubscribe = network.subscribe(
      'alpha',
      (block) => {
        seen.push(block);
        for (const wait of waiting.filter(({ wanted }) => wanted(block))) wait.resolve();
      },
      options,
    );
    const delivered = (wanted: (block: CommittedBlock) => boolean) =>
      seen.some(wanted)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.push({ wanted, resolve }));
    return { seen, delivered, unsubscribe };
  }

  it('replays blocks from a given number, then delivers live blocks without gaps or repeats', async () => {
    const { seen, delivered, unsubscribe } = followAlpha({ fromBlock: 1 });
    const { blockNumber } = await network.submit(user, assetCall('Put', ['live', 'event']));
    await delivered((block) => block.blockNumber === blockNumber);
    // One more live block: anything delivered out of order or twice would come before it.
    const next = await network.submit(user, assetCall('Put', ['live', 'next']));
    await delivered((block) => block.blockNumber === next.blockNumber);
    unsubscribe();
    expect(seen.map((b) => b.blockNumber)).to.deep.equal(
      Array.from({ length: next.blockNumber }, (_, i) => i + 1),
    );
    const live = seen[blockNumber - 1]!;
    expect(live.transactions[0]?.event?.name).to.equal('Put');
    expect(JSON.parse(live.transactions[0]!.event!.payload.toString())).to.deep.equal({
      key: 'live',
      value: 'event',
    });
  });

  it('delivers chaincode events of valid transactions only', async () => {
    const { seen, delivered, unsubscribe } = followAlpha();
    const error = await rejectionOf(
      network.submit(user, assetCall('Put', ['no-event', 'v']), { endorsingOrganizations: ['Org1MSP'] }),
    );
    await delivered((block) => block.transactions.some((t) => t.txId === error.txId));
    unsubscribe();
    const tx = seen.flatMap((b) => b.transactions).find((t) => t.txId === error.txId);
    expect(tx?.code).to.equal(10);
    expect(tx?.event).to.equal(undefined);
  });
});
