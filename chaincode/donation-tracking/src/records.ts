/**
 * Ledger records and query results of the donation-tracking contract. The `@Object` classes make the
 * contract metadata describe the API; their names are global in a chaincode process (the embedded
 * network loads every contract into one), hence names specific to this domain.
 *
 * All money is integer minor units ("cents") of the campaign's currency.
 */
import { Object as DataType, Property } from 'fabric-contract-api';

/** Stored lifecycle of a campaign. `funded` is derived on read (see `ReconcileCampaign`). */
export const CAMPAIGN_STATES = ['open', 'closed', 'cancelled'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];
/** What readers see: the stored state, with `open` shown as `funded` once donations reach the goal. */
export type CampaignStatus = CampaignState | 'funded';

export const MILESTONE_STATES = ['pending', 'submitted', 'approved', 'rejected'] as const;
export type MilestoneState = (typeof MILESTONE_STATES)[number];

export const DISBURSEMENT_STATES = ['unconfirmed', 'confirmed'] as const;
export type DisbursementState = (typeof DISBURSEMENT_STATES)[number];

@DataType()
export class Campaign {
  @Property() campaignId!: string;
  @Property() title!: string;
  /** Organisation DID of the non-profit running the campaign (controlled by `organiserMsp`). */
  @Property() organiserDid!: string;
  @Property() organiserMsp!: string;
  @Property() goalCents!: number;
  /** ISO 4217 code, e.g. EUR. */
  @Property() currency!: string;
  /** Donations are accepted while the transaction time is before the deadline. */
  @Property() deadline!: string;
  @Property('beneficiaryDids', 'string[]') beneficiaryDids!: string[];
  @Property() milestoneCount!: number;
  /** open, closed or cancelled (stored); see CampaignReconciliation.status for `funded`. */
  @Property() status!: string;
  @Property() created!: string;
  @Property() updated!: string;
  @Property() endedAt?: string;
  @Property() endReason?: string;
}

@DataType()
export class MilestoneEvidence {
  /** SHA-256 (hex) of each evidence document kept off-chain. */
  @Property('documentHashes', 'string[]') documentHashes!: string[];
  @Property() note?: string;
  @Property() submittedAt!: string;
}

@DataType()
export class MilestoneDecision {
  @Property() approved!: boolean;
  @Property() reason?: string;
  @Property() decidedAt!: string;
  @Property() decidedByMsp!: string;
  @Property() decidedByRole!: string;
}

@DataType()
export class CampaignMilestone {
  @Property() campaignId!: string;
  /** 1-based position in the campaign's milestone list. */
  @Property() milestoneIndex!: number;
  @Property() description!: string;
  @Property() amountCents!: number;
  /** What evidence the approver expects to see (free text). */
  @Property() evidenceRequired!: string;
  /** pending, submitted, approved or rejected. */
  @Property() status!: string;
  @Property('evidence', 'MilestoneEvidence') evidence?: MilestoneEvidence;
  @Property('decision', 'MilestoneDecision') decision?: MilestoneDecision;
  /** Sum of the disbursements made for this milestone (never above amountCents). */
  @Property() disbursedCents!: number;
}

@DataType()
export class Donation {
  @Property() campaignId!: string;
  /** The id of the transaction that recorded the donation. */
  @Property() donationId!: string;
  @Property() anonymous!: boolean;
  /** Absent for anonymous donations. */
  @Property() donorDid?: string;
  /** SHA-256 (hex) of the donor's receipt secret; required for anonymous donations. */
  @Property() receiptHash?: string;
  @Property() amountCents!: number;
  @Property() currency!: string;
  /** Transaction time; the FIFO order of allocation. */
  @Property() donatedAt!: string;
  /** MSP of the identity that recorded it (a citizen giving, or the organiser recording an offline gift). */
  @Property() recordedByMsp!: string;
  /** Part of the amount allocated to disbursements. */
  @Property() allocatedCents!: number;
  /** Part of the amount refunded (to the named donor, or to the holder of the receipt). */
  @Property() refundedCents!: number;
}

@DataType()
export class AllocationShare {
  @Property() donationId!: string;
  @Property() amountCents!: number;
}

@DataType()
export class Disbursement {
  @Property() campaignId!: string;
  /** The id of the transaction that made the disbursement. */
  @Property() disbursementId!: string;
  @Property() milestoneIndex!: number;
  @Property() beneficiaryDid!: string;
  @Property() amountCents!: number;
  @Property() currency!: string;
  /** Payment reference of the off-chain transfer (may be empty). */
  @Property() reference!: string;
  @Property() disbursedAt!: string;
  /** unconfirmed until the beneficiary confirms receipt, then confirmed. */
  @Property() status!: string;
  @Property() confirmedAt?: string;
  /** The donations that fund it, oldest first (FIFO); amounts add up to amountCents. */
  @Property('allocations', 'AllocationShare[]') allocations!: AllocationShare[];
}

/** One donation's share in one disbursement (key: campaign, donation, disbursement). */
@DataType()
export class DonationAllocation {
  @Property() campaignId!: string;
  @Property() donationId!: string;
  @Property() disbursementId!: string;
  @Property() milestoneIndex!: number;
  @Property() beneficiaryDid!: string;
  @Property() amountCents!: number;
  @Property() allocatedAt!: string;
}

