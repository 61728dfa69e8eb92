import { z } from 'zod';
import type { BlockSummary, ChainVerification } from '../ledger/ledger-connector';

/** The answers of the explorer's block view and `/verify`, for the OpenAPI document. */

const mspId = z.string().regex(/^[A-Za-z0-9]+MSP$/, 'must be an MSP ID such as CityMSP');

export const verifyQuery = z.object({
  signer: mspId.optional().meta({
    description: 'An ordering organisation’s MSP ID: also list the blocks its orderers did not sign',
  }),
});

const ordererSignature = z.object({
  mspId: z.string(),
  orderer: z.string().meta({ description: 'Subject CN of the orderer’s certificate' }),
  consenterId: z.number().int().optional().meta({ description: 'SmartBFT consenter id, on a BFT channel' }),
  verified: z.boolean(),
});

const transaction = z.object({
  txIndex: z.number().int(),
  txId: z.string(),
  validationCode: z.string().meta({ description: 'Fabric validation code name, e.g. VALID' }),
  chaincode: z.string().optional(),
  timestamp: z.string(),
  event: z.object({ name: z.string(), payload: z.string() }).optional(),
});

export const blockSummarySchema = z.object({
  channel: z.string(),
  blockNumber: z.number().int(),
  headerHash: z.string(),
  previousHash: z.string(),
  dataHash: z.string(),
  ordererSignatures: z.array(ordererSignature),
  transactions: z.array(transaction),
}) satisfies z.ZodType<BlockSummary>;

const orderingReport = {
  height: z.number().int(),
  bft: z.boolean().meta({ description: 'Whether the channel orders with SmartBFT' }),
  quorum: z
    .number()
    .int()
    .optional()
    .meta({ description: 'Distinct consenter signatures a BFT block needs' }),
  signers: z
    .array(z.object({ mspId: z.string(), orderer: z.string(), blocks: z.number().int() }))
    .meta({ description: 'Every orderer that signed a verified block, with how many it signed' }),
  notSignedBy: z
    .object({ mspId: z.string(), blocks: z.array(z.number().int()), truncated: z.boolean() })
    .optional()
    .meta({
      description: 'With `signer`: verified blocks after genesis its orderers did not sign, at most 1000',
    }),
};

export const chainVerificationSchema = z.union([
  z.object({ ok: z.literal(true), ...orderingReport }),
  z.object({ ok: z.literal(false), ...orderingReport, firstBadBlock: z.number().int(), reason: z.string() }),
]) satisfies z.ZodType<ChainVerification>;
