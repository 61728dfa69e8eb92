/**
 * Donations, named or anonymous, and what a donor can later prove and trace. A donation writes only
 * its own keys, so any number of donors can give to one campaign in the same block.
 */
import {
  callerMatches,
  ConflictError,
  emitEvent,
  InvalidArgumentError,
  parseDid,
  parseId,
  parseSha256Hex,
  putIndex,
  putJson,
  requireActiveDid,
  requireCaller,
  requireMsp,
  txTimeIso,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { parseCents, parseCurrency, sumCents } from './money';
import { DONORS, ORGANISERS, requireCallerActsFor } from './policy';
import { parseReceiptSecret, receiptHashOf } from './receipt';
import { unspentOf } from './reconciliation';
import type { AllocationTraceEntry, Donation, DonationTrace, ReceiptCheck } from './records';
import { DonationStore } from './store';

export async function donate(
  ctx: Context,
  campaignId: string,
  amountCents: string,
  currency: string,
  donorDid: string,
  receiptHash: string,
): Promise<Donation> {
  const caller = requireCaller(ctx, DONORS, 'donate');
  const id = parseId('campaignId', campaignId);
  const amount = parseCents('amountCents', amountCents);
  const unit = parseCurrency('currency', currency);
  const donor =
    donorDid === '' ? undefined : parseDid('donorDid', donorDid, { channel: ctx.stub.getChannelID() }).did;
  const receipt = receiptHash === '' ? undefined : parseSha256Hex('receiptHash', receiptHash);
  if (donor === undefined && receipt === undefined) {
    throw new InvalidArgumentError(
      'receiptHash',
      'is required for an anonymous donation (it is the donor’s only proof)',
    );
  }
  const recordsForOthers = callerMatches(caller, ORGANISERS);
  if (donor !== undefined && !recordsForOthers) {
    await requireCallerActsFor(ctx, caller, donor, `donate in the name of ${donor}`);
  }

  const store = new DonationStore(ctx);
  const campaign = await store.requireCampaign(id);
  if (recordsForOthers) {
    requireMsp(caller, campaign.organiserMsp, `record donations to campaign ${id}`);
  }
  const now = txTimeIso(ctx);
  if (campaign.status !== 'open') {
    throw new ConflictError(`campaign ${id} is ${campaign.status} and takes no donations`);
  }
  if (now >= campaign.deadline) {
    throw new ConflictError(`campaign ${id} ended at its deadline ${campaign.deadline}`);
  }
  if (unit !== campaign.currency) {
    throw new InvalidArgumentError('currency', `campaign ${id} collects ${campaign.currency}, not ${unit}`);
  }
  if (receipt !== undefined && (await store.getReceipt(receipt)) !== undefined) {
    throw new ConflictError('this receipt hash is already used; draw a new receipt secret');
  }
  if (donor !== undefined) {
    const identity = await requireActiveDid(ctx, donor);
    if (identity.didType === 'device') {
      throw new InvalidArgumentError('donorDid', 'must be a person or an organisation, not a device');
    }
  }

  // Only keys of this donation are written, never a campaign total: concurrent donors do not conflict.
  const donation: Donation = {
    campaignId: id,
    donationId: ctx.stub.getTxID(),
    anonymous: donor === undefined,
    donorDid: donor,
    receiptHash: receipt,
    amountCents: amount,
    currency: unit,
    donatedAt: now,
    recordedByMsp: caller.mspId,
    allocatedCents: 0,
    refundedCents: 0,
  };
  await putJson(ctx, store.donationKey(id, donation.donationId), donation);
  await putIndex(ctx, store.fifoKey(donation));
  if (donor !== undefined) {
    await putIndex(ctx, store.donorIndexKey(donor, id, donation.donationId));
  }
  if (receipt !== undefined) {
    await putJson(ctx, store.receiptKey(receipt), { campaignId: id, donationId: donation.donationId });
  }
  emitEvent(ctx, 'DonationReceived', {
    campaignId: id,
    donationId: donation.donationId,
    amountCents: amount,
    currency: unit,
    anonymous: donation.anonymous,
    donorDid: donor,
    receiptHash: receipt,
    donatedAt: now,
  });
  return donation;
}

export async function verifyDonationReceipt(ctx: Context, receiptSecret: string): Promise<ReceiptCheck> {
  const secret = parseReceiptSecret('receiptSecret', receiptSecret);
  const hash = receiptHashOf(secret);
  const store = new DonationStore(ctx);
  const location = await store.getReceipt(hash);
  if (location === undefined) {
    return { matches: false, receiptHash: hash };
  }
  return {
    matches: true,
    receiptHash: hash,
    donation: await store.requireDonation(location.campaignId, location.donationId),
  };
}

export async function traceDonation(
  ctx: Context,
  campaignId: string,
  donationId: string,
): Promise<DonationTrace> {
  const id = parseId('campaignId', campaignId);
  const donationKeyId = parseId('donationId', donationId);
  const store = new DonationStore(ctx);
  const donation = await store.requireDonation(id, donationKeyId);
  const milestones = new Map((await store.milestones(id)).map((m) => [m.milestoneIndex, m]));
  const allocations: AllocationTraceEntry[] = [];
  for (const allocation of await store.allocations(id, donationKeyId)) {
    const disbursement = await store.requireDisbursement(id, allocation.disbursementId);
    allocations.push({
      disbursementId: allocation.disbursementId,
      milestoneIndex: allocation.milestoneIndex,
      milestoneDescription: milestones.get(allocation.milestoneIndex)?.description ?? '',
      beneficiaryDid: allocation.beneficiaryDid,
      amountCents: allocation.amountCents,
      allocatedAt: allocation.allocatedAt,
      disbursementStatus: disbursement.status,
    });
  }
  allocations.sort((a, b) =>
    a.allocatedAt !== b.allocatedAt
      ? a.allocatedAt < b.allocatedAt
        ? -1
        : 1
      : a.disbursementId < b.disbursementId
        ? -1
        : 1,
  );
  return {
    donation,
    allocations,
    refund: await store.getRefund(id, donationKeyId),
    allocatedCents: sumCents(allocations.map((a) => a.amountCents)),
    refundedCents: donation.refundedCents,
    unspentCents: unspentOf(donation),
  };
}
