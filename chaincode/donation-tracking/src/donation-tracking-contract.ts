import {
  AccessDeniedError,
  callerMatches,
  callerOf,
  ConflictError,
  describeCaller,
  emitEvent,
  InvalidArgumentError,
  keyExists,
  pageOfRecords,
  pageViaIndex,
  parseArray,
  parseDid,
  parseId,
  parseInteger,
  parseIsoTimestamp,
  parseOptionalString,
  parseSha256Hex,
  parseString,
  putIndex,
  putJson,
  readHistory,
  requireActiveDid,
  requireCaller,
  requireControlledCallerDid,
  requireMsp,
  txTimeIso,
  type Caller,
} from '@cityledger/chaincode-common';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { MAX_MILESTONES, parseBeneficiaries, parseMilestones } from './campaign-arguments';
import { allocateFifo } from './fifo-allocation';
import { parseCents, parseCurrency, sumCents } from './money';
import { CANCELLERS, DONORS, MILESTONE_APPROVERS, ORGANISERS } from './policy';
import { reconcileCampaign, unspentOf } from './reconciliation';
import { parseReceiptSecret, receiptHashOf } from './receipt';
import {
  AllocationTraceEntry,
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
  DonationAllocation,
  DonationHistoryEntry,
  DonationPage,
  DonationRefund,
  DonationRefundPage,
  DonationTrace,
  MilestoneHistoryEntry,
  ReceiptCheck,
  type CampaignState,
} from './records';
import { planRefunds } from './refund-plan';
import { DonationStore, KEY } from './store';

