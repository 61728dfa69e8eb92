import { expect } from 'chai';
import fc from 'fast-check';
import { planRefunds } from './refund-plan';

describe('refund plan when a campaign ends', () => {
  it('gives each named donation its own unspent remainder and keeps anonymous remainders claimable', () => {
    expect(
      planRefunds([
        { donationId: 'd1', donorDid: 'did:cityledger:civic:alice', unspentCents: 0 },
        { donationId: 'd2', donorDid: 'did:cityledger:civic:bob', unspentCents: 2500 },
        { donationId: 'd3', unspentCents: 1000 },
      ]),
    ).to.deep.equal({
      named: [{ donationId: 'd2', donorDid: 'did:cityledger:civic:bob', amountCents: 2500 }],
      claimable: [{ donationId: 'd3', amountCents: 1000 }],
    });
  });

  it('accounts for every unspent cent exactly once and never refunds more than a donation has left', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            donationId: fc.uuid(),
            donorDid: fc.option(fc.constant('did:cityledger:civic:x'), { nil: undefined }),
            unspentCents: fc.integer({ min: 0, max: 1_000_000 }),
          }),
          { maxLength: 30 },
        ),
        (candidates) => {
          const plan = planRefunds(candidates);
          const planned = [...plan.named, ...plan.claimable];
          const total = candidates.reduce((sum, c) => sum + c.unspentCents, 0);
          expect(planned.reduce((sum, r) => sum + r.amountCents, 0)).to.equal(total);
          for (const refund of planned) {
            const candidate = candidates.find((c) => c.donationId === refund.donationId)!;
            expect(refund.amountCents).to.equal(candidate.unspentCents);
          }
          expect(plan.named.every((r) => r.donorDid !== undefined)).to.equal(true);
        },
      ),
    );
  });
});
