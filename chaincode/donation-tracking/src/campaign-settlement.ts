/**
 * The end of a campaign: cancellation or closing, and the refunds that follow. Named donors are
 * refunded at once; an anonymous donor's remainder waits for a claim with the receipt secret,
 * since only the donor knows where the money should go.
 */
import {
  AccessDeniedError,
  callerMatches,
  ConflictError,
  emitEvent,
  parseId,
  parseOptionalString,
  parseString,
  putJson,
  requireCaller,
  requireMsp,
  txTimeIso,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { requireOpenCampaign } from './campaigns';
import { sumCents } from './money';
import { CANCELLERS, DONORS, ORGANISERS } from './policy';
import { parseReceiptSecret, RECEIPT_SECRET_TRANSIENT_KEY, receiptHashOf } from './receipt';
import { unspentOf } from './reconciliation';
import type { Campaign, CampaignSettlement, CampaignState, Donation, DonationRefund } from './records';
import { planRefunds } from './refund-plan';
import { DonationStore } from './store';

export async function cancelCampaign(
  ctx: Context,
  campaignId: string,
  reason: string,
): Promise<CampaignSettlement> {
  const caller = requireCaller(ctx, CANCELLERS, 'cancel a campaign');
  const id = parseId('campaignId', campaignId);
  const why = parseString('reason', reason, { maxLength: 500 });
  const store = new DonationStore(ctx);
  const campaign = await store.requireCampaign(id);
  if (callerMatches(caller, ORGANISERS)) {
    requireMsp(caller, campaign.organiserMsp, `cancel campaign ${id}`);
  }
  requireOpenCampaign(campaign, 'cancelled');
  return settle(ctx, store, campaign, 'cancelled', why);
}

export async function closeCampaign(ctx: Context, campaignId: string): Promise<CampaignSettlement> {
  const caller = requireCaller(ctx, ORGANISERS, 'close a campaign');
  const id = parseId('campaignId', campaignId);
  const store = new DonationStore(ctx);
  const campaign = await store.requireCampaign(id);
  requireMsp(caller, campaign.organiserMsp, `close campaign ${id}`);
  requireOpenCampaign(campaign, 'closed');
  const now = txTimeIso(ctx);
  if (now < campaign.deadline) {
    const unpaid = (await store.milestones(id)).filter((m) => m.disbursedCents < m.amountCents);
    if (unpaid.length > 0) {
      throw new ConflictError(
        `campaign ${id} runs until ${campaign.deadline} and milestone(s) ${unpaid.map((m) => m.milestoneIndex).join(', ')} are not fully disbursed; cancel it instead`,
      );
    }
  }
  return settle(ctx, store, campaign, 'closed', 'closed by the organiser');
}

export async function claimAnonymousRefund(
  ctx: Context,
  campaignId: string,
  donationId: string,
  payoutReference: string,
): Promise<DonationRefund> {
  requireCaller(ctx, DONORS, 'claim a refund');
  const id = parseId('campaignId', campaignId);
  const donationKeyId = parseId('donationId', donationId);
  const payout = parseOptionalString('payoutReference', payoutReference, { maxLength: 200 });
  const secretBytes = ctx.stub.getTransient().get(RECEIPT_SECRET_TRANSIENT_KEY);
  const secret = parseReceiptSecret(
    `transient ${RECEIPT_SECRET_TRANSIENT_KEY}`,
    secretBytes === undefined ? undefined : Buffer.from(secretBytes).toString('utf8'),
  );

  const store = new DonationStore(ctx);
  const campaign = await store.requireCampaign(id);
  const donation = await store.requireDonation(id, donationKeyId);
  if (!donation.anonymous) {
    throw new ConflictError(
      `donation ${donationKeyId} is named; it is refunded to its donor when the campaign ends`,
    );
  }
  if (campaign.status === 'open') {
    throw new ConflictError(`campaign ${id} is open; refunds exist only once it is cancelled or closed`);
  }
  if (receiptHashOf(secret) !== donation.receiptHash) {
    throw new AccessDeniedError(`the receipt does not match donation ${donationKeyId}`);
  }
  const unspent = unspentOf(donation);
  if (unspent === 0) {
    throw new ConflictError(`donation ${donationKeyId} has nothing left to refund`);
  }

  const now = txTimeIso(ctx);
  const refund: DonationRefund = {
    campaignId: id,
    donationId: donationKeyId,
    kind: 'receipt-claim',
    amountCents: unspent,
    currency: campaign.currency,
    refundedAt: now,
    payoutReference: payout,
  };
  await recordRefund(ctx, store, donation, refund);
  emitEvent(ctx, 'AnonymousRefundClaimed', {
    campaignId: id,
    donationId: donationKeyId,
    amountCents: unspent,
    currency: campaign.currency,
    payoutReference: payout,
    refundedAt: now,
  });
  return refund;
}

/** Ends the campaign and refunds what is left (see refund-plan.ts). */
async function settle(
  ctx: Context,
  store: DonationStore,
  campaign: Campaign,
  state: Exclude<CampaignState, 'open'>,
  reason: string,
): Promise<CampaignSettlement> {
  const id = campaign.campaignId;
  const now = txTimeIso(ctx);
  const unspent = await store.unspentDonationsInFifoOrder(id);
  const plan = planRefunds(
    unspent.map((d) => ({ donationId: d.donationId, donorDid: d.donorDid, unspentCents: unspentOf(d) })),
  );
  const ended: Campaign = { ...campaign, status: state, updated: now, endedAt: now, endReason: reason };
  await putJson(ctx, store.campaignKey(id), ended);
  const byId = new Map(unspent.map((d) => [d.donationId, d]));
  const refunds: DonationRefund[] = [];
  for (const named of plan.named) {
    const donation = byId.get(named.donationId)!;
    const refund: DonationRefund = {
      campaignId: id,
      donationId: named.donationId,
      kind: 'named',
      donorDid: named.donorDid,
      amountCents: named.amountCents,
      currency: campaign.currency,
      refundedAt: now,
    };
    refunds.push(refund);
    await recordRefund(ctx, store, donation, refund);
  }
  const settlement: CampaignSettlement = {
    campaign: ended,
    refunds,
    claimable: plan.claimable,
    refundedCents: sumCents(plan.named.map((r) => r.amountCents)),
    claimableCents: sumCents(plan.claimable.map((c) => c.amountCents)),
  };
  emitEvent(ctx, state === 'cancelled' ? 'CampaignCancelled' : 'CampaignClosed', {
    campaignId: id,
    reason,
    endedAt: now,
    refunds: plan.named,
    claimable: plan.claimable,
    refundedCents: settlement.refundedCents,
    claimableCents: settlement.claimableCents,
  });
  return settlement;
}

/**
 * Writes a refund of a donation's whole unspent remainder: the refund record, the donation's
 * refunded total, and the donation leaves the FIFO index so no disbursement draws on it again.
 */
async function recordRefund(
  ctx: Context,
  store: DonationStore,
  donation: Donation,
  refund: DonationRefund,
): Promise<void> {
  await putJson(ctx, store.refundKey(refund.campaignId, refund.donationId), refund);
  await putJson(ctx, store.donationKey(refund.campaignId, refund.donationId), {
    ...donation,
    refundedCents: donation.refundedCents + refund.amountCents,
  });
  await ctx.stub.deleteState(store.fifoKey(donation));
}