/** Transient map key carrying an anonymous donor's receipt secret, so it never enters a block. */
export const RECEIPT_SECRET_TRANSIENT_KEY = 'receiptSecret';

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

  /**
   * Cancels an open campaign: the organiser, or the City's admin. Each named donation is refunded its
   * unspent remainder; anonymous remainders stay claimable with the receipt.
   */
  @Transaction()
  @Returns('CampaignSettlement')
  async CancelCampaign(ctx: Context, campaignId: string, reason: string): Promise<CampaignSettlement> {
    const caller = requireCaller(ctx, CANCELLERS, 'cancel a campaign');
    const id = parseId('campaignId', campaignId);
    const why = parseString('reason', reason, { maxLength: 500 });
    const store = new DonationStore(ctx);
    const campaign = await store.requireCampaign(id);
    if (callerMatches(caller, ORGANISERS)) {
      requireMsp(caller, campaign.organiserMsp, `cancel campaign ${id}`);
    }
    this.requireOpen(campaign, 'cancelled');
    return this.settle(ctx, store, campaign, 'cancelled', why);
  }

  /**
   * Ends a campaign normally: after its deadline, or once every milestone is fully disbursed. Money
   * left over (e.g. donations beyond the goal) is refunded as on cancellation.
   */
  @Transaction()
  @Returns('CampaignSettlement')
  async CloseCampaign(ctx: Context, campaignId: string): Promise<CampaignSettlement> {
    const caller = requireCaller(ctx, ORGANISERS, 'close a campaign');
    const id = parseId('campaignId', campaignId);
    const store = new DonationStore(ctx);
    const campaign = await store.requireCampaign(id);
    requireMsp(caller, campaign.organiserMsp, `close campaign ${id}`);
    this.requireOpen(campaign, 'closed');
    const now = txTimeIso(ctx);
    if (now < campaign.deadline) {
      const unpaid = (await store.milestones(id)).filter((m) => m.disbursedCents < m.amountCents);
      if (unpaid.length > 0) {
        throw new ConflictError(
          `campaign ${id} runs until ${campaign.deadline} and milestone(s) ${unpaid.map((m) => m.milestoneIndex).join(', ')} are not fully disbursed; cancel it instead`,
        );
      }
    }
    return this.settle(ctx, store, campaign, 'closed', 'closed by the organiser');
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
      await this.requireCallerActsFor(ctx, caller, donor, `donate in the name of ${donor}`);
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
    await this.recordRefund(ctx, store, donation, refund);
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

  /** What a donation paid for: its FIFO shares in disbursements (with confirmation state) and any refund. */
  @Transaction(false)
  @Returns('DonationTrace')
  async TraceDonation(ctx: Context, campaignId: string, donationId: string): Promise<DonationTrace> {
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
    const caller = requireCaller(ctx, ORGANISERS, 'submit milestone evidence');
    const id = parseId('campaignId', campaignId);
    const index = this.parseMilestoneIndex(milestoneIndex);
    const documentHashes = parseArray('documentHashesJson', documentHashesJson, parseSha256Hex, {
      minItems: 1,
      maxItems: 50,
      unique: true,
    });
    const remark = parseOptionalString('note', note, { maxLength: 1000 });
    const store = new DonationStore(ctx);
    const campaign = await store.requireCampaign(id);
    requireMsp(caller, campaign.organiserMsp, `submit evidence for campaign ${id}`);
    this.requireOpen(campaign, 'given evidence');
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

  /** The auditor (AuditorMSP 'auditor') or the City (CityMSP 'admin') approves submitted evidence. */
  @Transaction()
  @Returns('CampaignMilestone')
  async ApproveMilestone(
    ctx: Context,
    campaignId: string,
    milestoneIndex: string,
    reason: string,
  ): Promise<CampaignMilestone> {
    const caller = requireCaller(ctx, MILESTONE_APPROVERS, 'approve a milestone');
    const id = parseId('campaignId', campaignId);
    const index = this.parseMilestoneIndex(milestoneIndex);
    const why = parseOptionalString('reason', reason, { maxLength: 1000 });
    return this.decideMilestone(ctx, caller, id, index, true, why);
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
    const caller = requireCaller(ctx, MILESTONE_APPROVERS, 'reject a milestone');
    const id = parseId('campaignId', campaignId);
    const index = this.parseMilestoneIndex(milestoneIndex);
    const why = parseString('reason', reason, { maxLength: 1000 });
    return this.decideMilestone(ctx, caller, id, index, false, why);
  }

  @Transaction(false)
  @Returns('CampaignMilestone')
  async GetMilestone(ctx: Context, campaignId: string, milestoneIndex: string): Promise<CampaignMilestone> {
    const id = parseId('campaignId', campaignId);
    return new DonationStore(ctx).requireMilestone(id, this.parseMilestoneIndex(milestoneIndex));
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
    const index = this.parseMilestoneIndex(milestoneIndex);
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
    const caller = requireCaller(ctx, ORGANISERS, 'disburse funds');
    const id = parseId('campaignId', campaignId);
    const index = this.parseMilestoneIndex(milestoneIndex);
    const beneficiary = parseDid('beneficiaryDid', beneficiaryDid).did;
    const amount = parseCents('amountCents', amountCents);
    const paymentReference = parseOptionalString('reference', reference, { maxLength: 200 }) ?? '';

    const store = new DonationStore(ctx);
    const campaign = await store.requireCampaign(id);
    requireMsp(caller, campaign.organiserMsp, `disburse funds of campaign ${id}`);
    this.requireOpen(campaign, 'disbursed from');
    if (!campaign.beneficiaryDids.includes(beneficiary)) {
      throw new InvalidArgumentError(
        'beneficiaryDid',
        `${beneficiary} is not a beneficiary of campaign ${id}`,
      );
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

  /**
   * The beneficiary confirms receipt: a user whose certificate carries `did=<beneficiaryDid>`, a DID
   * that is active and controlled by the user's own MSP.
   */
  @Transaction()
  @Returns('Disbursement')
  async ConfirmDisbursement(ctx: Context, campaignId: string, disbursementId: string): Promise<Disbursement> {
    const caller = callerOf(ctx);
    const id = parseId('campaignId', campaignId);
    const disbursementKeyId = parseId('disbursementId', disbursementId);
    const store = new DonationStore(ctx);
    const disbursement = await store.requireDisbursement(id, disbursementKeyId);
    await this.requireCallerActsFor(
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

  // ---------------------------------------------------------------- internals

  /**
   * `ACCESS_DENIED` unless the caller acts for `did`: their certificate's `did` attribute names it,
   * and the identity chaincode knows it as active and controlled by the caller's own MSP. The
   * attribute alone is not enough, since any organisation's CA can write any DID into a certificate.
   */
  private async requireCallerActsFor(
    ctx: Context,
    caller: Caller,
    did: string,
    action: string,
  ): Promise<void> {
    const actingFor = await requireControlledCallerDid(ctx, action);
    if (actingFor !== did) {
      throw new AccessDeniedError(
        `${describeCaller(caller)} acting for ${actingFor} may not ${action}; only a user acting for ${did}`,
      );
    }
  }

  private parseMilestoneIndex(value: string): number {
    return parseInteger('milestoneIndex', value, { min: 1, max: MAX_MILESTONES });
  }

  private requireOpen(campaign: Campaign, action: string): void {
    if (campaign.status !== 'open') {
      throw new ConflictError(
        `campaign ${campaign.campaignId} is ${campaign.status} and cannot be ${action}`,
      );
    }
  }

  private async decideMilestone(
    ctx: Context,
    caller: Caller,
    campaignId: string,
    index: number,
    approved: boolean,
    reason: string | undefined,
  ): Promise<CampaignMilestone> {
    const store = new DonationStore(ctx);
    const campaign = await store.requireCampaign(campaignId);
    this.requireOpen(campaign, approved ? 'approved' : 'rejected');
    const milestone = await store.requireMilestone(campaignId, index);
    if (milestone.status !== 'submitted') {
      throw new ConflictError(
        `milestone ${index} of campaign ${campaignId} is ${milestone.status}; only submitted evidence can be decided`,
      );
    }
    const now = txTimeIso(ctx);
    const updated: CampaignMilestone = {
      ...milestone,
      status: approved ? 'approved' : 'rejected',
      decision: {
        approved,
        reason,
        decidedAt: now,
        decidedByMsp: caller.mspId,
        decidedByRole: caller.role ?? '',
      },
    };
    await putJson(ctx, store.milestoneKey(campaignId, index), updated);
    emitEvent(ctx, approved ? 'MilestoneApproved' : 'MilestoneRejected', {
      campaignId,
      milestoneIndex: index,
      decidedByMsp: caller.mspId,
      decidedByRole: caller.role ?? '',
      reason,
      documentHashes: milestone.evidence?.documentHashes ?? [],
      decidedAt: now,
    });
    return updated;
  }

  /**
   * Writes a refund of a donation's whole unspent remainder: the refund record, the donation's
   * refunded total, and the donation leaves the FIFO index so no disbursement draws on it again.
   */
  private async recordRefund(
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

  /** Ends the campaign and refunds what is left (see refund-plan.ts). */
  private async settle(
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
      await this.recordRefund(ctx, store, donation, refund);
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
}
