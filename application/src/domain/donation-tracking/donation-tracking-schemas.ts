import { z } from 'zod';
import { channelName } from '../../chaincode-api/chaincode-call-schemas';
import { cents, currencyCode, sha256Hex } from '../common-schemas';
import { did, isoTime, recordId } from '../identity/identity-schemas';

const transactionId = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be the 64-hex id of the transaction that created it');
const milestoneIndex = z
  .string()
  .regex(/^[1-9]\d?$/, 'must be a milestone number from 1')
  .meta({ description: 'Milestones are numbered from 1' });

export const campaignParams = z.object({ channel: channelName, campaignId: recordId });
export const donationParams = campaignParams.extend({
  donationId: transactionId.meta({ description: 'The id of the transaction that made the donation' }),
});
export const milestoneParams = campaignParams.extend({ milestoneIndex });
export const disbursementParams = campaignParams.extend({
  disbursementId: transactionId.meta({ description: 'The id of the transaction that made the disbursement' }),
});

export const createCampaignBody = z
  .object({
    campaignId: recordId,
    organiserDid: did.meta({
      description: 'The organising organisation’s DID, controlled by the caller’s MSP',
    }),
    title: z.string().min(1).max(200),
    goalCents: cents.meta({ description: 'What the milestones cost together' }),
    currency: currencyCode,
    deadline: isoTime,
    beneficiaryDids: z.array(did).min(1).max(100),
    milestones: z
      .array(
        z
          .object({
            description: z.string().min(1).max(1000),
            amountCents: cents,
            evidenceRequired: z.string().min(1).max(1000).meta({ description: 'e.g. invoice' }),
          })
          .strict(),
      )
      .min(1)
      .max(50)
      .meta({ description: 'Amounts add up to goalCents' }),
  })
  .strict();

export const donateBody = z
  .object({
    amountCents: cents,
    currency: currencyCode.meta({ description: 'Must be the campaign’s currency' }),
    donorDid: did
      .optional()
      .meta({ description: 'Absent: an anonymous donation (then receiptHash is required)' }),
    receiptHash: sha256Hex
      .optional()
      .meta({ description: 'SHA-256 of a secret the donor keeps: proves the donation, claims refunds' }),
  })
  .strict();

export const refundClaimBody = z
  .object({
    receiptSecret: z
      .string()
      .min(32)
      .max(512)
      .meta({ description: 'The donation’s receipt secret; sent privately (transient), never in a block' }),
    payoutReference: z.string().max(200).optional(),
  })
  .strict();

export const receiptVerificationBody = z.object({ receiptSecret: z.string().min(32).max(512) }).strict();

export const evidenceBody = z
  .object({
    documentHashes: z.array(sha256Hex).min(1).max(50),
    note: z.string().max(1000).optional(),
  })
  .strict();

export const approvalBody = z.object({ reason: z.string().max(1000).optional() }).strict();
export const reasonBody = z.object({ reason: z.string().min(1).max(1000) }).strict();

export const disburseBody = z
  .object({
    milestoneIndex: z.number().int().min(1).max(50),
    beneficiaryDid: did,
    amountCents: cents,
    reference: z.string().max(200).optional().meta({ description: 'The off-chain payment reference' }),
  })
  .strict();
