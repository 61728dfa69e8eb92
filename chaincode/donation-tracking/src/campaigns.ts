/**
 * Opening a campaign, proving that its money adds up, and the rule every later step checks: a
 * campaign takes new steps only while it is open. Its milestones are written with it, so the goal
 * is always their sum.
 */
import {
  AccessDeniedError,
  ConflictError,
  describeCaller,
  emitEvent,
  InvalidArgumentError,
  keyExists,
  parseDid,
  parseId,
  parseIsoTimestamp,
  parseString,
  putJson,
  requireActiveDid,
  requireCaller,
  txTimeIso,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { parseBeneficiaries, parseMilestones } from './campaign-arguments';
import { parseCents, parseCurrency } from './money';
import { ORGANISERS } from './policy';
import { reconcileCampaign } from './reconciliation';
import type { Campaign, CampaignMilestone, CampaignReconciliation } from './records';
import { DonationStore } from './store';

export async function createCampaign(
  ctx: Context,
  campaignId: string,
  organiserDid: string,
  title: string,
  goalCents: string,
  currency: string,
  deadline: string,
  beneficiaryDidsJson: string,
  milestonesJson: string,
): Promise<Campaign> {
  const caller = requireCaller(ctx, ORGANISERS, 'create a campaign');
  const channel = ctx.stub.getChannelID();
  const id = parseId('campaignId', campaignId);
  const organiser = parseDid('organiserDid', organiserDid, { channel }).did;
  const name = parseString('title', title, { maxLength: 200 });
  const goal = parseCents('goalCents', goalCents);
  const unit = parseCurrency('currency', currency);
  const now = txTimeIso(ctx);
  const until = parseIsoTimestamp('deadline', deadline);
  if (until <= now) {
    throw new InvalidArgumentError('deadline', `must be after the transaction time ${now}`);
  }
  const beneficiaries = parseBeneficiaries('beneficiaryDidsJson', beneficiaryDidsJson, channel);
  const milestones = parseMilestones('milestonesJson', milestonesJson, goal);

  const store = new DonationStore(ctx);
  if (await keyExists(ctx, store.campaignKey(id))) {
    throw new ConflictError(`campaign ${id} already exists`);
  }
  const organiserIdentity = await requireActiveDid(ctx, organiser);
  if (organiserIdentity.didType !== 'organisation') {
    throw new InvalidArgumentError(
      'organiserDid',
      `must be an organisation DID, not a ${organiserIdentity.didType}`,
    );
  }
  if (organiserIdentity.controller !== caller.mspId) {
    throw new AccessDeniedError(
      `${describeCaller(caller)} may not run a campaign for ${organiser}, which ${organiserIdentity.controller} controls`,
    );
  }
  for (const [i, beneficiary] of beneficiaries.entries()) {
    const identity = await requireActiveDid(ctx, beneficiary);
    if (identity.didType === 'device') {
      throw new InvalidArgumentError(
        `beneficiaryDidsJson[${i}]`,
        'must be a person or an organisation, not a device',
      );
    }
  }

  const campaign: Campaign = {
    campaignId: id,
    title: name,
    organiserDid: organiser,
    organiserMsp: caller.mspId,
    goalCents: goal,
    currency: unit,
    deadline: until,
    beneficiaryDids: beneficiaries,
    milestoneCount: milestones.length,
    status: 'open',
    created: now,
    updated: now,
  };
  await putJson(ctx, store.campaignKey(id), campaign);
  for (const [i, definition] of milestones.entries()) {
    const milestone: CampaignMilestone = {
      campaignId: id,
      milestoneIndex: i + 1,
      ...definition,
      status: 'pending',
      disbursedCents: 0,
    };
    await putJson(ctx, store.milestoneKey(id, i + 1), milestone);
  }
  emitEvent(ctx, 'CampaignCreated', {
    campaignId: id,
    title: name,
    organiserDid: organiser,
    organiserMsp: caller.mspId,
    goalCents: goal,
    currency: unit,
    deadline: until,
    beneficiaryDids: beneficiaries,
    milestones: milestones.map((m, i) => ({ milestoneIndex: i + 1, amountCents: m.amountCents })),
    created: now,
  });
  return campaign;
}

export function requireOpenCampaign(campaign: Campaign, action: string): void {
  if (campaign.status !== 'open') {
    throw new ConflictError(`campaign ${campaign.campaignId} is ${campaign.status} and cannot be ${action}`);
  }
}

export async function reconcileCampaignOnLedger(
  ctx: Context,
  campaignId: string,
): Promise<CampaignReconciliation> {
  const id = parseId('campaignId', campaignId);
  const store = new DonationStore(ctx);
  const campaign = await store.requireCampaign(id);
  return reconcileCampaign({
    campaign,
    donations: await store.donations(id),
    disbursements: await store.disbursements(id),
    allocations: await store.allocations(id),
    refunds: await store.refunds(id),
    now: txTimeIso(ctx),
  });
}
