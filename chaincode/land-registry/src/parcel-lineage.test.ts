import { expect } from 'chai';
import * as fc from 'fast-check';
import { planMerge, requireAreaConserved } from './parcel-lineage';
import { rectangle } from './test-support';

const alice = 'did:cityledger:civic:alice';
const bob = 'did:cityledger:civic:bob';
const whole = [{ did: alice, shares: 10000 }];

describe('subdivision and merge rules', () => {
  it('accepts a split whose parts add up to the parent exactly', () => {
    expect(() => requireAreaConserved('childrenJson', 1000, [400, 600])).not.to.throw();
  });

  it('refuses a split whose parts do not add up, naming the field and the sums', () => {
    expect(() => requireAreaConserved('childrenJson', 1000, [400, 599])).to.throw(
      /INVALID_ARGUMENT: childrenJson: areas must add up to the parent's 1000 m², got 999 m²/,
    );
  });

  it('accepts any split that conserves the area and refuses any that does not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 2, maxLength: 20 }),
        fc.integer({ min: -5, max: 5 }),
        (parts, error) => {
          const parent = parts.reduce((a, b) => a + b, 0);
          const check = () => requireAreaConserved('childrenJson', parent + error, parts);
          if (error === 0) expect(check).not.to.throw();
          else expect(check).to.throw(/INVALID_ARGUMENT/);
        },
      ),
    );
  });

  it('merges neighbouring parcels of the same owners into their summed area', () => {
    const plan = planMerge([
      { parcelId: 'A', areaM2: 300, owners: whole, polygon: rectangle(0, 0, 1, 1) },
      { parcelId: 'B', areaM2: 200, owners: whole, polygon: rectangle(1, 0, 2, 1) },
    ]);
    expect(plan).to.deep.equal({ areaM2: 500, adjacencyChecked: true });
  });

  it('refuses to merge parcels of different owners or shares', () => {
    const half = [
      { did: alice, shares: 5000 },
      { did: bob, shares: 5000 },
    ];
    expect(() =>
      planMerge([
        { parcelId: 'A', areaM2: 300, owners: whole },
        { parcelId: 'B', areaM2: 200, owners: half },
      ]),
    ).to.throw(/CONFLICT: parcels A and B have different owners/);
  });

  it('refuses to merge parcels whose polygons do not touch along a boundary', () => {
    expect(() =>
      planMerge([
        { parcelId: 'A', areaM2: 300, owners: whole, polygon: rectangle(0, 0, 1, 1) },
        { parcelId: 'B', areaM2: 200, owners: whole, polygon: rectangle(3, 0, 4, 1) },
      ]),
    ).to.throw(/CONFLICT: parcels A, B are not adjacent/);
  });

  it('leaves adjacency to the survey when a parcel has only its geometry hash on the ledger', () => {
    const plan = planMerge([
      { parcelId: 'A', areaM2: 300, owners: whole, polygon: rectangle(0, 0, 1, 1) },
      { parcelId: 'B', areaM2: 200, owners: whole },
    ]);
    expect(plan.adjacencyChecked).to.equal(false);
  });
});
