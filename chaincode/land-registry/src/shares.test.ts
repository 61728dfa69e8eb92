import { expect } from 'chai';
import * as fc from 'fast-check';
import {
  applyTransfer,
  requireWholeTitle,
  sameOwnership,
  SHARE_DENOMINATOR,
  sortShares,
  totalShares,
  type Share,
} from './shares';

const dids = [
  'did:cityledger:civic:a',
  'did:cityledger:civic:b',
  'did:cityledger:civic:c',
  'did:cityledger:civic:d',
];

/** A whole title: distinct owners whose parts add up to 10,000. */
const wholeTitle = fc
  .tuple(
    fc.subarray(dids, { minLength: 1 }),
    fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 4, maxLength: 4 }),
  )
  .map(([owners, weights]) => {
    const cuts = owners.map((_, i) => weights[i]);
    const sum = cuts.reduce((a, b) => a + b, 0);
    const shares = cuts.map((w) => Math.max(1, Math.floor((w * SHARE_DENOMINATOR) / sum)));
    shares[0] += SHARE_DENOMINATOR - shares.reduce((a, b) => a + b, 0);
    return owners.map((did, i) => ({ did, shares: shares[i] }));
  })
  .filter((title) => title.every((s) => s.shares > 0));

describe('title shares', () => {
  it('accepts owners whose parts add up to exactly 10,000', () => {
    expect(() =>
      requireWholeTitle('ownersJson', [
        { did: dids[0], shares: 2500 },
        { did: dids[1], shares: 7500 },
      ]),
    ).not.to.throw();
  });

  it('refuses owners whose parts add up to less or more than 10,000, naming the field', () => {
    expect(() => requireWholeTitle('ownersJson', [{ did: dids[0], shares: 9999 }])).to.throw(
      /INVALID_ARGUMENT: ownersJson: .*got 9999/,
    );
    expect(() =>
      requireWholeTitle('ownersJson', [
        { did: dids[0], shares: 5001 },
        { did: dids[1], shares: 5000 },
      ]),
    ).to.throw(/got 10001/);
  });

  it('sees the same ownership whatever the order of the owners', () => {
    const a = [
      { did: dids[1], shares: 4000 },
      { did: dids[0], shares: 6000 },
    ];
    expect(sameOwnership(a, sortShares(a))).to.equal(true);
    expect(
      sameOwnership(a, [
        { did: dids[1], shares: 6000 },
        { did: dids[0], shares: 4000 },
      ]),
    ).to.equal(false);
  });

  it('moves a co-owner’s half to a buyer and leaves the other half alone', () => {
    const owners = [
      { did: dids[0], shares: 5000 },
      { did: dids[1], shares: 5000 },
    ];
    expect(
      applyTransfer(owners, [{ did: dids[1], shares: 5000 }], [{ did: dids[2], shares: 5000 }]),
    ).to.deep.equal([
      { did: dids[0], shares: 5000 },
      { did: dids[2], shares: 5000 },
    ]);
  });

  it('adds parts to a buyer who already owns some', () => {
    const owners = [
      { did: dids[0], shares: 5000 },
      { did: dids[1], shares: 5000 },
    ];
    expect(
      applyTransfer(owners, [{ did: dids[1], shares: 2000 }], [{ did: dids[0], shares: 2000 }]),
    ).to.deep.equal([
      { did: dids[0], shares: 7000 },
      { did: dids[1], shares: 3000 },
    ]);
  });

  it('refuses to give more than a seller holds', () => {
    expect(() =>
      applyTransfer(
        [{ did: dids[0], shares: 10000 }],
        [{ did: dids[1], shares: 1 }],
        [{ did: dids[2], shares: 1 }],
      ),
    ).to.throw(/holds 0/);
  });

  it('keeps every title whole and every part accounted for, whatever is sold to whom', () => {
    fc.assert(
      fc.property(
        wholeTitle,
        fc.array(fc.nat({ max: 10000 }), { minLength: 4, maxLength: 4 }),
        fc.subarray(dids, { minLength: 1 }),
        (owners, cuts, buyerDids) => {
          const sellers: Share[] = owners
            .map((o, i) => ({ did: o.did, shares: cuts[i] % (o.shares + 1) }))
            .filter((s) => s.shares > 0);
          fc.pre(sellers.length > 0);
          const sold = totalShares(sellers);
          const buyers: Share[] = buyerDids
            .map((did, i) => ({
              did,
              shares: Math.floor(sold / buyerDids.length) + (i === 0 ? sold % buyerDids.length : 0),
            }))
            .filter((b) => b.shares > 0);
          const after = applyTransfer(owners, sellers, buyers);
          expect(totalShares(after)).to.equal(SHARE_DENOMINATOR);
          expect(after.every((s) => Number.isInteger(s.shares) && s.shares > 0)).to.equal(true);
          expect(new Set(after.map((s) => s.did)).size).to.equal(after.length);
          for (const did of dids) {
            const before = owners.find((o) => o.did === did)?.shares ?? 0;
            const given = sellers.find((s) => s.did === did)?.shares ?? 0;
            const received = buyers.find((b) => b.did === did)?.shares ?? 0;
            expect(after.find((o) => o.did === did)?.shares ?? 0).to.equal(before - given + received);
          }
        },
      ),
    );
  });
});
