/**
 * Disbursements of approved milestones to beneficiaries, allocated FIFO to the donations that pay
 * for them (see fifo-allocation.ts), and the beneficiary's confirmation of receipt.
 */
import {
  callerOf,
  ConflictError,
  emitEvent,
  InvalidArgumentError,
  parseDid,
  parseId,
  parseOptionalString,
  putIndex,
  putJson,
  requireActiveDid,
  requireCaller,
  requireMsp,
  txTimeIso,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { parseMilestoneIndex } from './campaign-arguments';
import { requireOpenCampaign } from './campaigns';
import { allocateFifo } from './fifo-allocation';
import { parseCents, sumCents } from './money';
import { ORGANISERS, requireCallerActsFor } from './policy';
import { unspentOf } from './reconciliation';
import type { Disbursement, DonationAllocation, Donation } from './records';
import { DonationStore } from './store';

export async function disburse(
  ctx: Context,
  campaignId: string,
  milestoneIndex: string,
  beneficiaryDid: string,
  amountCents: string,
  reference: string,
): Promise<Disbursement> {
  const caller = requireCaller(ctx, ORGANISERS, 'disburse funds');
  const id = parseId('campaignId', campaignId);
  const index = parseMilestoneIndex(milestoneIndex);
  const beneficiary = parseDid('beneficiaryDid', beneficiaryDid).did;
  const amount = parseCents('amountCents', amountCents);
  const paymentReference = parseOptionalString('reference', reference, { maxLength: 200 }) ?? '';

  const store = new DonationStore(ctx);
  const campaign = await store.requireCampaign(id);
  requireMsp(caller, campaign.organiserMsp, `disburse funds of campaign ${id}`);
  requireOpenCampaign(campaign, 'disbursed from');
  if (!campaign.beneficiaryDids.includes(beneficiary)) {
    throw new InvalidArgumentError('beneficiaryDid', `${beneficiary} is not a beneficiary of campaign ${id}`);
  }
  const milestone = await store.requireMilestone(id, index);
  if (milestone.status !== 'approved') {
    throw new ConflictError(`milestone ${index} of campaign ${id} is ${milestone.status}, not approved`);
  }
  const unpaid = milestone.amountCents - milestone.disbursedCents;
  if (amount > unpaid) {
    throw new ConflictError(
      `milestone ${index} of campaign ${id} has only ${unpaid} left to disburse, not ${amount}`,
    );
  }
  await requireActiveDid(ctx, beneficiary);
  const sources = await store.unspentDonationsInFifoOrder(
    id,
    (read) => sumCents(read.map(unspentOf)) >= amount,
  );
  const { shares, shortfallCents } = allocateFifo(
    amount,
    sources.map((d) => ({ donationId: d.donationId, donatedAt: d.donatedAt, unspentCents: unspentOf(d) })),
  );
  if (shortfallCents > 0) {
    throw new ConflictError(
      `campaign ${id} holds only ${amount - shortfallCents} ${campaign.currency} cents, not ${amount}`,
    );
  }

  const now = txTimeIso(ctx);
  const disbursement: Disbursement = {
    campaignId: id,
    disbursementId: ctx.stub.getTxID(),
    milestoneIndex: index,
    beneficiaryDid: beneficiary,
    amountCents: amount,
    currency: campaign.currency,
    reference: paymentReference,
    disbursedAt: now,
    status: 'unconfirmed',
    allocations: shares,
  };
  const { disbursementId } = disbursement;
  await putJson(ctx, store.disbursementKey(id, disbursementId), disbursement);
  await putIndex(ctx, store.unconfirmedKey(id, disbursementId));
  await putIndex(ctx, store.beneficiaryIndexKey(beneficiary, id, disbursementId));
  const byId = new Map(sources.map((d) => [d.donationId, d]));
  for (const share of shares) {
    const donation = byId.get(share.donationId)!;
    const allocation: DonationAllocation = {
      campaignId: id,
      donationId: share.donationId,
      disbursementId,
      milestoneIndex: index,
      beneficiaryDid: beneficiary,
      amountCents: share.amountCents,
      allocatedAt: now,
    };
    await putJson(ctx, store.allocationKey(id, share.donationId, disbursementId), allocation);
    const updated: Donation = { ...donation, allocatedCents: donation.allocatedCents + share.amountCents };
    await putJson(ctx, store.donationKey(id, donation.donationId), updated);
    if (unspentOf(updated) === 0) {
      await ctx.stub.deleteState(store.fifoKey(donation));
    }
  }
  await putJson(ctx, store.milestoneKey(id, index), {
    ...milestone,
    disbursedCents: milestone.disbursedCents + amount,
  });
  emitEvent(ctx, 'DisbursementMade', {
    campaignId: id,
    disbursementId,
    milestoneIndex: index,
    beneficiaryDid: beneficiary,
    amountCents: amount,
    currency: campaign.currency,
    reference: paymentReference,
    allocations: shares,
    disbursedAt: now,
  });
  return disbursement;
}

export async function confirmDisbursement(
  ctx: Context,
  campaignId: string,
  disbursementId: string,
): Promise<Disbursement> {
  const caller = callerOf(ctx);
  const id = parseId('campaignId', campaignId);
  const disbursementKeyId = parseId('disbursementId', disbursementId);
  const store = new DonationStore(ctx);
  const disbursement = await store.requireDisbursement(id, disbursementKeyId);
  await requireCallerActsFor(
    ctx,
    caller,
    disbursement.beneficiaryDid,
    `confirm disbursement ${disbursementKeyId}`,
  );
  if (disbursement.status !== 'unconfirmed') {
    throw new ConflictError(`disbursement ${disbursementKeyId} is already confirmed`);
  }
  const now = txTimeIso(ctx);
  const confirmed: Disbursement = { ...disbursement, status: 'confirmed', confirmedAt: now };
  await putJson(ctx, store.disbursementKey(id, disbursementKeyId), confirmed);
  await ctx.stub.deleteState(store.unconfirmedKey(id, disbursementKeyId));
  emitEvent(ctx, 'DisbursementConfirmed', {
    campaignId: id,
    disbursementId: disbursementKeyId,
    milestoneIndex: disbursement.milestoneIndex,
    beneficiaryDid: disbursement.beneficiaryDid,
    amountCents: disbursement.amountCents,
    confirmedAt: now,
  });
  return confirmed;
}
