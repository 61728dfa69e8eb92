import { expect } from 'chai';
import fc from 'fast-check';
import { allocateFifo, compareFifo, type FundingSource } from './fifo-allocation';

const source = (donationId: string, donatedAt: string, unspentCents: number): FundingSource => ({
  donationId,
  donatedAt,
  unspentCents,
});

const sourcesArbitrary = fc
  .uniqueArray(
    fc.record({
      donationId: fc.stringMatching(/^[a-f0-9]{4}$/),
      donatedAt: fc
        .integer({ min: 0, max: 50 })
        .map((s) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString()),
      unspentCents: fc.integer({ min: 0, max: 5000 }),
    }),
    { selector: (s) => s.donationId, maxLength: 12 },
  )
  .map((list) => list as FundingSource[]);

describe('FIFO allocation of a disbursement to donations', () => {
  it('takes the oldest donation first and moves on when it is used up', () => {
    const result = allocateFifo(700, [
      source('b', '2025-01-02T00:00:00.000Z', 500),
      source('a', '2025-01-01T00:00:00.000Z', 300),
      source('c', '2025-01-03T00:00:00.000Z', 900),
    ]);
    expect(result).to.deep.equal({
      shares: [
        { donationId: 'a', amountCents: 300 },
        { donationId: 'b', amountCents: 400 },
      ],
      shortfallCents: 0,
    });
  });

  it('breaks ties of the same time by donation id', () => {
    const t = '2025-01-01T00:00:00.000Z';
    expect(allocateFifo(150, [source('z', t, 100), source('m', t, 100)]).shares).to.deep.equal([
      { donationId: 'm', amountCents: 100 },
      { donationId: 'z', amountCents: 50 },
    ]);
  });

  it('skips donations with nothing left and reports a shortfall when the funds do not cover the amount', () => {
    const result = allocateFifo(500, [
      source('a', '2025-01-01T00:00:00.000Z', 0),
      source('b', '2025-01-02T00:00:00.000Z', 120),
    ]);
    expect(result).to.deep.equal({ shares: [{ donationId: 'b', amountCents: 120 }], shortfallCents: 380 });
  });

  it('refuses an amount that is not a positive integer', () => {
    expect(() => allocateFifo(0, [])).to.throw(RangeError);
    expect(() => allocateFifo(1.5, [])).to.throw(RangeError);
  });

  it('allocates exactly the amount or everything there is, never more than a donation has left', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40000 }), sourcesArbitrary, (amount, sources) => {
        const { shares, shortfallCents } = allocateFifo(amount, sources);
        const total = sources.reduce((sum, s) => sum + s.unspentCents, 0);
        const allocated = shares.reduce((sum, s) => sum + s.amountCents, 0);
        expect(allocated).to.equal(Math.min(amount, total));
        expect(shortfallCents).to.equal(amount - allocated);
        for (const share of shares) {
          const from = sources.find((s) => s.donationId === share.donationId)!;
          expect(share.amountCents).to.be.greaterThan(0);
          expect(share.amountCents).to.be.at.most(from.unspentCents);
        }
      }),
    );
  });

  it('uses a younger donation only once every older one is exhausted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40000 }), sourcesArbitrary, (amount, sources) => {
        const { shares } = allocateFifo(amount, sources);
        const ordered = [...sources].sort(compareFifo).filter((s) => s.unspentCents > 0);
        shares.forEach((share, i) => {
          expect(share.donationId).to.equal(ordered[i].donationId);
          if (i < shares.length - 1) {
            expect(share.amountCents).to.equal(ordered[i].unspentCents);
          }
        });
      }),
    );
  });

  it('is deterministic: the order in which sources are read does not matter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40000 }),
        sourcesArbitrary,
        fc.integer(),
        (amount, sources, seed) => {
          const shuffled = [...sources].sort(
            (a, b) => ((a.donationId.charCodeAt(0) * seed) % 7) - ((b.donationId.charCodeAt(0) * seed) % 7),
          );
          expect(allocateFifo(amount, shuffled)).to.deep.equal(allocateFifo(amount, sources));
        },
      ),
    );
  });
});
