import { expect } from 'chai';
import * as fc from 'fast-check';
import {
  pendingConsents,
  requiredConsents,
  type ConsentParty,
  type OpenEncumbrance,
} from './transfer-consents';

const alice = 'did:cityledger:civic:alice';
const bob = 'did:cityledger:civic:bob';
const bank = 'did:cityledger:civic:bank';
const utility = 'did:cityledger:civic:utility';

const sale = { sellers: [{ did: alice, shares: 10000 }], buyers: [{ did: bob, shares: 10000 }] };
const mortgage: OpenEncumbrance = { encumbranceId: 'm1', kind: 'mortgage', holderDid: bank, status: 'open' };
const easement: OpenEncumbrance = {
  encumbranceId: 'e1',
  kind: 'easement',
  holderDid: utility,
  status: 'open',
};

describe('transfer consents', () => {
  it('needs the seller and the buyer when the parcel is unencumbered', () => {
    expect(requiredConsents(sale, [])).to.deep.equal([
      { capacity: 'seller', did: alice },
      { capacity: 'buyer', did: bob },
    ]);
  });

  it('needs the lender of an open mortgage and the holder of an open lien, but not an easement holder', () => {
    const lien: OpenEncumbrance = { encumbranceId: 'l1', kind: 'lien', holderDid: utility, status: 'open' };
    const required = requiredConsents(sale, [mortgage, easement, lien]);
    expect(required.filter((p) => p.capacity === 'encumbrance-holder')).to.deep.equal([
      { capacity: 'encumbrance-holder', did: utility, encumbranceId: 'l1' },
      { capacity: 'encumbrance-holder', did: bank, encumbranceId: 'm1' },
    ]);
  });

  it('no longer needs the lender once the mortgage is released', () => {
    const required = requiredConsents(sale, [{ ...mortgage, status: 'released' }]);
    expect(required.some((p) => p.capacity === 'encumbrance-holder')).to.equal(false);
  });

  it('does not count a consent given by someone other than the party it was required of', () => {
    const required = requiredConsents(sale, [mortgage]);
    const forged: ConsentParty = { capacity: 'encumbrance-holder', did: alice, encumbranceId: 'm1' };
    expect(pendingConsents(required, [forged])).to.deep.include({
      capacity: 'encumbrance-holder',
      did: bank,
      encumbranceId: 'm1',
    });
  });

  it('is ready for approval exactly when every required party has consented, in any order', () => {
    fc.assert(
      fc.property(fc.subarray([0, 1, 2]), fc.boolean(), (given, mortgaged) => {
        const required = requiredConsents(sale, mortgaged ? [mortgage] : []);
        const consents = given.filter((i) => i < required.length).map((i) => required[i]);
        const pending = pendingConsents(required, [...consents].reverse());
        expect(pending.length).to.equal(required.length - consents.length);
        expect(pending.every((p) => !consents.includes(p))).to.equal(true);
      }),
    );
  });
});
