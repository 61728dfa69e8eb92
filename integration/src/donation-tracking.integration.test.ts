/**
 * The donation-tracking contract on the embedded network of the real consortium
 * (network/consortium.yaml): the identity chaincode beside it for organisation, beneficiary and
 * donor DIDs, real X.509 identities with `role` and `did` attributes, MAJORITY endorsement on the
 * civic channel, MVCC validation and chaincode events — the worked example of
 * docs/contracts/donation-tracking.md end to end.
 */
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { canonicalJson } from '@cityledger/chaincode-common';
import { contracts as identityContracts } from '@cityledger/chaincode-identity';
import {
  type CampaignReconciliation,
  type CampaignSettlement,
  contracts,
  type Disbursement,
  type DisbursementPage,
  type Donation,
  type DonationRefund,
  type DonationTrace,
  RECEIPT_SECRET_TRANSIENT_KEY,
  type ReceiptCheck,
} from '@cityledger/chaincode-donation-tracking';
import {
  CommitError,
  EndorseError,
  type EmbeddedNetwork,
  type Signer,
  type SubmitResult,
} from '@cityledger/network';
import { rejectionOf, startConsortiumNetwork } from '@cityledger/network/testing';
import { expect } from 'chai';
import { ChaincodeEvents } from './testing/chaincode-events';
import { registerPersonOnNetwork } from './testing/register-person';

const CIVIC = 'civic';
const CAMPAIGN = 'winter-shelter';
const ORGANISER_DID = 'did:cityledger:civic:community';
const SHELTER_DID = 'did:cityledger:civic:night-shelter';
const BAKER_DID = 'did:cityledger:civic:baker';

function didOf(name: string): string {
  return `did:cityledger:civic:${name}`;
}

