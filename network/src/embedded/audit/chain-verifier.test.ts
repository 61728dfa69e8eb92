import { expect } from 'chai';
import { signBlock } from '../orderer/block-signature';
import { BftChainBuilder } from '../testing/bft-blocks';
import { blockDataHash } from '../protocol/block';
import { verifyBlockChain } from './chain-verifier';

describe('chain verification of SmartBFT blocks', () => {
  let chain: BftChainBuilder;
  const signer = (n: number, blocks: number) => ({ mspId: `Orderer${n}MSP`, orderer: `orderer${n}`, blocks });

  beforeEach(async () => {
    chain = await BftChainBuilder.create(5);
    chain.config([1, 2, 3, 4]);
  });

  const verify = (signerMsp?: string) =>
    verifyBlockChain(chain.source(), chain.identities, {
      unsignedGenesis: true,
      ...(signerMsp ? { signer: signerMsp } : {}),
    });

  it('accepts blocks signed by a quorum of 3 of 4 consenters and counts the blocks each signed', async () => {
    chain.next([1, 2, 3]);
    chain.next([2, 3, 4]);
    chain.next([4, 3, 2, 1]);
    const result = await verify();
    expect(result).to.deep.include({ ok: true, height: 4, bft: true, quorum: 3 });
    expect(result.signers).to.have.deep.members([signer(1, 2), signer(2, 3), signer(3, 3), signer(4, 2)]);
    expect(result).to.not.have.property('notSignedBy');
  });

  it('lists the blocks after genesis that a given MSP’s orderer did not sign', async () => {
    chain.next([1, 2, 3]);
    chain.next([2, 3, 4]);
    chain.next([1, 2, 3]);
    expect((await verify('Orderer4MSP')).notSignedBy).to.deep.equal({
      mspId: 'Orderer4MSP',
      blocks: [1, 3],
      truncated: false,
    });
    expect((await verify('Orderer2MSP')).notSignedBy).to.deep.equal({
      mspId: 'Orderer2MSP',
      blocks: [],
      truncated: false,
    });
  });

  it('names the block signed by only 2 of 4 consenters, and counts only the blocks before it', async () => {
    chain.next([1, 2, 3]);
    chain.next([1, 2]);
    chain.next([1, 2, 3]);
    const result = await verify();
    expect(result).to.deep.include({
      ok: false,
      firstBadBlock: 2,
      reason: 'orderer signature: 2 of 4 consenters signed, BFT quorum is 3',
    });
    expect(result.signers).to.have.deep.members([signer(1, 1), signer(2, 1), signer(3, 1)]);
  });

  it('does not count a signature naming a consenter id outside the set, nor a consenter twice', async () => {
    const block = chain.next([]);
    // Consenter 3's valid key, but under id 9, which the config does not know.
    chain.sign(block, [1, 2, 9], (id) => chain.consenter(id === 9 ? 3 : id).signer);
    expect(await verify()).to.deep.include({
      ok: false,
      firstBadBlock: 1,
      reason: 'orderer signature: 2 of 4 consenters signed, BFT quorum is 3',
    });
    chain.sign(block, [1, 2, 2, 1]);
    expect(await verify()).to.deep.include({ ok: false, firstBadBlock: 1 });
  });

  it('does not count a signature made with another consenter’s key', async () => {
    const block = chain.next([]);
    chain.sign(block, [1, 2, 3], (id) => chain.consenter(id === 3 ? 4 : id).signer);
    expect(await verify()).to.deep.include({ ok: false, firstBadBlock: 1 });
  });

  it('rejects a block whose header changed after the consenters signed it', async () => {
    chain.next([1, 2, 3]);
    const block = chain.next([1, 2, 3, 4]);
    // Swap in other transactions with a matching data hash: the hashes agree, the signatures cannot.
    const forged = chain.blocks[0]!.getData()!.getDataList_asU8();
    block.getData()!.setDataList(forged);
    block.getHeader()!.setDataHash(blockDataHash(forged));
    expect(await verify()).to.deep.include({
      ok: false,
      firstBadBlock: 2,
      reason: 'orderer signature: 0 of 4 consenters signed, BFT quorum is 3',
    });
  });

  it('verifies each block with the consenter set of the last config block before it', async () => {
    chain.next([1, 2, 3]);
    // The old set (1–4) signs the config block that replaces consenter 1 by consenter 5.
    chain.config([2, 3, 4, 5], [1, 2, 3]);
    chain.next([2, 3, 5]);
    const result = await verify();
    expect(result).to.deep.include({ ok: true, height: 4, bft: true, quorum: 3 });
    expect(result.signers).to.deep.include(signer(5, 1));

    chain.next([1, 2, 3]);
    expect(await verify()).to.deep.include({
      ok: false,
      firstBadBlock: 4,
      reason: 'orderer signature: 2 of 4 consenters signed, BFT quorum is 3',
    });
  });

  it('keeps the Raft rule on a channel without a consenter set: the first signature must be an orderer’s', async () => {
    const raft = await BftChainBuilder.create(2);
    raft.next([]);
    raft.next([]);
    // A block of a channel whose genesis block carries no consenter mapping.
    const blocks = raft.blocks;
    signBlock(blocks[0]!, raft.consenter(1).signer);
    signBlock(blocks[1]!, raft.consenter(2).signer);
    expect(await verifyBlockChain(raft.source(), raft.identities)).to.deep.equal({
      ok: true,
      height: 2,
      bft: false,
      signers: [signer(1, 1), signer(2, 1)],
    });
  });
});
