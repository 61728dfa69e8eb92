import { pageOfRecords, pageViaIndex, parseDid, parseId, readHistory } from '@cityledger/chaincode-common';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { parseMilestoneIndex } from './campaign-arguments';
import { cancelCampaign, claimAnonymousRefund, closeCampaign } from './campaign-settlement';
import { createCampaign, reconcileCampaignOnLedger } from './campaigns';
import { confirmDisbursement, disburse } from './disbursements';
import { donate, traceDonation, verifyDonationReceipt } from './donations';
import { decideMilestone, submitMilestoneEvidence } from './milestones';
import {
  Campaign,
  CampaignHistoryEntry,
  CampaignMilestone,
  CampaignPage,
  CampaignReconciliation,
  CampaignSettlement,
  Disbursement,
  DisbursementHistoryEntry,
  DisbursementPage,
  Donation,
  DonationHistoryEntry,
  DonationPage,
  DonationRefund,
  DonationRefundPage,
  DonationTrace,
  MilestoneHistoryEntry,
  ReceiptCheck,
} from './records';
import { DonationStore, KEY } from './store';

/**
 * Donation campaigns of channel `civic`. Each transaction delegates to the module of its concept;
 * who may call what, and why, is in policy.ts and docs/contracts/donation-tracking.md.
 */
@Info({
  title: 'CityLedger donation-tracking',
  description:
    'Donation campaigns with milestones: donations (named or anonymous with a receipt), evidence and approval, ' +
    'disbursements allocated FIFO to donations, beneficiary confirmation, refunds and reconciliation',
})
export class DonationTrackingContract extends Contract {
  constructor() {
    super('donation-tracking');
  }

  // ---------------------------------------------------------------- campaigns

  /**
   * Opens a campaign run by the caller's organisation (`organiserDid`, an organisation DID controlled
   * by the caller's MSP). `beneficiaryDidsJson`: JSON array of DIDs; `milestonesJson`: JSON array of
   * `{description, amountCents, evidenceRequired}` whose amounts add up to `goalCents`.
   */
  @Transaction()
  @Returns('Campaign')
  async CreateCampaign(
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
    return createCampaign(
      ctx,
      campaignId,
      organiserDid,
      title,
      goalCents,
      currency,
      deadline,
      beneficiaryDidsJson,
      milestonesJson,
    );
  }

  /**
   * Cancels an open campaign: the organiser, or the City's admin. Each named donation is refunded its
   * unspent remainder; anonymous remainders stay claimable with the receipt.
   */
  @Transaction()
  @Returns('CampaignSettlement')
  async CancelCampaign(ctx: Context, campaignId: string, reason: string): Promise<CampaignSettlement> {
    return cancelCampaign(ctx, campaignId, reason);
  }

  /**
   * Ends a campaign normally: after its deadline, or once every milestone is fully disbursed. Money
   * left over (e.g. donations beyond the goal) is refunded as on cancellation.
   */
  @Transaction()
  @Returns('CampaignSettlement')
  async CloseCampaign(ctx: Context, campaignId: string): Promise<CampaignSettlement> {
    return closeCampaign(ctx, campaignId);
  }

  @Transaction(false)
  @Returns('Campaign')
  async GetCampaign(ctx: Context, campaignId: string): Promise<Campaign> {
    return new DonationStore(ctx).requireCampaign(parseId('campaignId', campaignId));
  }

  @Transaction(false)
  @Returns('CampaignPage')
  async ListCampaigns(ctx: Context, pageSize: string, bookmark: string): Promise<CampaignPage> {
    return pageOfRecords<Campaign>(ctx, KEY.campaign, [], pageSize, bookmark);
  }

  /**
   * Proves donations = held + disbursed + refunded for a campaign by summing every record set
   * independently; also gives the derived status (`funded` once donations reach the goal).
   */
  @Transaction(false)
  @Returns('CampaignReconciliation')
  async ReconcileCampaign(ctx: Context, campaignId: string): Promise<CampaignReconciliation> {
    return reconcileCampaignOnLedger(ctx, campaignId);
  }

  @Transaction(false)
  @Returns('CampaignHistoryEntry[]')
  async GetCampaignHistory(ctx: Context, campaignId: string): Promise<CampaignHistoryEntry[]> {
    const id = parseId('campaignId', campaignId);
    return readHistory<Campaign>(ctx, new DonationStore(ctx).campaignKey(id));
  }

  // ---------------------------------------------------------------- donations

