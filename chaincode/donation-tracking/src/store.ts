/**
 * Keys and record access of donation-tracking. One key per record, and no key that every donation
 * updates: a donation writes only its own keys, so concurrent donations never conflict (MVCC).
 *
 * | object type                 | attributes                                   | value            |
 * |-----------------------------|----------------------------------------------|------------------|
 * | campaign                    | campaignId                                   | Campaign         |
 * | milestone                   | campaignId, index (3 digits)                 | CampaignMilestone|
 * | donation                    | campaignId, donationId                       | Donation         |
 * | donation~fifo               | campaignId, donatedAt, donationId            | index (unspent)  |
 * | donation~donor              | donorDid, campaignId, donationId             | index            |
 * | receipt                     | receiptHash                                  | {campaignId, donationId} |
 * | disbursement                | campaignId, disbursementId                   | Disbursement     |
 * | disbursement~unconfirmed    | campaignId, disbursementId                   | index            |
 * | disbursement~beneficiary    | beneficiaryDid, campaignId, disbursementId   | index            |
 * | allocation                  | campaignId, donationId, disbursementId       | DonationAllocation |
 * | refund                      | campaignId, donationId                       | DonationRefund   |
 */
import { compositeKey, decodeJson, getJson, queryAll, requireJson } from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import type {
  Campaign,
  CampaignMilestone,
  Disbursement,
  Donation,
  DonationAllocation,
  DonationRefund,
} from './records';

export const KEY = {
  campaign: 'campaign',
  milestone: 'milestone',
  donation: 'donation',
  donationFifo: 'donation~fifo',
  donationByDonor: 'donation~donor',
  receipt: 'receipt',
  disbursement: 'disbursement',
  unconfirmed: 'disbursement~unconfirmed',
  disbursementByBeneficiary: 'disbursement~beneficiary',
  allocation: 'allocation',
  refund: 'refund',
} as const;

/** Most records of one kind a single query or transaction reads for one campaign. */
export const MAX_RECORDS_PER_CAMPAIGN = 10_000;

export interface ReceiptLocation {
  campaignId: string;
  donationId: string;
}

export function milestoneAttribute(index: number): string {
  // Zero-padded so that the key order is the milestone order.
  return String(index).padStart(3, '0');
}

export class DonationStore {
  constructor(private readonly ctx: Context) {}

  campaignKey(campaignId: string): string {
    return compositeKey(this.ctx, KEY.campaign, [campaignId]);
  }

  milestoneKey(campaignId: string, index: number): string {
    return compositeKey(this.ctx, KEY.milestone, [campaignId, milestoneAttribute(index)]);
  }

  donationKey(campaignId: string, donationId: string): string {
    return compositeKey(this.ctx, KEY.donation, [campaignId, donationId]);
  }

  fifoKey(donation: Donation): string {
    return compositeKey(this.ctx, KEY.donationFifo, [
      donation.campaignId,
      donation.donatedAt,
      donation.donationId,
    ]);
  }

  donorIndexKey(donorDid: string, campaignId: string, donationId: string): string {
    return compositeKey(this.ctx, KEY.donationByDonor, [donorDid, campaignId, donationId]);
  }

  receiptKey(receiptHash: string): string {
    return compositeKey(this.ctx, KEY.receipt, [receiptHash]);
  }

  disbursementKey(campaignId: string, disbursementId: string): string {
    return compositeKey(this.ctx, KEY.disbursement, [campaignId, disbursementId]);
  }

  unconfirmedKey(campaignId: string, disbursementId: string): string {
    return compositeKey(this.ctx, KEY.unconfirmed, [campaignId, disbursementId]);
  }

  beneficiaryIndexKey(beneficiaryDid: string, campaignId: string, disbursementId: string): string {
    return compositeKey(this.ctx, KEY.disbursementByBeneficiary, [
      beneficiaryDid,
      campaignId,
      disbursementId,
    ]);
  }

  allocationKey(campaignId: string, donationId: string, disbursementId: string): string {
    return compositeKey(this.ctx, KEY.allocation, [campaignId, donationId, disbursementId]);
  }

