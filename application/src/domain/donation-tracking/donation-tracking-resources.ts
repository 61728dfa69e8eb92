import { RECEIPT_SECRET_TRANSIENT_KEY } from '@cityledger/chaincode-donation-tracking';
import { z } from 'zod';
import { channelName, channelParams } from '../../chaincode-api/chaincode-call-schemas';
import { did } from '../identity/identity-schemas';
import { type DomainModule, pageArgs, pageQuery } from '../ledger-resource';
import {
  approvalBody,
  campaignParams,
  createCampaignBody,
  disburseBody,
  disbursementParams,
  donateBody,
  donationParams,
  evidenceBody,
  milestoneParams,
  reasonBody,
  receiptVerificationBody,
  refundClaimBody,
} from './donation-tracking-schemas';

const ORGANISER = 'CommunityMSP `admin` or `operator` of the organising MSP.';
const APPROVER = 'AuditorMSP `auditor` or CityMSP `admin`.';
const campaign = '/channels/{channel}/campaigns/{campaignId}';

/** Campaigns, donations, milestones, disbursements, refunds, traces and reconciliation. */
export const donationTrackingResources: DomainModule = {
  chaincode: 'donation-tracking',
  tag: 'Donations',
  register(resources) {
    resources.add({
      method: 'post',
      path: '/channels/{channel}/campaigns',
      summary: 'Open a donation campaign with its goal, beneficiaries and milestones',
      description: ORGANISER,
      params: channelParams,
      body: createCampaignBody,
      mode: 'submit',
      status: 201,
      call: ({ body }) => ({
        function: 'CreateCampaign',
        args: [
          body.campaignId,
          body.organiserDid,
          body.title,
          String(body.goalCents),
          body.currency,
          body.deadline,
          JSON.stringify(body.beneficiaryDids),
          JSON.stringify(body.milestones),
        ],
      }),
      location: (_record, { params, body }) => `/channels/${params.channel}/campaigns/${body.campaignId}`,
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/campaigns',
      summary: 'Campaigns, paginated',
      params: channelParams,
      query: pageQuery,
      mode: 'evaluate',
      call: ({ query }) => ({ function: 'ListCampaigns', args: pageArgs(query) }),
    });

    const campaignReads = [
      ['', 'GetCampaign', 'A campaign'],
      ['/history', 'GetCampaignHistory', 'Every version of a campaign, newest first'],
      ['/reconciliation', 'ReconcileCampaign', 'Proof that donations = held + disbursed + refunded'],
      ['/milestones', 'ListMilestones', 'The campaign’s milestones in order'],
    ] as const;
    for (const [suffix, fn, summary] of campaignReads) {
      resources.add({
        method: 'get',
        path: `${campaign}${suffix}`,
        summary,
        params: campaignParams,
        mode: 'evaluate',
        call: ({ params }) => ({ function: fn, args: [params.campaignId] }),
      });
    }

    const campaignLists = [
      ['/donations', 'ListDonations', 'Donations to a campaign'],
      ['/refunds', 'ListRefunds', 'Refunds of a campaign'],
    ] as const;
    for (const [suffix, fn, summary] of campaignLists) {
      resources.add({
        method: 'get',
        path: `${campaign}${suffix}`,
        summary: `${summary}, paginated`,
        params: campaignParams,
        query: pageQuery,
        mode: 'evaluate',
        call: ({ params, query }) => ({ function: fn, args: [params.campaignId, ...pageArgs(query)] }),
      });
    }

    resources.add({
      method: 'post',
      path: `${campaign}/cancellation`,
      summary: 'Cancel a campaign: named donors are refunded, anonymous remainders become claimable',
      description: 'The organiser, or CityMSP `admin`.',
      params: campaignParams,
      body: reasonBody,
      mode: 'submit',
      call: ({ params, body }) => ({ function: 'CancelCampaign', args: [params.campaignId, body.reason] }),
    });

    resources.add({
      method: 'post',
      path: `${campaign}/close`,
      summary: 'Close a campaign after its deadline (or when fully disbursed); what is left is refunded',
      description: ORGANISER,
      params: campaignParams,
      mode: 'submit',
      call: ({ params }) => ({ function: 'CloseCampaign', args: [params.campaignId] }),
    });

    resources.add({
      method: 'post',
      path: `${campaign}/donations`,
      summary: 'Donate, named or anonymously with a receipt',
      description:
        'A `citizen` giving as the `did` of their token, or the organiser recording a gift received off-chain.',
      params: campaignParams,
      body: donateBody,
      mode: 'submit',
      status: 201,
      call: ({ params, body }) => ({
        function: 'Donate',
        args: [
          params.campaignId,
          String(body.amountCents),
          body.currency,
          body.donorDid ?? '',
          body.receiptHash ?? '',
        ],
      }),
      location: (record, { params }) =>
        `/channels/${params.channel}/campaigns/${params.campaignId}/donations/${(record as { donationId: string }).donationId}`,
    });

    const donationReads = [
      ['', 'GetDonation', 'A donation with what of it was allocated and refunded'],
      ['/trace', 'TraceDonation', 'What a donation paid for: its disbursements, refunds and remainder'],
      ['/history', 'GetDonationHistory', 'Each allocation and refund of a donation as it happened'],
    ] as const;
    for (const [suffix, fn, summary] of donationReads) {
      resources.add({
        method: 'get',
        path: `${campaign}/donations/{donationId}${suffix}`,
        summary,
        params: donationParams,
        mode: 'evaluate',
        call: ({ params }) => ({ function: fn, args: [params.campaignId, params.donationId] }),
      });
    }

    resources.add({
      method: 'post',
      path: `${campaign}/donations/{donationId}/refund-claims`,
      summary: 'Claim the refund of an anonymous donation with its receipt secret',
      description:
        'A `citizen`, or the organiser for someone who showed the receipt. The campaign must be cancelled or closed.',
      params: donationParams,
      body: refundClaimBody,
      mode: 'submit',
      status: 201,
      call: ({ params, body }) => ({
        function: 'ClaimAnonymousRefund',
        args: [params.campaignId, params.donationId, body.payoutReference ?? ''],
        transient: { [RECEIPT_SECRET_TRANSIENT_KEY]: body.receiptSecret },
      }),
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/donation-receipts/verifications',
      summary: 'Check a receipt secret: which donation it proves',
      params: channelParams,
      body: receiptVerificationBody,
      mode: 'evaluate',
      call: ({ body }) => ({ function: 'VerifyDonationReceipt', args: [body.receiptSecret] }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/donors/{donorDid}/donations',
      summary: 'Named donations of a DID over all campaigns, paginated',
      params: z.object({ channel: channelName, donorDid: did }),
      query: pageQuery,
      mode: 'evaluate',
      call: ({ params, query }) => ({
        function: 'ListDonationsByDonor',
        args: [params.donorDid, ...pageArgs(query)],
      }),
    });

    const milestoneReads = [
      ['', 'GetMilestone', 'A milestone: amount, evidence, decision, disbursed'],
      ['/history', 'GetMilestoneHistory', 'Evidence, rejections and approvals of a milestone over time'],
    ] as const;
    for (const [suffix, fn, summary] of milestoneReads) {
      resources.add({
        method: 'get',
        path: `${campaign}/milestones/{milestoneIndex}${suffix}`,
        summary,
        params: milestoneParams,
        mode: 'evaluate',
        call: ({ params }) => ({ function: fn, args: [params.campaignId, params.milestoneIndex] }),
      });
    }

    resources.add({
      method: 'post',
      path: `${campaign}/milestones/{milestoneIndex}/evidence`,
      summary: 'Submit evidence (document hashes) that a milestone was reached',
      description: ORGANISER,
      params: milestoneParams,
      body: evidenceBody,
      mode: 'submit',
      call: ({ params, body }) => ({
        function: 'SubmitMilestoneEvidence',
        args: [
          params.campaignId,
          params.milestoneIndex,
          JSON.stringify(body.documentHashes),
          body.note ?? '',
        ],
      }),
    });

    resources.add({
      method: 'post',
      path: `${campaign}/milestones/{milestoneIndex}/approval`,
      summary: 'Approve a milestone’s evidence; its money may then be disbursed',
      description: APPROVER,
      params: milestoneParams,
      body: approvalBody,
      mode: 'submit',
      call: ({ params, body }) => ({
        function: 'ApproveMilestone',
        args: [params.campaignId, params.milestoneIndex, body.reason ?? ''],
      }),
    });

    resources.add({
      method: 'post',
      path: `${campaign}/milestones/{milestoneIndex}/rejection`,
      summary: 'Reject a milestone’s evidence, with a reason; the organiser may submit new evidence',
      description: APPROVER,
      params: milestoneParams,
      body: reasonBody,
      mode: 'submit',
      call: ({ params, body }) => ({
        function: 'RejectMilestone',
        args: [params.campaignId, params.milestoneIndex, body.reason],
      }),
    });

    resources.add({
      method: 'post',
      path: `${campaign}/disbursements`,
      summary: 'Record a payment to a beneficiary for an approved milestone, funded FIFO by donations',
      description: ORGANISER,
      params: campaignParams,
      body: disburseBody,
      mode: 'submit',
      status: 201,
      call: ({ params, body }) => ({
        function: 'Disburse',
        args: [
          params.campaignId,
          String(body.milestoneIndex),
          body.beneficiaryDid,
          String(body.amountCents),
          body.reference ?? '',
        ],
      }),
      location: (record, { params }) =>
        `/channels/${params.channel}/campaigns/${params.campaignId}/disbursements/${(record as { disbursementId: string }).disbursementId}`,
    });

    resources.add({
      method: 'get',
      path: `${campaign}/disbursements`,
      summary: 'Disbursements of a campaign (or only unconfirmed ones), paginated',
      params: campaignParams,
      query: pageQuery.extend({ status: z.enum(['unconfirmed']).optional() }),
      mode: 'evaluate',
      call: ({ params, query }) => ({
        function: query.status === 'unconfirmed' ? 'ListUnconfirmedDisbursements' : 'ListDisbursements',
        args: [params.campaignId, ...pageArgs(query)],
      }),
    });

    const disbursementReads = [
      ['', 'GetDisbursement', 'A disbursement with the donations that funded it'],
      ['/history', 'GetDisbursementHistory', 'A disbursement from unconfirmed to confirmed'],
    ] as const;
    for (const [suffix, fn, summary] of disbursementReads) {
      resources.add({
        method: 'get',
        path: `${campaign}/disbursements/{disbursementId}${suffix}`,
        summary,
        params: disbursementParams,
        mode: 'evaluate',
        call: ({ params }) => ({ function: fn, args: [params.campaignId, params.disbursementId] }),
      });
    }

    resources.add({
      method: 'post',
      path: `${campaign}/disbursements/{disbursementId}/confirmation`,
      summary: 'Confirm receipt of a disbursement',
      description: 'The beneficiary: a user whose token carries the disbursement’s beneficiary `did`.',
      params: disbursementParams,
      mode: 'submit',
      call: ({ params }) => ({
        function: 'ConfirmDisbursement',
        args: [params.campaignId, params.disbursementId],
      }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/beneficiaries/{beneficiaryDid}/disbursements',
      summary: 'Everything a beneficiary was paid, over all campaigns, paginated',
      params: z.object({ channel: channelName, beneficiaryDid: did }),
      query: pageQuery,
      mode: 'evaluate',
      call: ({ params, query }) => ({
        function: 'ListDisbursementsByBeneficiary',
        args: [params.beneficiaryDid, ...pageArgs(query)],
      }),
    });
  },
};
