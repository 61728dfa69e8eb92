import { expect } from 'chai';
import fc from 'fast-check';
import { bidReservationCents, centsForEnergy, centsForEnergyRoundedUp } from './energy-arithmetic';

describe('energy arithmetic', () => {
  it('prices Wh at cents per kWh, rounding payments down and reservations up', () => {
    expect(centsForEnergy(1500, 25)).to.equal(37);
    expect(centsForEnergyRoundedUp(1500, 25)).to.equal(38);
    expect(centsForEnergy(2000, 25)).to.equal(50);
    expect(centsForEnergyRoundedUp(2000, 25)).to.equal(50);
    expect(centsForEnergy(0, 25)).to.equal(0);
  });

  it('stays exact where a float division would round across an integer boundary', () => {
    // 999_999_999_999_999 / 1000 in floating point rounds up to 1e12.
    expect(centsForEnergy(999_999_999_999_999, 1)).to.equal(999_999_999_999);
  });

  it('reserves for a bid at least what any clearing price at or below its limit costs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (wh, limit, price, fee) => {
          const clearing = Math.min(price, limit);
          const cost = centsForEnergy(wh, clearing) + centsForEnergy(wh, fee);
          expect(bidReservationCents(wh, limit, fee)).to.be.at.least(cost);
        },
      ),
    );
  });
});
