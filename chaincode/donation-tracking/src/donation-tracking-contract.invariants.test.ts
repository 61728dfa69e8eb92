import { expect } from 'chai';
import fc from 'fast-check';
import { ChaincodeError } from '@cityledger/chaincode-common';
import {
  alice,
  anonymousCitizen,
  BAKER_DID,
  bob,
  carol,
  DonationHarness,
  organiser,
  receiptFor,
  SHELTER_DID,
} from './donation-test-support';
import { unspentOf } from './reconciliation';

type Operation =
  | { kind: 'donate'; donor: 0 | 1 | 2 | 3; amountCents: number }
  | { kind: 'approve'; milestone: 1 | 2 }
  | { kind: 'disburse'; milestone: 1 | 2; toShelter: boolean; amountCents: number }
  | { kind: 'confirm' }
  | { kind: 'cancel' }
  | { kind: 'claim' };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('donate' as const),
      donor: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<0 | 1 | 2 | 3>,
      amountCents: fc.integer({ min: 1, max: 40000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('approve' as const),
      milestone: fc.constantFrom(1, 2) as fc.Arbitrary<1 | 2>,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('disburse' as const),
      milestone: fc.constantFrom(1, 2) as fc.Arbitrary<1 | 2>,
      toShelter: fc.boolean(),
      amountCents: fc.integer({ min: 1, max: 70000 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'confirm' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancel' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'claim' as const }) },
);

describe('donation-tracking: invariants under any sequence of operations', () => {
  it('keeps donations = held + disbursed + refunded, never spends a donation twice, and fails without changing anything', async function () {
    // Each run replays up to 20 transactions through sinon-stubbed stubs: slow on a loaded CI machine.
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 20 }), async (operations) => {
        const h = new DonationHarness();
        await h.createCampaign();
        const donors = [alice, bob, carol, anonymousCitizen];
        const receipts: { donationId: string; secret: string }[] = [];
        let seq = 0;
        for (const op of operations) {
          const before = h.snapshot();
          try {
            switch (op.kind) {
              case 'donate': {
                const receipt = receiptFor(`r${seq++}`);
                const anonymous = op.donor === 3;
                const donation = await h.donate(
                  donors[op.donor],
                  op.amountCents,
                  anonymous ? { receiptHash: receipt.hash } : {},
                );
                if (anonymous) receipts.push({ donationId: donation.donationId, secret: receipt.secret });
                break;
              }
              case 'approve':
                await h.submitEvidence(op.milestone);
                await h.approve(op.milestone);
                break;
              case 'disburse':
                await h.disburse(op.milestone, op.toShelter ? SHELTER_DID : BAKER_DID, op.amountCents);
                break;
              case 'confirm': {
                const open = await h.evaluate(organiser, (c, ctx) =>
                  c.ListUnconfirmedDisbursements(ctx, 'winter-shelter', '', ''),
                );
                if (open.records.length > 0) {
                  const [first] = open.records;
                  await h.confirm(h.userActingFor(first.beneficiaryDid), first.disbursementId);
                }
                break;
              }
              case 'cancel':
                await h.submit(organiser, (c, ctx) =>
                  c.CancelCampaign(ctx, 'winter-shelter', 'property test'),
                );
                break;
              case 'claim':
                if (receipts.length > 0) {
                  const { donationId, secret } = receipts[seq++ % receipts.length];
                  await h.claim(anonymousCitizen, donationId, secret);
                }
                break;
            }
          } catch (err) {
            expect(err, String(err)).to.be.instanceOf(ChaincodeError);
            expect(h.snapshot(), `${op.kind} failed but changed state`).to.deep.equal(before);
          }
          const totals = await h.reconcile();
          expect(totals.problems).to.deep.equal([]);
          expect(totals.balanced).to.equal(true);
          expect(totals.donatedCents).to.equal(
            totals.heldCents + totals.disbursedCents + totals.refundedCents,
          );
          expect(totals.heldCents).to.be.at.least(0);
          expect(totals.disbursedCents).to.be.at.most(100000);
          const donations = await h.evaluate(organiser, (c, ctx) =>
            c.ListDonations(ctx, 'winter-shelter', '200', ''),
          );
          for (const donation of donations.records) {
            expect(unspentOf(donation)).to.be.within(0, donation.amountCents);
          }
          const milestones = await h.evaluate(organiser, (c, ctx) => c.ListMilestones(ctx, 'winter-shelter'));
          for (const milestone of milestones) {
            expect(milestone.disbursedCents).to.be.within(0, milestone.amountCents);
          }
        }
      }),
      { numRuns: 30 },
    );
  });
});