function personalData(name: string) {
  return {
    name,
    birthDate: '1985-06-15',
    address: `${name} House, 2 High Street`,
    salt: createHash('sha256').update(name).digest('hex'),
  };
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** MAJORITY Endorsement of the three civic members: at least two of them. */
function satisfiesMajorityOfCivic(orgs: readonly string[]): boolean {
  const members = new Set(orgs.filter((o) => ['CityMSP', 'CommunityMSP', 'AuditorMSP'].includes(o)));
  return members.size >= 2;
}

describe('donation-tracking chaincode on the embedded consortium network', function () {
  this.timeout(30000);

  let network: EmbeddedNetwork;
  let cleanup: () => Promise<void>;
  let organiser: Signer;
  let auditor: Signer;
  let cityAdmin: Signer;
  let cityRegistrar: Signer;
  let alice: Signer;
  let bob: Signer;
  let carol: Signer;
  let anonymousDonor: Signer;
  let shelter: Signer;
  let baker: Signer;
  let events: ChaincodeEvents;

  const request = (fn: string, args: string[], transient?: Record<string, string>) => ({
    channel: CIVIC,
    chaincode: 'donation-tracking',
    function: fn,
    args,
    ...(transient ? { transient } : {}),
  });
  const submit = (user: Signer, fn: string, args: string[], transient?: Record<string, string>) =>
    network.submit(user, request(fn, args, transient));
  const evaluate = async <T>(user: Signer, fn: string, args: string[]): Promise<T> =>
    JSON.parse((await network.evaluate(user, request(fn, args))).toString()) as T;
  const reconcile = () => evaluate<CampaignReconciliation>(auditor, 'ReconcileCampaign', [CAMPAIGN]);
  const eventOf = (txId: string) => events.of(txId);
  const expectAccessDenied = async (
    user: Signer,
    fn: string,
    args: string[],
    transient?: Record<string, string>,
    message: RegExp | string = /^ACCESS_DENIED: /,
  ) => {
    const height = network.height(CIVIC);
    const error = await rejectionOf(submit(user, fn, args, transient));
    expect(error).to.be.instanceOf(EndorseError);
    const said = (error as unknown as EndorseError).chaincodeMessage;
    if (typeof message === 'string') expect(said).to.equal(message);
    else expect(said).to.match(message);
    expect(network.height(CIVIC)).to.equal(height);
  };
  const identity = (user: Signer, fn: string, args: string[], transient?: Record<string, string>) =>
    network.submit(user, {
      channel: CIVIC,
      chaincode: 'identity',
      function: fn,
      args,
      ...(transient ? { transient } : {}),
    });

  before(async () => {
    ({ network, cleanup } = await startConsortiumNetwork({
      identity: identityContracts,
      'donation-tracking': contracts,
    }));
    const enroll = (mspId: string, userId: string, attributes: Record<string, string>) =>
      network.crypto.enrollUser(mspId, userId, attributes);
    const communityAdmin = await enroll('CommunityMSP', 'community-admin', { role: 'admin' });
    organiser = await enroll('CommunityMSP', 'community-operator', { role: 'operator' });
    auditor = await enroll('AuditorMSP', 'auditor', { role: 'auditor' });
    cityAdmin = await enroll('CityMSP', 'city-admin', { role: 'admin' });
    cityRegistrar = await enroll('CityMSP', 'city-registrar', { role: 'registrar' });
    alice = await enroll('CityMSP', 'alice', { role: 'citizen', did: didOf('alice') });
    bob = await enroll('CityMSP', 'bob', { role: 'citizen', did: didOf('bob') });
    // A DID is honoured only from a certificate of the MSP that controls it: persons, registered by
    // the City's registrar, act through CityMSP certificates.
    carol = await enroll('CityMSP', 'carol', { role: 'citizen', did: didOf('carol') });
    anonymousDonor = await enroll('CityMSP', 'dora', { role: 'citizen' });
    shelter = await enroll('CityMSP', 'shelter-manager', { role: 'citizen', did: SHELTER_DID });
    baker = await enroll('CityMSP', 'baker', { role: 'citizen', did: BAKER_DID });
    events = ChaincodeEvents.follow(network, [CIVIC]);

    await identity(communityAdmin, 'RegisterOrganisation', ['community', 'Community organisations', '']);
    for (const name of ['alice', 'bob', 'carol', 'night-shelter', 'baker']) {
      await registerPersonOnNetwork(network, cityRegistrar, CIVIC, name, personalData(name));
    }
  });

  after(async () => {
    events?.stop();
    await cleanup?.();
  });

  describe('the winter-shelter campaign from creation to refunds', () => {
    const txIds: Record<string, string[]> = {};
    const receiptSecret = randomBytes(32).toString('hex');
    let created: SubmitResult;
    let donations: SubmitResult[];
    let d1: Donation;
    let d2: Donation;
    let d3: Donation;
    let d4: Donation;
    let firstDisbursement: SubmitResult;
    let secondDisbursement: SubmitResult;
    let unconfirmedAfterFirst: DisbursementPage;
    let beforeCancellation: CampaignReconciliation;
    let afterCancellation: CampaignReconciliation;
    let settlement: SubmitResult;
    let claim: SubmitResult;

    const record = (step: string, ...results: SubmitResult[]) => {
      txIds[step] = [...(txIds[step] ?? []), ...results.map((r) => r.txId)];
      return results[0]!;
    };
    const donationOf = (r: SubmitResult) => JSON.parse(r.result.toString()) as Donation;
    const milestone = async (index: string, approver: Signer, reason: string) => {
      record(
        'SubmitMilestoneEvidence',
        await submit(organiser, 'SubmitMilestoneEvidence', [
          CAMPAIGN,
          index,
          JSON.stringify([sha256Hex(`invoice ${index}`)]),
          '',
        ]),
      );
      record('ApproveMilestone', await submit(approver, 'ApproveMilestone', [CAMPAIGN, index, reason]));
    };

    before(async () => {
      const deadline = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();
      created = record(
        'CreateCampaign',
        await submit(organiser, 'CreateCampaign', [
          CAMPAIGN,
          ORGANISER_DID,
          'Winter shelter 2025',
          '100000',
          'EUR',
          deadline,
          JSON.stringify([SHELTER_DID, BAKER_DID]),
          JSON.stringify([
            { description: 'Buy 40 beds', amountCents: 60000, evidenceRequired: 'invoice' },
            { description: 'Winter meals', amountCents: 40000, evidenceRequired: 'receipts' },
          ]),
        ]),
      );

      // Four donors at once. Endorsed one after another so that their transaction times (the FIFO
      // order) are those of the worked example, then ordered and committed together.
      const gifts: Array<[Signer, string, string, string]> = [
        [alice, '30000', didOf('alice'), ''],
        [bob, '45000', didOf('bob'), ''],
        [anonymousDonor, '20000', '', sha256Hex(receiptSecret)],
        [carol, '5000', didOf('carol'), ''],
      ];
      const endorsed = [];
      for (const [donor, amount, donorDid, receiptHash] of gifts) {
        endorsed.push(
          await network.endorse(donor, request('Donate', [CAMPAIGN, amount, 'EUR', donorDid, receiptHash])),
        );
        await sleep(3);
      }
      donations = await Promise.all(endorsed.map((e) => network.submitEndorsed(e)));
      record('Donate', ...donations);
      [d1, d2, d3, d4] = donations.map(donationOf) as [Donation, Donation, Donation, Donation];

      await milestone('1', auditor, 'invoice checked');
      firstDisbursement = record(
        'Disburse',
        await submit(organiser, 'Disburse', [CAMPAIGN, '1', SHELTER_DID, '60000', 'SEPA-1']),
      );
      unconfirmedAfterFirst = await evaluate<DisbursementPage>(auditor, 'ListUnconfirmedDisbursements', [
        CAMPAIGN,
        '',
        '',
      ]);
      record(
        'ConfirmDisbursement',
        await submit(shelter, 'ConfirmDisbursement', [CAMPAIGN, firstDisbursement.txId]),
      );

      // The City's administration is the other approver the policy allows.
      await milestone('2', cityAdmin, 'receipts checked');
      secondDisbursement = record(
        'Disburse',
        await submit(organiser, 'Disburse', [CAMPAIGN, '2', BAKER_DID, '25000', 'SEPA-2']),
      );
      record(
        'ConfirmDisbursement',
        await submit(baker, 'ConfirmDisbursement', [CAMPAIGN, secondDisbursement.txId]),
      );

      beforeCancellation = await reconcile();
      settlement = record(
        'CancelCampaign',
        await submit(organiser, 'CancelCampaign', [CAMPAIGN, 'venue lost']),
      );
      afterCancellation = await reconcile();
      claim = record(
        'ClaimAnonymousRefund',
        await submit(anonymousDonor, 'ClaimAnonymousRefund', [CAMPAIGN, d3.donationId, 'IBAN DE00 1234'], {
          [RECEIPT_SECRET_TRANSIENT_KEY]: receiptSecret,
        }),
      );
    });

    it('has every step endorsed by a majority of the civic organisations that the client chose', async () => {
      expect(Object.keys(txIds)).to.have.lengthOf(8);
      for (const [step, ids] of Object.entries(txIds)) {
        for (const txId of ids) {
          const details = await network.getTransaction(CIVIC, txId);
          expect(details?.validationCodeName, step).to.equal('VALID');
          const orgs = details!.endorsements.map((e) => e.mspId);
          expect(satisfiesMajorityOfCivic(orgs), `${step}: ${orgs.join(', ')}`).to.equal(true);
        }
      }
    });

    it('commits donations of four donors submitted at once without MVCC conflicts', () => {
      // submitEndorsed resolves only for VALID transactions.
      expect(donations).to.have.lengthOf(4);
      expect(new Set(donations.map((d) => d.blockNumber)).size).to.be.lessThan(donations.length);
      expect([d1, d2, d3, d4].map((d) => d.amountCents)).to.deep.equal([30000, 45000, 20000, 5000]);
      expect(d3).to.include({ anonymous: true, receiptHash: sha256Hex(receiptSecret) });
      expect(d3.donorDid).to.equal(undefined);
    });

    it('pays each disbursement FIFO from the oldest donations with money left', async () => {
      const first = JSON.parse(firstDisbursement.result.toString()) as Disbursement;
      const second = await evaluate<Disbursement>(auditor, 'GetDisbursement', [
        CAMPAIGN,
        secondDisbursement.txId,
      ]);
      expect(first.allocations).to.deep.equal([
        { donationId: d1.donationId, amountCents: 30000 },
        { donationId: d2.donationId, amountCents: 30000 },
      ]);
      expect(second.allocations).to.deep.equal([
        { donationId: d2.donationId, amountCents: 15000 },
        { donationId: d3.donationId, amountCents: 10000 },
      ]);
      expect(second).to.include({ status: 'confirmed', beneficiaryDid: BAKER_DID });
      expect(unconfirmedAfterFirst.records.map((d) => d.disbursementId)).to.deep.equal([
        firstDisbursement.txId,
      ]);
    });

    it("traces Bob's donation to the beds and the meals it paid for", async () => {
      const trace = await evaluate<DonationTrace>(bob, 'TraceDonation', [CAMPAIGN, d2.donationId]);
      expect(
        trace.allocations.map(
          ({ milestoneDescription, beneficiaryDid, amountCents, disbursementStatus }) => ({
            milestoneDescription,
            beneficiaryDid,
            amountCents,
            disbursementStatus,
          }),
        ),
      ).to.deep.equal([
        {
          milestoneDescription: 'Buy 40 beds',
          beneficiaryDid: SHELTER_DID,
          amountCents: 30000,
          disbursementStatus: 'confirmed',
        },
        {
          milestoneDescription: 'Winter meals',
          beneficiaryDid: BAKER_DID,
          amountCents: 15000,
          disbursementStatus: 'confirmed',
        },
      ]);
      expect(trace).to.include({ allocatedCents: 45000, refundedCents: 0, unspentCents: 0 });
    });

    it('reconciles donations = held + disbursed + refunded before and after cancellation and the claim', async () => {
      const totals = (r: CampaignReconciliation) => ({
        status: r.status,
        donatedCents: r.donatedCents,
        heldCents: r.heldCents,
        disbursedCents: r.disbursedCents,
        refundedCents: r.refundedCents,
        claimableCents: r.claimableCents,
        balanced: r.balanced,
      });
      expect(totals(beforeCancellation)).to.deep.equal({
        status: 'funded',
        donatedCents: 100000,
        heldCents: 15000,
        disbursedCents: 85000,
        refundedCents: 0,
        claimableCents: 0,
        balanced: true,
      });
      expect(totals(afterCancellation)).to.deep.equal({
        status: 'cancelled',
        donatedCents: 100000,
        heldCents: 10000,
        disbursedCents: 85000,
        refundedCents: 5000,
        claimableCents: 10000,
        balanced: true,
      });
      const final = await reconcile();
      expect(totals(final)).to.deep.equal({
        status: 'cancelled',
        donatedCents: 100000,
        heldCents: 0,
        disbursedCents: 85000,
        refundedCents: 15000,
        claimableCents: 0,
        balanced: true,
      });
      expect(final.problems).to.deep.equal([]);
      expect(final.confirmedCents).to.equal(85000);
    });

    it("refunds Carol's unspent donation on cancellation and leaves the anonymous remainder claimable", () => {
      const result = JSON.parse(settlement.result.toString()) as CampaignSettlement;
      expect(
        result.refunds.map(({ donationId, donorDid, amountCents, kind }) => ({
          donationId,
          donorDid,
          amountCents,
          kind,
        })),
      ).to.deep.equal([
        { donationId: d4.donationId, donorDid: didOf('carol'), amountCents: 5000, kind: 'named' },
      ]);
      expect(result.claimable).to.deep.equal([{ donationId: d3.donationId, amountCents: 10000 }]);
      const refund = JSON.parse(claim.result.toString()) as DonationRefund;
      expect(refund).to.include({ donationId: d3.donationId, kind: 'receipt-claim', amountCents: 10000 });
    });

    it('proves the anonymous donation with its receipt secret and keeps the secret out of every block', async () => {
      const check = await evaluate<ReceiptCheck>(auditor, 'VerifyDonationReceipt', [receiptSecret]);
      expect(check.matches).to.equal(true);
      expect(check.donation).to.include({ donationId: d3.donationId, anonymous: true });
      for (let n = created.blockNumber; n < network.height(CIVIC); n++) {
        const bytes = Buffer.from((await network.getBlock(CIVIC, n))!.serializeBinary());
        expect(bytes.includes(receiptSecret), `block ${n}`).to.equal(false);
      }
    });

    it('emits DonationReceived and DisbursementMade with the documented payloads', async () => {
      expect(await eventOf(donations[2]!.txId)).to.deep.equal({
        name: 'DonationReceived',
        payload: canonicalJson({
          campaignId: CAMPAIGN,
          donationId: d3.donationId,
          amountCents: 20000,
          currency: 'EUR',
          anonymous: true,
          receiptHash: sha256Hex(receiptSecret),
          donatedAt: d3.donatedAt,
        }),
      });
      expect(JSON.parse((await eventOf(donations[0]!.txId)).payload)).to.deep.equal({
        campaignId: CAMPAIGN,
        donationId: d1.donationId,
        amountCents: 30000,
        currency: 'EUR',
        anonymous: false,
        donorDid: didOf('alice'),
        donatedAt: d1.donatedAt,
      });
      const made = await eventOf(firstDisbursement.txId);
      const disbursement = JSON.parse(firstDisbursement.result.toString()) as Disbursement;
      expect(made.name).to.equal('DisbursementMade');
      expect(made.payload).to.equal(
        canonicalJson({
          campaignId: CAMPAIGN,
          disbursementId: firstDisbursement.txId,
          milestoneIndex: 1,
          beneficiaryDid: SHELTER_DID,
          amountCents: 60000,
          currency: 'EUR',
          reference: 'SEPA-1',
          allocations: [
            { donationId: d1.donationId, amountCents: 30000 },
            { donationId: d2.donationId, amountCents: 30000 },
          ],
          disbursedAt: disbursement.disbursedAt,
        }),
      );
    });
  });

  describe('disbursements racing donations', () => {
    const CAMPAIGN_C = 'food-bank';

    before(async () => {
      await submit(organiser, 'CreateCampaign', [
        CAMPAIGN_C,
        ORGANISER_DID,
        'Food bank',
        '50000',
        'EUR',
        new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString(),
        JSON.stringify([SHELTER_DID]),
        JSON.stringify([{ description: 'Groceries', amountCents: 50000, evidenceRequired: 'invoice' }]),
      ]);
      await submit(alice, 'Donate', [CAMPAIGN_C, '10000', 'EUR', didOf('alice'), '']);
      await submit(organiser, 'SubmitMilestoneEvidence', [
        CAMPAIGN_C,
        '1',
        JSON.stringify([sha256Hex('c')]),
        '',
      ]);
      await submit(auditor, 'ApproveMilestone', [CAMPAIGN_C, '1', '']);
    });

    it('invalidates a disbursement when donations commit while it is in flight, and commits it resubmitted', async () => {
      const disburse = () =>
        network.endorse(organiser, request('Disburse', [CAMPAIGN_C, '1', SHELTER_DID, '6000', 'SEPA-C']));
      const inFlight = await disburse();
      const gifts = await Promise.all(
        [
          [bob, '1000', didOf('bob')],
          [carol, '2000', didOf('carol')],
        ].map(([donor, amount, did]) =>
          network.endorse(
            donor as Signer,
            request('Donate', [CAMPAIGN_C, amount as string, 'EUR', did as string, '']),
          ),
        ),
      );
      // The donations never read the FIFO index, so they commit; they add keys to the range the
      // disbursement read, which Fabric's phantom check then refuses.
      await Promise.all(gifts.map((e) => network.submitEndorsed(e)));
      const error = await rejectionOf(network.submitEndorsed(inFlight));
      expect(error).to.be.instanceOf(CommitError);
      expect((error as unknown as CommitError).validationCodeName).to.equal('PHANTOM_READ_CONFLICT');

      const resubmitted = await network.submitEndorsed(await disburse());
      expect((JSON.parse(resubmitted.result.toString()) as Disbursement).amountCents).to.equal(6000);
      const totals = await evaluate<CampaignReconciliation>(auditor, 'ReconcileCampaign', [CAMPAIGN_C]);
      expect(totals).to.include({
        donatedCents: 13000,
        disbursedCents: 6000,
        heldCents: 7000,
        balanced: true,
      });
    });

    it('invalidates a donation endorsed before the campaign was cancelled', async () => {
      const gift = await network.endorse(
        alice,
        request('Donate', [CAMPAIGN_C, '500', 'EUR', didOf('alice'), '']),
      );
      await submit(organiser, 'CancelCampaign', [CAMPAIGN_C, 'merged into winter-shelter']);
      const error = await rejectionOf(network.submitEndorsed(gift));
      expect(error).to.be.instanceOf(CommitError);
      expect((error as unknown as CommitError).validationCodeName).to.equal('MVCC_READ_CONFLICT');
      const totals = await evaluate<CampaignReconciliation>(auditor, 'ReconcileCampaign', [CAMPAIGN_C]);
      expect(totals).to.include({ donatedCents: 13000, heldCents: 0, refundedCents: 7000, balanced: true });
    });
  });

  describe('access rules', () => {
    const CAMPAIGN_B = 'library-books';
    let donationId: string;
    let disbursementId: string;
    const secret = randomBytes(32).toString('hex');

    before(async () => {
      await submit(organiser, 'CreateCampaign', [
        CAMPAIGN_B,
        ORGANISER_DID,
        'Library books',
        '10000',
        'EUR',
        new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString(),
        JSON.stringify([SHELTER_DID]),
        JSON.stringify([{ description: 'Books', amountCents: 10000, evidenceRequired: 'invoice' }]),
      ]);
      donationId = (
        await submit(anonymousDonor, 'Donate', [CAMPAIGN_B, '8000', 'EUR', '', sha256Hex(secret)])
      ).txId;
      await submit(organiser, 'SubmitMilestoneEvidence', [
        CAMPAIGN_B,
        '1',
        JSON.stringify([sha256Hex('b')]),
        '',
      ]);
    });

    it('refuses at validation a donation endorsed by the Community peer alone', async () => {
      const endorsed = await network.endorse(
        organiser,
        request('Donate', [CAMPAIGN_B, '100', 'EUR', '', sha256Hex(randomBytes(32).toString('hex'))]),
        { endorsingOrganizations: ['CommunityMSP'] },
      );
      const error = await rejectionOf(network.submitEndorsed(endorsed));
      expect(error).to.be.instanceOf(CommitError);
      expect((error as unknown as CommitError).validationCodeName).to.equal('ENDORSEMENT_POLICY_FAILURE');
    });
    it('refuses a citizen who donates in the name of another citizen', async () => {
      await expectAccessDenied(carol, 'Donate', [CAMPAIGN_B, '100', 'EUR', didOf('alice'), '']);
    });

    it('refuses the organiser, a City registrar and an auditor admin who try to approve a milestone', async () => {
      const auditorAdmin = await network.crypto.enrollUser('AuditorMSP', 'auditor-admin', { role: 'admin' });
      for (const user of [organiser, cityRegistrar, auditorAdmin]) {
        await expectAccessDenied(user, 'ApproveMilestone', [CAMPAIGN_B, '1', '']);
      }
    });

    it('refuses a disbursement by anyone but the organiser and a confirmation by anyone but the beneficiary', async () => {
      await submit(auditor, 'ApproveMilestone', [CAMPAIGN_B, '1', '']);
      await expectAccessDenied(auditor, 'Disburse', [CAMPAIGN_B, '1', SHELTER_DID, '1000', '']);
      await expectAccessDenied(cityAdmin, 'Disburse', [CAMPAIGN_B, '1', SHELTER_DID, '1000', '']);
      disbursementId = (await submit(organiser, 'Disburse', [CAMPAIGN_B, '1', SHELTER_DID, '1000', ''])).txId;
      for (const user of [bob, organiser, baker]) {
        await expectAccessDenied(user, 'ConfirmDisbursement', [CAMPAIGN_B, disbursementId]);
      }
    });

    it("refuses a DID that another organisation's CA wrote into a certificate, and accepts the genuine holder", async () => {
      // CommunityMSP's CA can write any DID into its users' certificates; Alice and the shelter are
      // persons that CityMSP controls, so the identity chaincode gives the forgery away.
      const forgedAlice = await network.crypto.enrollUser('CommunityMSP', 'mallory-alice', {
        role: 'citizen',
        did: didOf('alice'),
      });
      const forgedShelter = await network.crypto.enrollUser('CommunityMSP', 'mallory-shelter', {
        role: 'operator',
        did: SHELTER_DID,
      });
      await expectAccessDenied(
        forgedAlice,
        'Donate',
        [CAMPAIGN_B, '100', 'EUR', didOf('alice'), ''],
        undefined,
        `ACCESS_DENIED: a CommunityMSP certificate may not act for ${didOf('alice')}, which CityMSP controls`,
      );
      await expectAccessDenied(
        forgedShelter,
        'ConfirmDisbursement',
        [CAMPAIGN_B, disbursementId],
        undefined,
        `ACCESS_DENIED: a CommunityMSP certificate may not act for ${SHELTER_DID}, which CityMSP controls`,
      );
      const confirmed = JSON.parse(
        (await submit(shelter, 'ConfirmDisbursement', [CAMPAIGN_B, disbursementId])).result.toString(),
      ) as Disbursement;
      expect(confirmed).to.include({ status: 'confirmed', beneficiaryDid: SHELTER_DID });
      const gift = JSON.parse(
        (await submit(alice, 'Donate', [CAMPAIGN_B, '100', 'EUR', didOf('alice'), ''])).result.toString(),
      ) as Donation;
      expect(gift).to.include({ donorDid: didOf('alice'), recordedByMsp: 'CityMSP' });
    });

    it('refuses a cancellation by the auditor and a refund claim with the wrong receipt secret', async () => {
      await expectAccessDenied(auditor, 'CancelCampaign', [CAMPAIGN_B, 'audit']);
      await submit(cityAdmin, 'CancelCampaign', [CAMPAIGN_B, 'fraud suspected']);
      await expectAccessDenied(anonymousDonor, 'ClaimAnonymousRefund', [CAMPAIGN_B, donationId, ''], {
        [RECEIPT_SECRET_TRANSIENT_KEY]: randomBytes(32).toString('hex'),
      });
      expect(
        (await evaluate<CampaignReconciliation>(auditor, 'ReconcileCampaign', [CAMPAIGN_B])).balanced,
      ).to.equal(true);
    });
  });
});
