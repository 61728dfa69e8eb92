import { expect } from 'chai';
import { SignerTally, UNSIGNED_BLOCKS_LIMIT } from './signer-tally';

describe('tallying who signed a chain', () => {
  const city = { mspId: 'CityOrdererMSP', orderer: 'orderer0' };
  const utility = { mspId: 'UtilityOrdererMSP', orderer: 'orderer1' };

  it('counts the blocks each orderer signed and never lists genesis as unsigned', () => {
    const tally = new SignerTally('UtilityOrdererMSP');
    tally.add(0, []);
    tally.add(1, [city, utility]);
    tally.add(2, [city]);
    expect(tally.report()).to.deep.equal({
      signers: [
        { ...city, blocks: 2 },
        { ...utility, blocks: 1 },
      ],
      notSignedBy: { mspId: 'UtilityOrdererMSP', blocks: [2], truncated: false },
    });
  });

  it('stops listing unsigned blocks at the limit and says the list is truncated', () => {
    const tally = new SignerTally('UtilityOrdererMSP');
    for (let n = 1; n <= UNSIGNED_BLOCKS_LIMIT + 5; n++) tally.add(n, [city]);
    const { notSignedBy } = tally.report();
    expect(notSignedBy!.blocks).to.have.length(UNSIGNED_BLOCKS_LIMIT);
    expect(notSignedBy!.blocks.at(-1)).to.equal(UNSIGNED_BLOCKS_LIMIT);
    expect(notSignedBy!.truncated).to.equal(true);
  });
});