  /**
   * Records a donation in the campaign's currency. `donorDid` '' makes it anonymous, and then
   * `receiptHash` (SHA-256 hex of a secret the donor keeps) is required; it is optional for named
   * donations. A citizen gives under their own DID only: the one their certificate's `did` attribute
   * names, active and controlled by their own MSP; the organiser's operators record gifts received
   * off-chain, named or anonymous.
   */
  @Transaction()
  @Returns('Donation')
  async Donate(
    ctx: Context,
    campaignId: string,
    amountCents: string,
    currency: string,
    donorDid: string,
    receiptHash: string,
  ): Promise<Donation> {
    return donate(ctx, campaignId, amountCents, currency, donorDid, receiptHash);
  }

  /**
   * An anonymous donor's refund after the campaign was cancelled or closed: the receipt secret comes
   * in the transient map (`receiptSecret`) so it never enters a block; `payoutReference` says where
   * the organiser should send the money.
   */
  @Transaction()
  @Returns('DonationRefund')
  async ClaimAnonymousRefund(
    ctx: Context,
    campaignId: string,
    donationId: string,
    payoutReference: string,
  ): Promise<DonationRefund> {
    return claimAnonymousRefund(ctx, campaignId, donationId, payoutReference);
  }

  @Transaction(false)
  @Returns('Donation')
  async GetDonation(ctx: Context, campaignId: string, donationId: string): Promise<Donation> {
    return new DonationStore(ctx).requireDonation(
      parseId('campaignId', campaignId),
      parseId('donationId', donationId),
    );
  }

