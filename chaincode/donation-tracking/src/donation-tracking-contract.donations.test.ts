import { expect } from 'chai';
import {
  alice,
  ALICE_DID,
  anonymousCitizen,
  auditor,
  bob,
  BOB_DID,
  cityAdmin,
  communityCitizen,
  DEADLINE,
  DonationHarness,
  failure,
  GONE_DID,
  organiser,
  receiptFor,
  SENSOR_DID,
  shelter,
  SHELTER_DID,
} from './donation-test-support';

describe('donation-tracking: donations', () => {
  let h: DonationHarness;
  beforeEach(async () => {
    h = new DonationHarness();
    await h.createCampaign();
  });

  it('records a named donation by the donor under their own DID, writing only its own keys', async () => {
    const before = new Set(h.ledger.state.keys());
    const donation = await h.donate(alice, 2500);
    expect(donation).to.deep.include({
      campaignId: 'winter-shelter',
      anonymous: false,
      donorDid: ALICE_DID,
      amountCents: 2500,
      currency: 'EUR',
      recordedByMsp: 'CityMSP',
      allocatedCents: 0,
      refundedCents: 0,
    });
    const written = [...h.ledger.state.keys()].filter((k) => !before.has(k)).map((k) => k.split('\u0000')[1]);
    expect(written.sort()).to.deep.equal(['donation', 'donation~donor', 'donation~fifo']);
    expect(h.ledger.lastEvent()).to.deep.include({ name: 'DonationReceived' });
    expect(h.ledger.lastEvent()!.payload).to.deep.include({
      donationId: donation.donationId,
      amountCents: 2500,
      anonymous: false,
    });
  });

  it('records an anonymous donation with its receipt hash and no donor', async () => {
    const receipt = receiptFor('anon');
    const donation = await h.donate(anonymousCitizen, 1000, { receiptHash: receipt.hash });
    expect(donation.anonymous).to.equal(true);
    expect(donation.donorDid).to.equal(undefined);
    expect(donation.receiptHash).to.equal(receipt.hash);
    const check = await h.evaluate(auditor, (c, ctx) => c.VerifyDonationReceipt(ctx, receipt.secret));
    expect(check.matches).to.equal(true);
    expect(check.donation!.donationId).to.equal(donation.donationId);
  });

  it('says a receipt does not match when no donation carries its hash', async () => {
    const check = await h.evaluate(auditor, (c, ctx) =>
      c.VerifyDonationReceipt(ctx, receiptFor('never').secret),
    );
    expect(check).to.deep.equal({ matches: false, receiptHash: receiptFor('never').hash });
  });

  it('lets a named donor add a receipt too', async () => {
    const receipt = receiptFor('alice');
    const donation = await h.donate(alice, 700, { receiptHash: receipt.hash });
    const check = await h.evaluate(bob, (c, ctx) => c.VerifyDonationReceipt(ctx, receipt.secret));
    expect(check.donation).to.deep.equal(donation);
  });

  it('lets the organiser record gifts received off-chain, named or anonymous', async () => {
    const named = await h.donate(organiser, 5000, { donorDid: BOB_DID });
    expect(named).to.deep.include({ donorDid: BOB_DID, recordedByMsp: 'CommunityMSP' });
    const anonymous = await h.donate(organiser, 300, { receiptHash: receiptFor('cash').hash });
    expect(anonymous.anonymous).to.equal(true);
  });

  it('lists the donations of a campaign and the named donations of a donor', async () => {
    const a = await h.donate(alice, 100);
    await h.donate(anonymousCitizen, 200, { receiptHash: receiptFor('x').hash });
    const b = await h.donate(alice, 300);
    const all = await h.evaluate(auditor, (c, ctx) => c.ListDonations(ctx, 'winter-shelter', '', ''));
    expect(all.records).to.have.length(3);
    const mine = await h.evaluate(alice, (c, ctx) => c.ListDonationsByDonor(ctx, ALICE_DID, '10', ''));
    expect(mine.records.map((d) => d.donationId).sort()).to.deep.equal([a.donationId, b.donationId].sort());
  });

  it('requires a receipt hash for an anonymous donation', async () => {
    expect(await failure(h.donate(anonymousCitizen, 100))).to.match(
      /^INVALID_ARGUMENT: receiptHash: is required for an anonymous donation/,
    );
  });

  it('denies a citizen a donation in somebody else’s name', async () => {
    expect(await failure(h.donate(alice, 100, { donorDid: BOB_DID }))).to.equal(
      "ACCESS_DENIED: CityMSP 'citizen' acting for did:cityledger:civic:alice may not donate in the name of did:cityledger:civic:bob; only a user acting for did:cityledger:civic:bob",
    );
    expect(await failure(h.donate(anonymousCitizen, 100, { donorDid: ALICE_DID }))).to.equal(
      "ACCESS_DENIED: CityMSP 'citizen' may not donate in the name of did:cityledger:civic:alice: the certificate names no DID (attribute 'did')",
    );
  });

  it('refuses a donor DID that another organisation’s CA wrote into the certificate, changing nothing', async () => {
    // CommunityMSP's CA can write Alice's DID into a certificate, but Alice is a person the City controls.
    const forged = { ...communityCitizen, user: 'mallory', attributes: { did: ALICE_DID } };
    const before = h.snapshot();
    expect(await failure(h.donate(forged, 100))).to.equal(
      `ACCESS_DENIED: a CommunityMSP certificate may not act for ${ALICE_DID}, which CityMSP controls`,
    );
    // Likewise the City's CA for the shelter, an organisation CommunityMSP controls.
    expect(
      await failure(h.donate({ ...alice, attributes: { did: SHELTER_DID } }, 100, { donorDid: SHELTER_DID })),
    ).to.equal(
      `ACCESS_DENIED: a CityMSP certificate may not act for ${SHELTER_DID}, which CommunityMSP controls`,
    );
    expect(h.snapshot()).to.deep.equal(before);
  });

  it('refuses a donor DID that is deactivated or unknown even when the caller’s certificate names it', async () => {
    expect(await failure(h.donate({ ...alice, attributes: { did: GONE_DID } }, 100))).to.equal(
      `ACCESS_DENIED: ${GONE_DID} may not donate in the name of ${GONE_DID}: did-deactivated`,
    );
    const ghost = 'did:cityledger:civic:ghost';
    expect(await failure(h.donate({ ...alice, attributes: { did: ghost } }, 100))).to.equal(
      `ACCESS_DENIED: ${ghost} may not donate in the name of ${ghost}: unknown-did`,
    );
  });

  it('accepts the genuine donor: a DID the caller’s own MSP controls, person or organisation', async () => {
    const person = await h.donate(alice, 100);
    expect(person).to.deep.include({ donorDid: ALICE_DID, recordedByMsp: 'CityMSP' });
    const organisation = await h.donate(shelter, 200);
    expect(organisation).to.deep.include({ donorDid: SHELTER_DID, recordedByMsp: 'CommunityMSP' });
  });

  it('denies the auditor and the City admin as donors', async () => {
    expect(await failure(h.donate(auditor, 100, { receiptHash: receiptFor('a').hash }))).to.match(
      /^ACCESS_DENIED: AuditorMSP 'auditor' may not donate/,
    );
    expect(await failure(h.donate(cityAdmin, 100, { receiptHash: receiptFor('b').hash }))).to.match(
      /^ACCESS_DENIED: CityMSP 'admin' may not donate/,
    );
  });

  it('refuses amounts that are not positive whole cents', async () => {
    for (const amount of ['0', '-5', '12.50', '1e3', '']) {
      expect(
        await failure(
          h.submit(alice, (c, ctx) => c.Donate(ctx, 'winter-shelter', amount, 'EUR', ALICE_DID, '')),
        ),
      ).to.match(/^INVALID_ARGUMENT: amountCents: /);
    }
  });

  it('refuses a donation in another currency than the campaign’s', async () => {
    expect(
      await failure(
        h.submit(alice, (c, ctx) => c.Donate(ctx, 'winter-shelter', '100', 'USD', ALICE_DID, '')),
      ),
    ).to.equal('INVALID_ARGUMENT: currency: campaign winter-shelter collects EUR, not USD');
  });

  it('refuses a malformed receipt hash or donor DID', async () => {
    expect(await failure(h.donate(anonymousCitizen, 100, { receiptHash: 'abc' }))).to.match(
      /^INVALID_ARGUMENT: receiptHash: /,
    );
    expect(await failure(h.donate(organiser, 100, { donorDid: 'alice' }))).to.match(
      /^INVALID_ARGUMENT: donorDid: /,
    );
  });

  it('refuses a reused receipt hash', async () => {
    const receipt = receiptFor('same');
    await h.donate(anonymousCitizen, 100, { receiptHash: receipt.hash });
    expect(await failure(h.donate(anonymousCitizen, 100, { receiptHash: receipt.hash }))).to.equal(
      'CONFLICT: this receipt hash is already used; draw a new receipt secret',
    );
  });

  it('refuses named donations from unknown, deactivated or device DIDs', async () => {
    expect(await failure(h.donate(organiser, 100, { donorDid: 'did:cityledger:civic:ghost' }))).to.equal(
      'NOT_FOUND: did:cityledger:civic:ghost is not registered',
    );
    expect(await failure(h.donate(organiser, 100, { donorDid: GONE_DID }))).to.match(
      /^CONFLICT: .* is not active/,
    );
    expect(await failure(h.donate(organiser, 100, { donorDid: SENSOR_DID }))).to.equal(
      'INVALID_ARGUMENT: donorDid: must be a person or an organisation, not a device',
    );
  });

  it('refuses donations after the deadline', async () => {
    expect(await failure(h.donate({ ...alice, time: DEADLINE }, 100))).to.equal(
      `CONFLICT: campaign winter-shelter ended at its deadline ${DEADLINE}`,
    );
  });

  it('refuses donations to an unknown or cancelled campaign', async () => {
    expect(await failure(h.donate(alice, 100, { campaignId: 'nope' }))).to.equal(
      'NOT_FOUND: campaign nope does not exist',
    );
    await h.submit(organiser, (c, ctx) => c.CancelCampaign(ctx, 'winter-shelter', 'venue lost'));
    expect(await failure(h.donate(alice, 100))).to.equal(
      'CONFLICT: campaign winter-shelter is cancelled and takes no donations',
    );
  });

  it('keeps concurrent donations free of conflicts: disjoint writes, and no key one writes is read by another', async () => {
    const txs = [alice, bob, anonymousCitizen].map((actor) => h.begin(actor));
    await h.contract.Donate(txs[0].ctx, 'winter-shelter', '100', 'EUR', ALICE_DID, '');
    await h.contract.Donate(txs[1].ctx, 'winter-shelter', '200', 'EUR', BOB_DID, '');
    await h.contract.Donate(txs[2].ctx, 'winter-shelter', '300', 'EUR', '', receiptFor('c').hash);
    const writes = txs.map((tx) => [...tx.writes.keys()]);
    const reads = txs.map((tx) => tx.stub.getState.getCalls().map((call) => call.args[0] as string));
    for (let i = 0; i < txs.length; i++) {
      for (let j = 0; j < txs.length; j++) {
        if (i === j) continue;
        expect(
          writes[i].filter((k) => writes[j].includes(k)),
          'shared write',
        ).to.deep.equal([]);
        expect(
          writes[i].filter((k) => reads[j].includes(k)),
          'write read by another',
        ).to.deep.equal([]);
      }
      expect(writes[i].some((k) => k.startsWith('\u0000campaign\u0000'))).to.equal(false);
    }
    txs.forEach((tx) => h.ledger.commit(tx));
    const totals = await h.reconcile();
    expect(totals).to.deep.include({ donatedCents: 600, donationCount: 3, heldCents: 600, balanced: true });
  });
});