  refundKey(campaignId: string, donationId: string): string {
    return compositeKey(this.ctx, KEY.refund, [campaignId, donationId]);
  }

  requireCampaign(campaignId: string): Promise<Campaign> {
    return requireJson<Campaign>(this.ctx, this.campaignKey(campaignId), `campaign ${campaignId}`);
  }

  requireMilestone(campaignId: string, index: number): Promise<CampaignMilestone> {
    return requireJson<CampaignMilestone>(
      this.ctx,
      this.milestoneKey(campaignId, index),
      `milestone ${index} of campaign ${campaignId}`,
    );
  }

  requireDonation(campaignId: string, donationId: string): Promise<Donation> {
    return requireJson<Donation>(
      this.ctx,
      this.donationKey(campaignId, donationId),
      `donation ${donationId} of campaign ${campaignId}`,
    );
  }

  requireDisbursement(campaignId: string, disbursementId: string): Promise<Disbursement> {
    return requireJson<Disbursement>(
      this.ctx,
      this.disbursementKey(campaignId, disbursementId),
      `disbursement ${disbursementId} of campaign ${campaignId}`,
    );
  }

  getRefund(campaignId: string, donationId: string): Promise<DonationRefund | undefined> {
    return getJson<DonationRefund>(this.ctx, this.refundKey(campaignId, donationId));
  }

  getReceipt(receiptHash: string): Promise<ReceiptLocation | undefined> {
    return getJson<ReceiptLocation>(this.ctx, this.receiptKey(receiptHash));
  }

  async milestones(campaignId: string): Promise<CampaignMilestone[]> {
    return this.all<CampaignMilestone>(KEY.milestone, [campaignId]);
  }

  async donations(campaignId: string): Promise<Donation[]> {
    return this.all<Donation>(KEY.donation, [campaignId]);
  }

  async disbursements(campaignId: string): Promise<Disbursement[]> {
    return this.all<Disbursement>(KEY.disbursement, [campaignId]);
  }

  async allocations(campaignId: string, donationId?: string): Promise<DonationAllocation[]> {
    return this.all<DonationAllocation>(
      KEY.allocation,
      donationId === undefined ? [campaignId] : [campaignId, donationId],
    );
  }

  async refunds(campaignId: string): Promise<DonationRefund[]> {
    return this.all<DonationRefund>(KEY.refund, [campaignId]);
  }

  /**
   * The donations of a campaign that still have unspent money, oldest first (key order), read one by
   * one until `enough` says stop. The range stays in the read set: a donation committed meanwhile
   * invalidates the caller (phantom read). Stopping early narrows that range only beyond the peer's
   * batch of 100 results, which the peer records whole (docs/contracts/donation-tracking.md).
   */
  async unspentDonationsInFifoOrder(
    campaignId: string,
    enough: (readSoFar: readonly Donation[]) => boolean = () => false,
  ): Promise<Donation[]> {
    const iterator = (await this.ctx.stub.getStateByPartialCompositeKey(KEY.donationFifo, [
      campaignId,
    ])) as unknown as StateIterator;
    const donations: Donation[] = [];
    try {
      for (;;) {
        const result = await iterator.next();
        if (result.value) {
          const [, , donationId] = this.ctx.stub.splitCompositeKey(result.value.key).attributes;
          donations.push(await this.requireDonation(campaignId, donationId));
          if (donations.length > MAX_RECORDS_PER_CAMPAIGN) {
            throw new Error(
              `more than ${MAX_RECORDS_PER_CAMPAIGN} unspent donations in campaign ${campaignId}`,
            );
          }
          if (enough(donations)) {
            break;
          }
        }
        if (result.done) {
          break;
        }
      }
    } finally {
      await iterator.close();
    }
    return donations;
  }

  private async all<T>(objectType: string, attributes: string[]): Promise<T[]> {
    const entries = await queryAll(this.ctx, objectType, attributes, MAX_RECORDS_PER_CAMPAIGN);
    return entries.map((entry) => decodeJson<T>(entry.value));
  }
}

interface StateIterator {
  next(): Promise<{ value?: { key: string; value: Uint8Array }; done?: boolean }>;
  close(): Promise<void>;
}
