import { expect } from 'chai';
import {
  alice,
  anonymousCitizen,
  auditor,
  BAKER_DID,
  bob,
  carol,
  CAROL_DID,
  cityAdmin,
  DEADLINE,
  DonationHarness,
  failure,
  organiser,
  receiptFor,
  SHELTER_DID,
} from './donation-test-support';
import type { Donation } from './records';

describe('donation-tracking: cancellation, closing and reconciliation', () => {
  let h: DonationHarness;
  let d: Record<'alice' | 'bob' | 'anon' | 'carol', Donation>;
  const anonReceipt = receiptFor('anon');

  // The worked example of docs/contracts/donation-tracking.md: 85000 disbursed, 15000 left.
  beforeEach(async () => {
    h = new DonationHarness();
    await h.createCampaign();
    d = {
      alice: await h.donate(alice, 30000),
      bob: await h.donate(bob, 45000),
      anon: await h.donate(anonymousCitizen, 20000, { receiptHash: anonReceipt.hash }),
      carol: await h.donate(carol, 5000),
    };
    await h.submitEvidence(1);
    await h.approve(1);
    await h.disburse(1, SHELTER_DID, 60000);
    await h.submitEvidence(2);
    await h.approve(2);
    await h.disburse(2, BAKER_DID, 25000);
  });

  it('shows the campaign as funded once donations reach the goal, and balanced', async () => {
    expect(await h.reconcile()).to.deep.equal({
      campaignId: 'winter-shelter',
      currency: 'EUR',
      status: 'funded',
      acceptingDonations: true,
      goalCents: 100000,
      donationCount: 4,
      donatedCents: 100000,
      disbursedCents: 85000,
      confirmedCents: 0,
      unconfirmedCents: 85000,
      refundedCents: 0,
      heldCents: 15000,
      claimableCents: 0,
      allocatedOnDonationsCents: 85000,
      refundedOnDonationsCents: 0,
      unspentOnDonationsCents: 15000,
      allocationRecordsCents: 85000,
      balanced: true,
      problems: [],
    });
  });

  it('refunds named donors their unspent remainder on cancellation and keeps anonymous money claimable', async () => {
    const settlement = await h.submit(organiser, (c, ctx) =>
      c.CancelCampaign(ctx, 'winter-shelter', 'venue lost'),
    );
    expect(settlement.campaign).to.deep.include({ status: 'cancelled', endReason: 'venue lost' });
    expect(settlement.refunds.map((r) => [r.donationId, r.donorDid, r.amountCents, r.kind])).to.deep.equal([
      [d.carol.donationId, CAROL_DID, 5000, 'named'],
    ]);
    expect(settlement.claimable).to.deep.equal([{ donationId: d.anon.donationId, amountCents: 10000 }]);
    expect(settlement).to.deep.include({ refundedCents: 5000, claimableCents: 10000 });
    expect(h.ledger.lastEvent()).to.deep.include({ name: 'CampaignCancelled' });

    expect(await h.reconcile()).to.deep.include({
      status: 'cancelled',
      acceptingDonations: false,
      donatedCents: 100000,
      disbursedCents: 85000,
      refundedCents: 5000,
      heldCents: 10000,
      claimableCents: 10000,
      balanced: true,
    });
    const carolTrace = await h.evaluate(carol, (c, ctx) =>
      c.TraceDonation(ctx, 'winter-shelter', d.carol.donationId),
    );
    expect(carolTrace).to.deep.include({ allocatedCents: 0, refundedCents: 5000, unspentCents: 0 });
    expect(carolTrace.refund).to.deep.include({ amountCents: 5000, kind: 'named' });
  });

  it('refunds an anonymous donor who presents the receipt, once', async () => {
    await h.submit(organiser, (c, ctx) => c.CancelCampaign(ctx, 'winter-shelter', 'venue lost'));
    const refund = await h.claim(anonymousCitizen, d.anon.donationId, anonReceipt.secret);
    expect(refund).to.deep.include({
      kind: 'receipt-claim',
      amountCents: 10000,
      payoutReference: 'IBAN-HASH-1',
    });
    expect(h.ledger.lastEvent()).to.deep.include({ name: 'AnonymousRefundClaimed' });
    expect(JSON.stringify(h.ledger.lastEvent()!.payload)).not.to.contain(anonReceipt.secret);
    expect(await h.reconcile()).to.deep.include({
      heldCents: 0,
      refundedCents: 15000,
      claimableCents: 0,
      balanced: true,
    });
    expect(await failure(h.claim(anonymousCitizen, d.anon.donationId, anonReceipt.secret))).to.equal(
      `CONFLICT: donation ${d.anon.donationId} has nothing left to refund`,
    );
  });

  it('refuses a refund claim with the wrong receipt, without a receipt, on a named donation or while open', async () => {
    expect(await failure(h.claim(anonymousCitizen, d.anon.donationId, anonReceipt.secret))).to.equal(
      'CONFLICT: campaign winter-shelter is open; refunds exist only once it is cancelled or closed',
    );
    await h.submit(organiser, (c, ctx) => c.CancelCampaign(ctx, 'winter-shelter', 'venue lost'));
    expect(await failure(h.claim(anonymousCitizen, d.anon.donationId, receiptFor('guess').secret))).to.equal(
      `ACCESS_DENIED: the receipt does not match donation ${d.anon.donationId}`,
    );
    expect(
      await failure(
        h.submit(anonymousCitizen, (c, ctx) =>
          c.ClaimAnonymousRefund(ctx, 'winter-shelter', d.anon.donationId, ''),
        ),
      ),
    ).to.match(/^INVALID_ARGUMENT: transient receiptSecret: must be a string/);
    expect(await failure(h.claim(carol, d.carol.donationId, anonReceipt.secret))).to.match(
      /^CONFLICT: donation .* is named; it is refunded to its donor when the campaign ends/,
    );
    expect(await failure(h.claim(auditor, d.anon.donationId, anonReceipt.secret))).to.match(/^ACCESS_DENIED/);
  });

  it('lets the City admin cancel, but not the auditor or a citizen; and only once', async () => {
    for (const actor of [auditor, alice]) {
      expect(
        await failure(h.submit(actor, (c, ctx) => c.CancelCampaign(ctx, 'winter-shelter', 'fraud'))),
      ).to.match(/^ACCESS_DENIED: .* may not cancel a campaign/);
    }
    expect(
      await failure(h.submit(cityAdmin, (c, ctx) => c.CancelCampaign(ctx, 'winter-shelter', ''))),
    ).to.equal('INVALID_ARGUMENT: reason: must not be empty');
    await h.submit(cityAdmin, (c, ctx) => c.CancelCampaign(ctx, 'winter-shelter', 'fraud suspected'));
    expect(
      await failure(h.submit(organiser, (c, ctx) => c.CancelCampaign(ctx, 'winter-shelter', 'again'))),
    ).to.equal('CONFLICT: campaign winter-shelter is cancelled and cannot be cancelled');
    const history = await h.evaluate(auditor, (c, ctx) => c.GetCampaignHistory(ctx, 'winter-shelter'));
    expect(history.map((e) => e.value!.status)).to.deep.equal(['cancelled', 'open']);
  });

  it('refuses disbursements after cancellation but still takes the beneficiary’s confirmation', async () => {
    const [unconfirmed] = (
      await h.evaluate(auditor, (c, ctx) => c.ListUnconfirmedDisbursements(ctx, 'winter-shelter', '', ''))
    ).records;
    await h.submit(organiser, (c, ctx) => c.CancelCampaign(ctx, 'winter-shelter', 'venue lost'));
    expect(await failure(h.disburse(2, BAKER_DID, 100))).to.equal(
      'CONFLICT: campaign winter-shelter is cancelled and cannot be disbursed from',
    );
    const beneficiary = h.userActingFor(unconfirmed.beneficiaryDid);
    expect((await h.confirm(beneficiary, unconfirmed.disbursementId)).status).to.equal('confirmed');
  });

  it('closes only after the deadline while milestones are unpaid, refunding what is left', async () => {
    expect(await failure(h.submit(organiser, (c, ctx) => c.CloseCampaign(ctx, 'winter-shelter')))).to.equal(
      `CONFLICT: campaign winter-shelter runs until ${DEADLINE} and milestone(s) 2 are not fully disbursed; cancel it instead`,
    );
    expect(await failure(h.submit(cityAdmin, (c, ctx) => c.CloseCampaign(ctx, 'winter-shelter')))).to.match(
      /^ACCESS_DENIED/,
    );
    const settlement = await h.submit({ ...organiser, time: DEADLINE }, (c, ctx) =>
      c.CloseCampaign(ctx, 'winter-shelter'),
    );
    expect(settlement.campaign.status).to.equal('closed');
    expect(settlement).to.deep.include({ refundedCents: 5000, claimableCents: 10000 });
    expect(h.ledger.lastEvent()).to.deep.include({ name: 'CampaignClosed' });
    const refunds = await h.evaluate(auditor, (c, ctx) => c.ListRefunds(ctx, 'winter-shelter', '', ''));
    expect(refunds.records.map((r) => r.donorDid)).to.deep.equal([CAROL_DID]);
  });

  it('closes before the deadline once every milestone is fully paid', async () => {
    await h.disburse(2, BAKER_DID, 15000);
    const settlement = await h.submit(organiser, (c, ctx) => c.CloseCampaign(ctx, 'winter-shelter'));
    expect(settlement).to.deep.include({ refundedCents: 0, claimableCents: 0 });
    expect(await h.reconcile()).to.deep.include({
      status: 'closed',
      heldCents: 0,
      disbursedCents: 100000,
      balanced: true,
    });
  });

  it('names the broken identity when records disagree', async () => {
    const key = h.ledger.keys('donation').find((k) => k.includes(d.carol.donationId))!;
    const tampered = { ...(h.ledger.getJson(key) as Donation), allocatedCents: 1 };
    h.ledger.state.set(key, Buffer.from(JSON.stringify(tampered)));
    const result = await h.reconcile();
    expect(result.balanced).to.equal(false);
    expect(result.problems).to.deep.equal([
      'held 15000 differs from the unspent sum of the donations 14999',
      'disbursed 85000 differs from the allocated sum of the donations 85001',
    ]);
  });
});
