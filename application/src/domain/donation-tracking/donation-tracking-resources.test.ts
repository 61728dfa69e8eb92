import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import {
  type TestGateway,
  personalDataOf,
  registerOrganisation,
  startTestGateway,
  uniqueId,
} from '../../testing/test-gateway';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('donation-tracking REST resources', () => {
  let gateway: TestGateway;
  let registrar: string;
  let organiser: string;
  let auditor: string;
  let organiserDid: string;
  const civic = '/api/v1/channels/civic';
  const did = (id: string) => `did:cityledger:civic:${id}`;

  const citizen = async (name: string) => {
    const id = uniqueId(name);
    const answer = await gateway.request('POST', `${civic}/persons`, {
      token: registrar,
      body: { id, personalData: personalDataOf(id) },
    });
    expect(answer.status).to.equal(201);
    return { did: did(id), token: gateway.token(id, 'CityMSP', 'citizen', did(id)) };
  };

  const createCampaign = async (beneficiaryDid: string) => {
    const campaignId = uniqueId('shelter');
    const answer = await gateway.request('POST', `${civic}/campaigns`, {
      token: organiser,
      body: {
        campaignId,
        organiserDid,
        title: 'Winter shelter',
        goalCents: 100000,
        currency: 'EUR',
        deadline: '2099-06-30T00:00:00Z',
        beneficiaryDids: [beneficiaryDid],
        milestones: [
          { description: 'Buy 40 beds', amountCents: 60000, evidenceRequired: 'invoice' },
          { description: 'Winter meals', amountCents: 40000, evidenceRequired: 'receipts' },
        ],
      },
    });
    return { campaignId, answer, base: `${civic}/campaigns/${campaignId}` };
  };

  before(async () => {
    gateway = await startTestGateway();
    registrar = gateway.token('rita', 'CityMSP', 'registrar');
    organiser = gateway.token('olga', 'CommunityMSP', 'admin');
    auditor = gateway.token('audrey', 'AuditorMSP', 'auditor');
    organiserDid = await registerOrganisation(gateway, organiser, 'Night Shelter Association');
  });
  after(() => gateway.stop());

  it('follows a donation to the beneficiary: donate, evidence, approval, disbursement, confirmation, trace', async () => {
    const ben = await citizen('ben');
    const dan = await citizen('dan');
    const { base, answer } = await createCampaign(ben.did);
    expect(answer.status).to.equal(201);
    expect(answer.body).to.include({ status: 'open', goalCents: 100000 });

    const named = await gateway.request('POST', `${base}/donations`, {
      token: dan.token,
      body: { amountCents: 70000, currency: 'EUR', donorDid: dan.did },
    });
    expect(named.status).to.equal(201);
    const donationId = named.body.donationId as string;
    expect(named.headers.get('location')).to.equal(`${base}/donations/${donationId}`);
    const secret = randomBytes(32).toString('hex');
    const anonymous = await gateway.request('POST', `${base}/donations`, {
      token: organiser,
      body: { amountCents: 5000, currency: 'EUR', receiptHash: sha256(secret) },
    });
    expect(anonymous.body.anonymous).to.equal(true);

    const evidence = await gateway.request('POST', `${base}/milestones/1/evidence`, {
      token: organiser,
      body: { documentHashes: [sha256('invoice beds')] },
    });
    expect(evidence.body.status).to.equal('submitted');
    const approval = await gateway.request('POST', `${base}/milestones/1/approval`, {
      token: auditor,
      body: { reason: 'invoice checked' },
    });
    expect(approval.body.status).to.equal('approved');

    const disbursed = await gateway.request('POST', `${base}/disbursements`, {
      token: organiser,
      body: { milestoneIndex: 1, beneficiaryDid: ben.did, amountCents: 60000, reference: 'SEPA-1' },
    });
    expect(disbursed.status).to.equal(201);
    const disbursementId = disbursed.body.disbursementId as string;
    expect(disbursed.body.allocations).to.deep.equal([{ donationId, amountCents: 60000 }]);
    const unconfirmed = await gateway.request('GET', `${base}/disbursements?status=unconfirmed`, {
      token: ben.token,
    });
    expect(unconfirmed.body.records).to.have.length(1);

    const confirmed = await gateway.request('POST', `${base}/disbursements/${disbursementId}/confirmation`, {
      token: ben.token,
    });
    expect(confirmed.body.status).to.equal('confirmed');

    const trace = await gateway.request('GET', `${base}/donations/${donationId}/trace`, { token: dan.token });
    expect(trace.status).to.equal(200);
    expect(JSON.stringify(trace.body)).to.include(disbursementId);
    const reconciliation = await gateway.request('GET', `${base}/reconciliation`, { token: auditor });
    expect(reconciliation.body).to.include({ balanced: true, donatedCents: 75000, disbursedCents: 60000 });
    const receipt = await gateway.request('POST', `${civic}/donation-receipts/verifications`, {
      token: dan.token,
      body: { receiptSecret: secret },
    });
    expect(receipt.body.matches).to.equal(true);
    const byDonor = await gateway.request('GET', `${civic}/donors/${dan.did}/donations`, {
      token: dan.token,
    });
    expect(byDonor.body.records).to.have.length(1);
  });

  it('refunds on cancellation and lets the anonymous donor claim with the receipt secret', async () => {
    const ben = await citizen('ben');
    const { base } = await createCampaign(ben.did);
    const secret = randomBytes(32).toString('hex');
    const gift = await gateway.request('POST', `${base}/donations`, {
      token: organiser,
      body: { amountCents: 2500, currency: 'EUR', receiptHash: sha256(secret) },
    });
    const cancelled = await gateway.request('POST', `${base}/cancellation`, {
      token: organiser,
      body: { reason: 'venue fell through' },
    });
    expect(cancelled.body.claimableCents).to.equal(2500);
    const wrong = await gateway.request('POST', `${base}/donations/${gift.body.donationId}/refund-claims`, {
      token: organiser,
      body: { receiptSecret: randomBytes(32).toString('hex') },
    });
    expect(wrong.status).to.equal(403);
    const claim = await gateway.request('POST', `${base}/donations/${gift.body.donationId}/refund-claims`, {
      token: organiser,
      body: { receiptSecret: secret, payoutReference: 'IBAN …42' },
    });
    expect(claim.status).to.equal(201);
    expect(claim.body).to.include({ amountCents: 2500, kind: 'receipt-claim' });
  });

  it('refuses a milestone approval by the organiser or a citizen (403)', async () => {
    const ben = await citizen('ben');
    const { base } = await createCampaign(ben.did);
    await gateway.request('POST', `${base}/milestones/1/evidence`, {
      token: organiser,
      body: { documentHashes: [sha256('invoice')] },
    });
    for (const token of [organiser, ben.token]) {
      const answer = await gateway.request('POST', `${base}/milestones/1/approval`, { token, body: {} });
      expect(answer.status).to.equal(403);
    }
  });

  it('validates bodies, naming the field', async () => {
    const answer = await gateway.request('POST', `${civic}/campaigns/c-1/donations`, {
      token: organiser,
      body: { amountCents: 25.5, currency: 'EUR' },
    });
    expect([answer.status, answer.body.error.field]).to.deep.equal([400, 'amountCents']);
    const milestone = await gateway.request('POST', `${civic}/campaigns/c-1/milestones/0/approval`, {
      token: auditor,
      body: {},
    });
    expect(milestone.body.error.field).to.equal('milestoneIndex');
  });

  it('answers 404 for an unknown campaign or donation', async () => {
    const campaign = await gateway.request('GET', `${civic}/campaigns/nowhere`, { token: auditor });
    expect(campaign.status).to.equal(404);
    const donation = await gateway.request(
      'GET',
      `${civic}/campaigns/nowhere/donations/${sha256('x')}/trace`,
      {
        token: auditor,
      },
    );
    expect(donation.status).to.equal(404);
  });
});
