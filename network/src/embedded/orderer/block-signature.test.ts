import { expect } from 'chai';
import { BftChainBuilder } from '../testing/bft-blocks';
import { describeBlockSignatures } from './block-signature';

describe('describing the orderer signatures of one block', () => {
  let chain: BftChainBuilder;
  const readBlock = async (n: number) => chain.blocks[n];

  beforeEach(async () => {
    chain = await BftChainBuilder.create(5);
    chain.config([1, 2, 3, 4]);
  });

  it('checks each BFT signature against the consenter set its metadata’s last config names', async () => {
    const block = chain.next([]);
    chain.sign(block, [2, 9, 3], (id) => chain.consenter(id === 9 ? 1 : id).signer);
    expect(await describeBlockSignatures(block, chain.identities, readBlock)).to.deep.equal([
      { mspId: 'Orderer2MSP', orderer: 'orderer2', consenterId: 2, verified: true },
      {
        mspId: 'unknown',
        orderer: 'unknown',
        consenterId: 9,
        verified: false,
        problem: 'consenter 9 is not in the consenter set',
      },
      { mspId: 'Orderer3MSP', orderer: 'orderer3', consenterId: 3, verified: true },
    ]);
  });

  it('marks a signature whose key is not the named consenter’s as not verified', async () => {
    const block = chain.next([]);
    chain.sign(block, [4], () => chain.consenter(1).signer);
    const [signature] = await describeBlockSignatures(block, chain.identities, readBlock);
    expect(signature).to.deep.include({ mspId: 'Orderer4MSP', consenterId: 4, verified: false });
  });

  it('checks a config block against the consenter set in force before it', async () => {
    chain.next([1, 2, 3]);
    const config = chain.config([2, 3, 4, 5], [1, 5]);
    const signatures = await describeBlockSignatures(config, chain.identities, readBlock);
    expect(signatures.map((s) => [s.consenterId, s.verified])).to.deep.equal([
      [1, true],
      [5, false],
    ]);
    const after = chain.next([1, 5]);
    const next = await describeBlockSignatures(after, chain.identities, readBlock);
    expect(next.map((s) => [s.consenterId, s.verified])).to.deep.equal([
      [1, false],
      [5, true],
    ]);
  });
});
