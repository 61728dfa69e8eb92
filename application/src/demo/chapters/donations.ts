import { createHash, randomBytes } from 'node:crypto';
import { DemoStepError, type UserSession } from '../demo-client';
import type { Narrator } from '../narrator';
import type { StoryContext } from '../story-context';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * An organisation has one DID per channel, so a later run of the story against the same ledger
 * finds the one an earlier run registered instead of failing on the conflict.
 */
async function communityOrganisationDid(
  organiser: UserSession,
  id: string,
  narrator: Narrator,
): Promise<string> {
  try {
    const registered = await organiser.post('/channels/civic/organisations', {
      id,
      name: 'Night Shelter Association',
    });
    return registered.did as string;
  } catch (error) {
    if (!(error instanceof DemoStepError && error.status === 409)) throw error;
  }
  for (let bookmark = ''; ;) {
    const page = await organiser.get(
      `/channels/civic/dids?type=organisation&pageSize=100${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`,
    );
    const records = page.records as Array<{ did: string; controller: string; status: string }>;
    const own = records.find((doc) => doc.controller === 'CommunityMSP' && doc.status === 'active');
    if (own) {
      narrator.result(`already registered by an earlier run: ${own.did}`);
      return own.did;
    }
    if (records.length === 0 || !page.bookmark)
      throw new Error('CommunityMSP has an organisation DID that cannot be listed');
    bookmark = page.bookmark as string;
  }
}

/** A shelter campaign: donations, an audited milestone, a disbursement the beneficiary confirms, a trace. */
export async function fundShelter(story: StoryContext): Promise<void> {
  const { narrator, cast, runId } = story;
  const organiser = story.as(cast.organiser);
  const auditor = story.as(cast.auditor);
  narrator.chapter(
    'Donations, followed to the cent',
    'A community organisation raises money; the auditor approves each milestone before money goes out, and every donation can be traced to what it paid for.',
  );
  narrator.step('The community organisation registers its own DID', 'POST /channels/civic/organisations');
  const organiserDid = await communityOrganisationDid(organiser, `night-shelter-${runId}`, narrator);
  const campaignId = `winter-shelter-${runId}`;
  const base = `/channels/civic/campaigns/${campaignId}`;
  narrator.step(
    '…and opens a campaign: €1 000 for beds (€600) and meals (€400)',
    'POST /channels/civic/campaigns',
  );
  await organiser.post('/channels/civic/campaigns', {
    campaignId,
    organiserDid,
    title: 'Winter shelter',
    goalCents: 100_000,
    currency: 'EUR',
    deadline: '2099-03-31T00:00:00Z',
    beneficiaryDids: [cast.shelter.did],
    milestones: [
      { description: 'Buy 40 beds', amountCents: 60_000, evidenceRequired: 'invoice' },
      { description: 'Winter meals', amountCents: 40_000, evidenceRequired: 'receipts' },
    ],
  });

  narrator.step('Alice gives €700 in her own name', `POST ${base}/donations`);
  const named = await story
    .as(cast.alice)
    .post(`${base}/donations`, { amountCents: 70_000, currency: 'EUR', donorDid: cast.alice.did });
  const secret = randomBytes(32).toString('hex');
  narrator.step(
    'Someone gives €150 anonymously through the organiser, keeping a receipt secret',
    `POST ${base}/donations`,
  );
  await organiser.post(`${base}/donations`, {
    amountCents: 15_000,
    currency: 'EUR',
    receiptHash: sha256(secret),
  });
  narrator.result('two donations recorded; the anonymous one only by the hash of its receipt');

  narrator.step(
    'The organiser submits the bed invoice as evidence for milestone 1',
    `POST ${base}/milestones/1/evidence`,
  );
  await organiser.post(`${base}/milestones/1/evidence`, { documentHashes: [sha256('invoice: 40 beds')] });
  narrator.step('The auditor checks it and approves', `POST ${base}/milestones/1/approval`);
  await auditor.post(`${base}/milestones/1/approval`, { reason: 'invoice matches the order' });
  narrator.step('The organiser pays the shelter €600', `POST ${base}/disbursements`);
  const disbursement = await organiser.post(`${base}/disbursements`, {
    milestoneIndex: 1,
    beneficiaryDid: cast.shelter.did,
    amountCents: 60_000,
    reference: `SEPA-${runId}`,
  });
  narrator.result(
    `paid from the oldest donations first: ${disbursement.allocations.map((a: { amountCents: number }) => `${a.amountCents / 100} €`).join(' + ')}`,
  );
  narrator.step('The shelter confirms it received the money', `POST ${base}/disbursements/{id}/confirmation`);
  const confirmed = await story
    .as(cast.shelter)
    .post(`${base}/disbursements/${disbursement.disbursementId}/confirmation`);
  narrator.result(`disbursement ${confirmed.status}`);

  narrator.step('Alice traces her donation', `GET ${base}/donations/{id}/trace`);
  const trace = await story.as(cast.alice).get(`${base}/donations/${named.donationId}/trace`);
  narrator.result(
    `of her ${named.amountCents / 100} €: ${JSON.stringify(trace).includes(disbursement.disbursementId) ? `${disbursement.allocations[0].amountCents / 100} € went to the shelter for "Buy 40 beds"` : 'nothing spent yet'}`,
  );
  const reconciliation = await auditor.get(`${base}/reconciliation`);
  narrator.result(
    `reconciliation: donated ${reconciliation.donatedCents / 100} € = held ${reconciliation.heldCents / 100} € + disbursed ${reconciliation.disbursedCents / 100} € + refunded ${reconciliation.refundedCents / 100} € — ${reconciliation.balanced ? 'balanced' : 'NOT balanced'}`,
  );
  if (!reconciliation.balanced) throw new Error('the campaign does not reconcile');
}