  @Transaction(false)
  @Returns('DonationPage')
  async ListDonations(
    ctx: Context,
    campaignId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<DonationPage> {
    const id = parseId('campaignId', campaignId);
    return pageOfRecords<Donation>(ctx, KEY.donation, [id], pageSize, bookmark);
  }

  /** The named donations of a donor DID, over all campaigns (anonymous ones are never indexed). */
  @Transaction(false)
  @Returns('DonationPage')
  async ListDonationsByDonor(
    ctx: Context,
    donorDid: string,
    pageSize: string,
    bookmark: string,
  ): Promise<DonationPage> {
    const donor = parseDid('donorDid', donorDid).did;
    const store = new DonationStore(ctx);
    return pageViaIndex<Donation>(ctx, KEY.donationByDonor, [donor], pageSize, bookmark, (a) =>
      store.donationKey(a[1], a[2]),
    );
  }

  /** Proves a donation with its receipt secret: the donation whose receipt hash is SHA-256(secret). */
  @Transaction(false)
  @Returns('ReceiptCheck')
  async VerifyDonationReceipt(ctx: Context, receiptSecret: string): Promise<ReceiptCheck> {
    return verifyDonationReceipt(ctx, receiptSecret);
  }

  /** What a donation paid for: its FIFO shares in disbursements (with confirmation state) and any refund. */
  @Transaction(false)
  @Returns('DonationTrace')
  async TraceDonation(ctx: Context, campaignId: string, donationId: string): Promise<DonationTrace> {
    return traceDonation(ctx, campaignId, donationId);
  }

  @Transaction(false)
  @Returns('DonationHistoryEntry[]')
  async GetDonationHistory(
    ctx: Context,
    campaignId: string,
    donationId: string,
  ): Promise<DonationHistoryEntry[]> {
    const id = parseId('campaignId', campaignId);
    const donationKeyId = parseId('donationId', donationId);
    return readHistory<Donation>(ctx, new DonationStore(ctx).donationKey(id, donationKeyId));
  }

  @Transaction(false)
  @Returns('DonationRefundPage')
  async ListRefunds(
    ctx: Context,
    campaignId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<DonationRefundPage> {
    const id = parseId('campaignId', campaignId);
    return pageOfRecords<DonationRefund>(ctx, KEY.refund, [id], pageSize, bookmark);
  }

  // ---------------------------------------------------------------- milestones

  /** The organiser submits evidence (SHA-256 hashes of documents kept off-chain) for a pending or rejected milestone. */
  @Transaction()
  @Returns('CampaignMilestone')
  async SubmitMilestoneEvidence(
    ctx: Context,
    campaignId: string,
    milestoneIndex: string,
    documentHashesJson: string,
    note: string,
  ): Promise<CampaignMilestone> {
    return submitMilestoneEvidence(ctx, campaignId, milestoneIndex, documentHashesJson, note);
  }

  /** The auditor (AuditorMSP 'auditor') or the City (CityMSP 'admin') approves submitted evidence. */
  @Transaction()
  @Returns('CampaignMilestone')
  async ApproveMilestone(
    ctx: Context,
    campaignId: string,
    milestoneIndex: string,
    reason: string,
  ): Promise<CampaignMilestone> {
    return decideMilestone(ctx, 'approved', campaignId, milestoneIndex, reason);
  }

  /** The auditor or the City rejects submitted evidence, with a reason; the organiser may submit again. */
  @Transaction()
  @Returns('CampaignMilestone')
  async RejectMilestone(
    ctx: Context,
    campaignId: string,
    milestoneIndex: string,
    reason: string,
  ): Promise<CampaignMilestone> {
    return decideMilestone(ctx, 'rejected', campaignId, milestoneIndex, reason);
  }

  @Transaction(false)
  @Returns('CampaignMilestone')
  async GetMilestone(ctx: Context, campaignId: string, milestoneIndex: string): Promise<CampaignMilestone> {
    const id = parseId('campaignId', campaignId);
    return new DonationStore(ctx).requireMilestone(id, parseMilestoneIndex(milestoneIndex));
  }

  /** All milestones of a campaign in order (at most 50, so no paging). */
  @Transaction(false)
  @Returns('CampaignMilestone[]')
  async ListMilestones(ctx: Context, campaignId: string): Promise<CampaignMilestone[]> {
    const id = parseId('campaignId', campaignId);
    const store = new DonationStore(ctx);
    await store.requireCampaign(id);
    return store.milestones(id);
  }

  @Transaction(false)
  @Returns('MilestoneHistoryEntry[]')
  async GetMilestoneHistory(
    ctx: Context,
    campaignId: string,
    milestoneIndex: string,
  ): Promise<MilestoneHistoryEntry[]> {
    const id = parseId('campaignId', campaignId);
    const index = parseMilestoneIndex(milestoneIndex);
    return readHistory<CampaignMilestone>(ctx, new DonationStore(ctx).milestoneKey(id, index));
  }

  // ---------------------------------------------------------------- disbursements

  /**
   * Pays (off-chain) part of an approved milestone to a beneficiary of the campaign, at most the
   * milestone's unpaid amount and the funds held; the amount is allocated FIFO to the donations.
   */
  @Transaction()
  @Returns('Disbursement')
  async Disburse(
    ctx: Context,
    campaignId: string,
    milestoneIndex: string,
    beneficiaryDid: string,
    amountCents: string,
    reference: string,
  ): Promise<Disbursement> {
    return disburse(ctx, campaignId, milestoneIndex, beneficiaryDid, amountCents, reference);
  }

  /**
   * The beneficiary confirms receipt: a user whose certificate carries `did=<beneficiaryDid>`, a DID
   * that is active and controlled by the user's own MSP.
   */
  @Transaction()
  @Returns('Disbursement')
  async ConfirmDisbursement(ctx: Context, campaignId: string, disbursementId: string): Promise<Disbursement> {
    return confirmDisbursement(ctx, campaignId, disbursementId);
  }

  @Transaction(false)
  @Returns('Disbursement')
  async GetDisbursement(ctx: Context, campaignId: string, disbursementId: string): Promise<Disbursement> {
    return new DonationStore(ctx).requireDisbursement(
      parseId('campaignId', campaignId),
      parseId('disbursementId', disbursementId),
    );
  }

  @Transaction(false)
  @Returns('DisbursementPage')
  async ListDisbursements(
    ctx: Context,
    campaignId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<DisbursementPage> {
    const id = parseId('campaignId', campaignId);
    return pageOfRecords<Disbursement>(ctx, KEY.disbursement, [id], pageSize, bookmark);
  }

  /** Disbursements whose receipt the beneficiary has not confirmed yet. */
  @Transaction(false)
  @Returns('DisbursementPage')
  async ListUnconfirmedDisbursements(
    ctx: Context,
    campaignId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<DisbursementPage> {
    const id = parseId('campaignId', campaignId);
    const store = new DonationStore(ctx);
    return pageViaIndex<Disbursement>(ctx, KEY.unconfirmed, [id], pageSize, bookmark, (a) =>
      store.disbursementKey(id, a[1]),
    );
  }

  /** Everything a beneficiary DID was paid, over all campaigns. */
  @Transaction(false)
  @Returns('DisbursementPage')
  async ListDisbursementsByBeneficiary(
    ctx: Context,
    beneficiaryDid: string,
    pageSize: string,
    bookmark: string,
  ): Promise<DisbursementPage> {
    const beneficiary = parseDid('beneficiaryDid', beneficiaryDid).did;
    const store = new DonationStore(ctx);
    return pageViaIndex<Disbursement>(
      ctx,
      KEY.disbursementByBeneficiary,
      [beneficiary],
      pageSize,
      bookmark,
      (a) => store.disbursementKey(a[1], a[2]),
    );
  }

  @Transaction(false)
  @Returns('DisbursementHistoryEntry[]')
  async GetDisbursementHistory(
    ctx: Context,
    campaignId: string,
    disbursementId: string,
  ): Promise<DisbursementHistoryEntry[]> {
    const id = parseId('campaignId', campaignId);
    const disbursementKeyId = parseId('disbursementId', disbursementId);
    return readHistory<Disbursement>(ctx, new DonationStore(ctx).disbursementKey(id, disbursementKeyId));
  }
}
