/**
 * Reconciliation of one campaign: donations = held + disbursed + refunded.
 *
 * Held money is not stored anywhere (a balance updated by every donation would be a hot key), so the
 * identity is checked by summing independent record sets and comparing: the donation records (which
 * carry what was allocated and refunded from each), the disbursement records, the per-donation
 * allocation records and the refund records. A bug or a tampered write on one side shows up as a
 * named problem instead of silently moving the total.
 */
import type {
  Campaign,
  CampaignReconciliation,
  Disbursement,
  Donation,
  DonationAllocation,
  DonationRefund,
} from './records';
import { sumCents } from './money';

export interface ReconciliationInput {
  campaign: Campaign;
  donations: readonly Donation[];
  disbursements: readonly Disbursement[];
  allocations: readonly DonationAllocation[];
  refunds: readonly DonationRefund[];
  /** Transaction time of the query, to say whether donations are still accepted. */
  now: string;
}

export function unspentOf(donation: Donation): number {
  return donation.amountCents - donation.allocatedCents - donation.refundedCents;
}

export function acceptsDonations(campaign: Campaign, now: string): boolean {
  return campaign.status === 'open' && now < campaign.deadline;
}

export function reconcileCampaign(input: ReconciliationInput): CampaignReconciliation {
  const { campaign, donations, disbursements, allocations, refunds } = input;
  const donatedCents = sumCents(donations.map((d) => d.amountCents));
  const disbursedCents = sumCents(disbursements.map((d) => d.amountCents));
  const confirmedCents = sumCents(
    disbursements.filter((d) => d.status === 'confirmed').map((d) => d.amountCents),
  );
  const refundedCents = sumCents(refunds.map((r) => r.amountCents));
  const heldCents = donatedCents - disbursedCents - refundedCents;
  const allocatedOnDonationsCents = sumCents(donations.map((d) => d.allocatedCents));
  const refundedOnDonationsCents = sumCents(donations.map((d) => d.refundedCents));
  const unspentOnDonationsCents = sumCents(donations.map(unspentOf));
  const allocationRecordsCents = sumCents(allocations.map((a) => a.amountCents));
  const ended = campaign.status === 'cancelled' || campaign.status === 'closed';
  const claimableCents = ended ? sumCents(donations.filter((d) => d.anonymous).map(unspentOf)) : 0;

  const problems: string[] = [];
  const expect = (holds: boolean, problem: string) => {
    if (!holds) problems.push(problem);
  };
  expect(heldCents >= 0, `held ${heldCents} is negative`);
  expect(
    heldCents === unspentOnDonationsCents,
    `held ${heldCents} differs from the unspent sum of the donations ${unspentOnDonationsCents}`,
  );
  expect(
    disbursedCents === allocatedOnDonationsCents,
    `disbursed ${disbursedCents} differs from the allocated sum of the donations ${allocatedOnDonationsCents}`,
  );
  expect(
    disbursedCents === allocationRecordsCents,
    `disbursed ${disbursedCents} differs from the allocation records ${allocationRecordsCents}`,
  );
  expect(
    refundedCents === refundedOnDonationsCents,
    `refunded ${refundedCents} differs from the refunded sum of the donations ${refundedOnDonationsCents}`,
  );
  for (const donation of donations) {
    expect(unspentOf(donation) >= 0, `donation ${donation.donationId} has spent more than it gave`);
  }
  for (const disbursement of disbursements) {
    const funded = sumCents(disbursement.allocations.map((a) => a.amountCents));
    expect(
      funded === disbursement.amountCents,
      `disbursement ${disbursement.disbursementId} of ${disbursement.amountCents} is funded by ${funded}`,
    );
  }

  const status =
    campaign.status === 'open' && donatedCents >= campaign.goalCents ? 'funded' : campaign.status;
  return {
    campaignId: campaign.campaignId,
    currency: campaign.currency,
    status,
    acceptingDonations: acceptsDonations(campaign, input.now),
    goalCents: campaign.goalCents,
    donationCount: donations.length,
    donatedCents,
    disbursedCents,
    confirmedCents,
    unconfirmedCents: disbursedCents - confirmedCents,
    refundedCents,
    heldCents,
    claimableCents,
    allocatedOnDonationsCents,
    refundedOnDonationsCents,
    unspentOnDonationsCents,
    allocationRecordsCents,
    balanced: problems.length === 0,
    problems,
  };
}
