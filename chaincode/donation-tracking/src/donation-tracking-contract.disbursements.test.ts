import { expect } from 'chai';
import {
  alice,
  ALICE_DID,
  anonymousCitizen,
  auditor,
  baker,
  BAKER_DID,
  bob,
  BOB_DID,
  carol,
  cityAdmin,
  DonationHarness,
  failure,
  GONE_DID,
  organiser,
  receiptFor,
  shelter,
  SHELTER_DID,
} from './donation-test-support';
import type { Donation } from './records';

describe('donation-tracking: disbursements and traceability', () => {
  let h: DonationHarness;
  let d: Record<'alice' | 'bob' | 'anon' | 'carol', Donation>;

  // The worked example of docs/contracts/donation-tracking.md.
  beforeEach(async () => {
    h = new DonationHarness();
    await h.createCampaign();
    d = {
      alice: await h.donate(alice, 30000),
      bob: await h.donate(bob, 45000),
      anon: await h.donate(anonymousCitizen, 20000, { receiptHash: receiptFor('anon').hash }),
      carol: await h.donate(carol, 5000),
    };
  });

  it('pays an approved milestone to a beneficiary and allocates it FIFO to the oldest donations', async () => {
    await h.submitEvidence(1);
    await h.approve(1);
    const disbursement = await h.disburse(1, SHELTER_DID, 60000);
    expect(disbursement).to.deep.include({
      milestoneIndex: 1,
      beneficiaryDid: SHELTER_DID,
      amountCents: 60000,
      status: 'unconfirmed',
    });
    expect(disbursement.allocations).to.deep.equal([
      { donationId: d.alice.donationId, amountCents: 30000 },
      { donationId: d.bob.donationId, amountCents: 30000 },
    ]);
    expect(h.ledger.lastEvent()).to.deep.include({ name: 'DisbursementMade' });
    const milestone = await h.evaluate(auditor, (c, ctx) => c.GetMilestone(ctx, 'winter-shelter', '1'));
    expect(milestone.disbursedCents).to.equal(60000);
    const bobNow = await h.evaluate(bob, (c, ctx) => c.GetDonation(ctx, 'winter-shelter', d.bob.donationId));
    expect(bobNow.allocatedCents).to.equal(30000);
  });

  it('answers a donor what their donation paid for, across milestones', async () => {
    await h.submitEvidence(1);
    await h.approve(1);
    const beds = await h.disburse(1, SHELTER_DID, 60000);
    await h.submitEvidence(2);
    await h.approve(2);
    const meals = await h.disburse(2, BAKER_DID, 25000);
    await h.confirm(shelter, beds.disbursementId);

    const trace = await h.evaluate(bob, (c, ctx) => c.TraceDonation(ctx, 'winter-shelter', d.bob.donationId));
    expect(
      trace.allocations.map((a) => [
        a.disbursementId,
        a.milestoneIndex,
        a.milestoneDescription,
        a.beneficiaryDid,
        a.amountCents,
        a.disbursementStatus,
      ]),
    ).to.deep.equal([
      [beds.disbursementId, 1, 'Buy 40 beds', SHELTER_DID, 30000, 'confirmed'],
      [meals.disbursementId, 2, 'Winter meals', BAKER_DID, 15000, 'unconfirmed'],
    ]);
    expect(trace).to.deep.include({ allocatedCents: 45000, refundedCents: 0, unspentCents: 0 });
    const anonTrace = await h.evaluate(alice, (c, ctx) =>
      c.TraceDonation(ctx, 'winter-shelter', d.anon.donationId),
    );
    expect(anonTrace.allocations.map((a) => a.amountCents)).to.deep.equal([10000]);
    expect(anonTrace.unspentCents).to.equal(10000);
  });

  it('refuses to disburse before the milestone is approved', async () => {
    expect(await failure(h.disburse(1, SHELTER_DID, 100))).to.equal(
      'CONFLICT: milestone 1 of campaign winter-shelter is pending, not approved',
    );
    await h.submitEvidence(1);
    expect(await failure(h.disburse(1, SHELTER_DID, 100))).to.equal(
      'CONFLICT: milestone 1 of campaign winter-shelter is submitted, not approved',
    );
  });

  it('refuses to disburse beyond the funds held, changing nothing', async () => {
    const small = new DonationHarness();
    await small.createCampaign();
    await small.donate(alice, 3000);
    await small.donate(bob, 2000);
    await small.submitEvidence(1);
    await small.approve(1);
    await small.disburse(1, SHELTER_DID, 4000);
    const before = small.snapshot();
    expect(await failure(small.disburse(1, SHELTER_DID, 1001))).to.equal(
      'CONFLICT: campaign winter-shelter holds only 1000 EUR cents, not 1001',
    );
    expect(small.snapshot()).to.deep.equal(before);
    await small.disburse(1, SHELTER_DID, 1000);
    expect(await small.reconcile()).to.deep.include({ heldCents: 0, disbursedCents: 5000, balanced: true });
  });

  it('refuses to disburse more than the milestone’s unpaid amount', async () => {
    await h.submitEvidence(1);
    await h.approve(1);
    await h.disburse(1, SHELTER_DID, 50000);
    expect(await failure(h.disburse(1, SHELTER_DID, 10001))).to.equal(
      'CONFLICT: milestone 1 of campaign winter-shelter has only 10000 left to disburse, not 10001',
    );
  });

  it('refuses to disburse to someone who is not a beneficiary of the campaign', async () => {
    await h.submitEvidence(1);
    await h.approve(1);
    expect(await failure(h.disburse(1, ALICE_DID, 100))).to.equal(
      `INVALID_ARGUMENT: beneficiaryDid: ${ALICE_DID} is not a beneficiary of campaign winter-shelter`,
    );
  });

  it('refuses to disburse to a beneficiary whose DID was deactivated since', async () => {
    await h.submitEvidence(1);
    await h.approve(1);
    h.dids.set(BAKER_DID, { valid: false, reason: 'did-deactivated' });
    expect(await failure(h.disburse(1, BAKER_DID, 100))).to.match(
      /^CONFLICT: did:cityledger:civic:baker is not active/,
    );
  });

  it('lets only the organiser disburse', async () => {
    await h.submitEvidence(1);
    await h.approve(1);
    for (const actor of [auditor, cityAdmin, alice]) {
      expect(
        await failure(
          h.submit(actor, (c, ctx) => c.Disburse(ctx, 'winter-shelter', '1', SHELTER_DID, '100', '')),
        ),
      ).to.match(/^ACCESS_DENIED: .* may not disburse funds/);
    }
  });

  it('refuses malformed disbursement arguments', async () => {
    for (const [args, expected] of [
      [['1', SHELTER_DID, '0', ''], /^INVALID_ARGUMENT: amountCents: /],
      [['1', 'shelter', '100', ''], /^INVALID_ARGUMENT: beneficiaryDid: /],
      [['x', SHELTER_DID, '100', ''], /^INVALID_ARGUMENT: milestoneIndex: /],
      [['1', SHELTER_DID, '100', 'r'.repeat(201)], /^INVALID_ARGUMENT: reference: /],
    ] as const) {
      const [index, beneficiary, amount, reference] = args;
      expect(
        await failure(
          h.submit(organiser, (c, ctx) =>
            c.Disburse(ctx, 'winter-shelter', index, beneficiary, amount, reference),
          ),
        ),
      ).to.match(expected);
    }
  });

  it('shows unconfirmed disbursements as such until the beneficiary confirms receipt', async () => {
    await h.submitEvidence(1);
    await h.approve(1);
    const first = await h.disburse(1, SHELTER_DID, 20000);
    const second = await h.disburse(1, BAKER_DID, 10000);
    let open = await h.evaluate(auditor, (c, ctx) =>
      c.ListUnconfirmedDisbursements(ctx, 'winter-shelter', '', ''),
    );
    expect(open.records.map((r) => r.disbursementId).sort()).to.deep.equal(
      [first.disbursementId, second.disbursementId].sort(),
    );

    const confirmed = await h.confirm(shelter, first.disbursementId);
    expect(confirmed).to.deep.include({ status: 'confirmed' });
    expect(h.ledger.lastEvent()).to.deep.include({ name: 'DisbursementConfirmed' });
    open = await h.evaluate(auditor, (c, ctx) =>
      c.ListUnconfirmedDisbursements(ctx, 'winter-shelter', '', ''),
    );
    expect(open.records.map((r) => r.disbursementId)).to.deep.equal([second.disbursementId]);

    const totals = await h.reconcile();
    expect(totals).to.deep.include({ disbursedCents: 30000, confirmedCents: 20000, unconfirmedCents: 10000 });
    const paid = await h.evaluate(baker, (c, ctx) =>
      c.ListDisbursementsByBeneficiary(ctx, BAKER_DID, '', ''),
    );
    expect(paid.records.map((r) => r.disbursementId)).to.deep.equal([second.disbursementId]);
    const all = await h.evaluate(baker, (c, ctx) => c.ListDisbursements(ctx, 'winter-shelter', '', ''));
    expect(all.records).to.have.length(2);
  });

  it('lets only the beneficiary confirm, and only once', async () => {
    await h.submitEvidence(1);
    await h.approve(1);
    const disbursement = await h.disburse(1, SHELTER_DID, 20000);
    for (const actor of [baker, { ...alice, attributes: { did: GONE_DID } }]) {
      expect(await failure(h.confirm(actor, disbursement.disbursementId))).to.match(
        /^ACCESS_DENIED: .* may not confirm disbursement .*(; only a user acting for did:cityledger:civic:night-shelter|: did-deactivated)$/,
      );
    }
    for (const actor of [organiser, auditor]) {
      expect(await failure(h.confirm(actor, disbursement.disbursementId))).to.match(
        /^ACCESS_DENIED: .* may not confirm disbursement .*: the certificate names no DID/,
      );
    }
    await h.confirm(shelter, disbursement.disbursementId);
    expect(await failure(h.confirm(shelter, disbursement.disbursementId))).to.equal(
      `CONFLICT: disbursement ${disbursement.disbursementId} is already confirmed`,
    );
    expect(await failure(h.confirm(shelter, 'nope'))).to.equal(
      'NOT_FOUND: disbursement nope of campaign winter-shelter does not exist',
    );
    const history = await h.evaluate(auditor, (c, ctx) =>
      c.GetDisbursementHistory(ctx, 'winter-shelter', disbursement.disbursementId),
    );
    expect(history.map((e) => e.value!.status)).to.deep.equal(['confirmed', 'unconfirmed']);
  });

  it('refuses a beneficiary DID that another organisation’s CA wrote into the certificate', async () => {
    await h.submitEvidence(1);
    await h.approve(1);
    const toBaker = await h.disburse(1, BAKER_DID, 10000);
    const toShelter = await h.disburse(1, SHELTER_DID, 10000);
    const before = h.snapshot();
    // The baker is a person the City controls; CommunityMSP's CA can still write the DID.
    const forgedBaker = {
      mspId: 'CommunityMSP',
      role: 'citizen',
      user: 'mallory',
      attributes: { did: BAKER_DID },
    };
    expect(await failure(h.confirm(forgedBaker, toBaker.disbursementId))).to.equal(
      `ACCESS_DENIED: a CommunityMSP certificate may not act for ${BAKER_DID}, which CityMSP controls`,
    );
    // The shelter is an organisation CommunityMSP controls; the City's CA can still write the DID.
    const forgedShelter = {
      mspId: 'CityMSP',
      role: 'citizen',
      user: 'mallory',
      attributes: { did: SHELTER_DID },
    };
    expect(await failure(h.confirm(forgedShelter, toShelter.disbursementId))).to.equal(
      `ACCESS_DENIED: a CityMSP certificate may not act for ${SHELTER_DID}, which CommunityMSP controls`,
    );
    expect(h.snapshot()).to.deep.equal(before);

    expect((await h.confirm(baker, toBaker.disbursementId)).status).to.equal('confirmed');
    expect((await h.confirm(shelter, toShelter.disbursementId)).status).to.equal('confirmed');
  });

  it('refuses the beneficiary’s confirmation once its DID is deactivated', async () => {
    await h.submitEvidence(1);
    await h.approve(1);
    const disbursement = await h.disburse(1, BAKER_DID, 10000);
    h.dids.set(BAKER_DID, {
      valid: false,
      reason: 'did-deactivated',
      didType: 'person',
      controller: 'CityMSP',
    });
    expect(await failure(h.confirm(baker, disbursement.disbursementId))).to.equal(
      `ACCESS_DENIED: ${BAKER_DID} may not confirm disbursement ${disbursement.disbursementId}: did-deactivated`,
    );
  });

  it('keeps a donation’s history of allocations', async () => {
    await h.submitEvidence(1);
    await h.approve(1);
    await h.disburse(1, SHELTER_DID, 10000);
    await h.disburse(1, SHELTER_DID, 10000);
    const history = await h.evaluate(alice, (c, ctx) =>
      c.GetDonationHistory(ctx, 'winter-shelter', d.alice.donationId),
    );
    expect(history.map((e) => e.value!.allocatedCents)).to.deep.equal([20000, 10000, 0]);
    expect(BOB_DID).to.equal(d.bob.donorDid);
  });
});