@DataType()
export class DonationRefund {
  @Property() campaignId!: string;
  @Property() donationId!: string;
  /** named (paid to donorDid when the campaign ended) or receipt-claim (an anonymous donor's claim). */
  @Property() kind!: string;
  @Property() donorDid?: string;
  @Property() amountCents!: number;
  @Property() currency!: string;
  @Property() refundedAt!: string;
  /** Where the off-chain refund goes, given by an anonymous claimant (may be empty). */
  @Property() payoutReference?: string;
}

@DataType()
export class AllocationTraceEntry {
  @Property() disbursementId!: string;
  @Property() milestoneIndex!: number;
  @Property() milestoneDescription!: string;
  @Property() beneficiaryDid!: string;
  @Property() amountCents!: number;
  @Property() allocatedAt!: string;
  /** unconfirmed or confirmed: whether the beneficiary has confirmed receiving the disbursement. */
  @Property() disbursementStatus!: string;
}

/** "What did my donation pay for": amountCents = allocatedCents + refundedCents + unspentCents. */
@DataType()
export class DonationTrace {
  @Property('donation', 'Donation') donation!: Donation;
  @Property('allocations', 'AllocationTraceEntry[]') allocations!: AllocationTraceEntry[];
  @Property('refund', 'DonationRefund') refund?: DonationRefund;
  @Property() allocatedCents!: number;
  @Property() refundedCents!: number;
  /** Still held by the campaign (claimable by the receipt holder once an anonymous donation's campaign ended). */
  @Property() unspentCents!: number;
}

@DataType()
export class ReceiptCheck {
  @Property() matches!: boolean;
  @Property() receiptHash!: string;
  @Property('donation', 'Donation') donation?: Donation;
}

/** Proof that donations = held + disbursed + refunded, each side summed from its own records. */
@DataType()
export class CampaignReconciliation {
  @Property() campaignId!: string;
  @Property() currency!: string;
  /** open, funded (open and donations >= goal), closed or cancelled. */
  @Property() status!: string;
  @Property() acceptingDonations!: boolean;
  @Property() goalCents!: number;
  @Property() donationCount!: number;
  @Property() donatedCents!: number;
  /** Sum of the disbursement records. */
  @Property() disbursedCents!: number;
  @Property() confirmedCents!: number;
  @Property() unconfirmedCents!: number;
  /** Sum of the refund records. */
  @Property() refundedCents!: number;
  /** donatedCents - disbursedCents - refundedCents. */
  @Property() heldCents!: number;
  /** Held funds that only the holders of anonymous receipts can claim (campaign ended). */
  @Property() claimableCents!: number;
  /** Sums kept on the donation records, which must agree with the sums above. */
  @Property() allocatedOnDonationsCents!: number;
  @Property() refundedOnDonationsCents!: number;
  @Property() unspentOnDonationsCents!: number;
  /** Sum of the per-donation allocation records. */
  @Property() allocationRecordsCents!: number;
  /** True when every identity holds; `problems` names any that does not. */
  @Property() balanced!: boolean;
  @Property('problems', 'string[]') problems!: string[];
}

@DataType()
export class CampaignPage {
  @Property('records', 'Campaign[]') records!: Campaign[];
  @Property() bookmark!: string;
  @Property() fetchedRecordsCount!: number;
}

@DataType()
export class DonationPage {
  @Property('records', 'Donation[]') records!: Donation[];
  @Property() bookmark!: string;
  @Property() fetchedRecordsCount!: number;
}

@DataType()
export class DisbursementPage {
  @Property('records', 'Disbursement[]') records!: Disbursement[];
  @Property() bookmark!: string;
  @Property() fetchedRecordsCount!: number;
}

@DataType()
export class DonationRefundPage {
  @Property('records', 'DonationRefund[]') records!: DonationRefund[];
  @Property() bookmark!: string;
  @Property() fetchedRecordsCount!: number;
}

@DataType()
export class CampaignHistoryEntry {
  @Property() txId!: string;
  @Property() timestamp!: string;
  @Property() isDelete!: boolean;
  @Property('value', 'Campaign') value?: Campaign | null;
}

@DataType()
export class MilestoneHistoryEntry {
  @Property() txId!: string;
  @Property() timestamp!: string;
  @Property() isDelete!: boolean;
  @Property('value', 'CampaignMilestone') value?: CampaignMilestone | null;
}

@DataType()
export class DonationHistoryEntry {
  @Property() txId!: string;
  @Property() timestamp!: string;
  @Property() isDelete!: boolean;
  @Property('value', 'Donation') value?: Donation | null;
}

@DataType()
export class DisbursementHistoryEntry {
  @Property() txId!: string;
  @Property() timestamp!: string;
  @Property() isDelete!: boolean;
  @Property('value', 'Disbursement') value?: Disbursement | null;
}

/** Result of cancelling or closing a campaign: what was refunded and what waits for a receipt. */
@DataType()
export class CampaignSettlement {
  @Property('campaign', 'Campaign') campaign!: Campaign;
  @Property('refunds', 'DonationRefund[]') refunds!: DonationRefund[];
  /** Unspent anonymous donations, refunded only to whoever presents the receipt secret. */
  @Property('claimable', 'AllocationShare[]') claimable!: AllocationShare[];
  @Property() refundedCents!: number;
  @Property() claimableCents!: number;
}
