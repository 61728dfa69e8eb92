/**
 * Milestone evidence and its judgement. The organiser submits hashes of the evidence; an approver
 * outside the organiser's organisation decides, and only an approved milestone can be paid.
 */
import {
  ConflictError,
  emitEvent,
  parseArray,
  parseId,
  parseOptionalString,
  parseSha256Hex,
  parseString,
  putJson,
  requireCaller,
  requireMsp,
  txTimeIso,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { parseMilestoneIndex } from './campaign-arguments';
import { requireOpenCampaign } from './campaigns';
import { MILESTONE_APPROVERS, ORGANISERS } from './policy';
import type { CampaignMilestone } from './records';
import { DonationStore } from './store';

export async function submitMilestoneEvidence(
  ctx: Context,
  campaignId: string,
  milestoneIndex: string,
  documentHashesJson: string,
  note: string,
): Promise<CampaignMilestone> {
  const caller = requireCaller(ctx, ORGANISERS, 'submit milestone evidence');
  const id = parseId('campaignId', campaignId);
  const index = parseMilestoneIndex(milestoneIndex);
  const documentHashes = parseArray('documentHashesJson', documentHashesJson, parseSha256Hex, {
    minItems: 1,
    maxItems: 50,
    unique: true,
  });
  const remark = parseOptionalString('note', note, { maxLength: 1000 });
  const store = new DonationStore(ctx);
  const campaign = await store.requireCampaign(id);
  requireMsp(caller, campaign.organiserMsp, `submit evidence for campaign ${id}`);
  requireOpenCampaign(campaign, 'given evidence');
  const milestone = await store.requireMilestone(id, index);
  if (milestone.status !== 'pending' && milestone.status !== 'rejected') {
    throw new ConflictError(
      `milestone ${index} of campaign ${id} is ${milestone.status}; evidence is for pending or rejected milestones`,
    );
  }
  const now = txTimeIso(ctx);
  const updated: CampaignMilestone = {
    ...milestone,
    status: 'submitted',
    evidence: { documentHashes, note: remark, submittedAt: now },
    // The previous rejection stays in the key history.
    decision: undefined,
  };
  await putJson(ctx, store.milestoneKey(id, index), updated);
  emitEvent(ctx, 'MilestoneEvidenceSubmitted', {
    campaignId: id,
    milestoneIndex: index,
    documentHashes,
    note: remark,
    submittedAt: now,
  });
  return updated;
}

/**
 * The auditor or the City approves or rejects submitted evidence. A rejection must give its reason:
 * the organiser needs it to submit better evidence.
 */
export async function decideMilestone(
  ctx: Context,
  decision: 'approved' | 'rejected',
  campaignId: string,
  milestoneIndex: string,
  reason: string,
): Promise<CampaignMilestone> {
  const approved = decision === 'approved';
  const caller = requireCaller(
    ctx,
    MILESTONE_APPROVERS,
    approved ? 'approve a milestone' : 'reject a milestone',
  );
  const id = parseId('campaignId', campaignId);
  const index = parseMilestoneIndex(milestoneIndex);
  const why = approved
    ? parseOptionalString('reason', reason, { maxLength: 1000 })
    : parseString('reason', reason, { maxLength: 1000 });
  const store = new DonationStore(ctx);
  const campaign = await store.requireCampaign(id);
  requireOpenCampaign(campaign, decision);
  const milestone = await store.requireMilestone(id, index);
  if (milestone.status !== 'submitted') {
    throw new ConflictError(
      `milestone ${index} of campaign ${id} is ${milestone.status}; only submitted evidence can be decided`,
    );
  }
  const now = txTimeIso(ctx);
  const updated: CampaignMilestone = {
    ...milestone,
    status: decision,
    decision: {
      approved,
      reason: why,
      decidedAt: now,
      decidedByMsp: caller.mspId,
      decidedByRole: caller.role ?? '',
    },
  };
  await putJson(ctx, store.milestoneKey(id, index), updated);
  emitEvent(ctx, approved ? 'MilestoneApproved' : 'MilestoneRejected', {
    campaignId: id,
    milestoneIndex: index,
    decidedByMsp: caller.mspId,
    decidedByRole: caller.role ?? '',
    reason: why,
    documentHashes: milestone.evidence?.documentHashes ?? [],
    decidedAt: now,
  });
  return updated;
}
