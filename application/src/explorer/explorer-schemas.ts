import { z } from 'zod';
import { chaincodeName } from '../chaincode-api/chaincode-call-schemas';
import type { BlockSummary, ChainVerification } from '../ledger/ledger-connector';
import type { ListedBlock, ListedTransaction } from './channel-index';

/** The explorer's queries and answers, for validation and the OpenAPI document. */

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

const validationCodeDescription = { description: 'Fabric validation code name, e.g. VALID' };

const event = z.object({
  name: z.string(),
  payload: z.unknown().meta({
    description:
      'As on the event stream: the JSON value when the payload is JSON, else a string (`base64:…` when binary)',
  }),
});

const transaction = z.object({
  txIndex: z.number().int(),
  txId: z.string(),
  validationCode: z.string().meta(validationCodeDescription),
  chaincode: z.string().optional(),
  function: z.string().optional(),
  creatorMsp: z.string().optional(),
  timestamp: z.string(),
  event: event.optional(),
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

const MAX_PAGE = 100;

const pageQuery = {
  limit: z
    .string()
    .regex(/^\d{1,4}$/, `must be a whole number from 1 to ${MAX_PAGE}`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= MAX_PAGE, `must be a whole number from 1 to ${MAX_PAGE}`)
    .optional()
    .transform((n) => n ?? 20)
    .meta({ description: `Entries per page, 1 to ${MAX_PAGE}; default 20` }),
  bookmark: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be the bookmark of a previous page')
    .optional()
    .meta({ description: 'The `bookmark` of the previous page, for the next one' }),
};

export const blockListQuery = z.object(pageQuery);

const time = z.iso
  .datetime({ offset: true })
  .transform((t) => Date.parse(t))
  .meta({ description: 'ISO 8601 date and time, e.g. 2026-12-03T10:00:00Z' });

export const transactionListQuery = z.object({
  txId: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a transaction id (64 hex characters)')
    .optional()
    .meta({ description: 'Only this transaction' }),
  chaincode: chaincodeName.optional(),
  function: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .meta({ description: 'Chaincode function, e.g. RegisterPerson' }),
  creatorMsp: mspId.optional().meta({ description: 'MSP ID of the client that created it' }),
  validationCode: z
    .string()
    .regex(/^[A-Z][A-Z_]{0,63}$/, 'must be a validation code name such as VALID or MVCC_READ_CONFLICT')
    .optional()
    .meta(validationCodeDescription),
  from: time.optional().meta({ description: 'Proposal time at or after (ISO 8601)' }),
  to: time.optional().meta({ description: 'Proposal time at or before (ISO 8601)' }),
  ...pageQuery,
});

const heights = {
  indexedHeight: z.number().int().meta({
    description: 'Blocks the listing covers; below `height` only while the index is still catching up',
  }),
  height: z.number().int().meta({ description: 'The ledger height when asked' }),
  bookmark: z.string().optional().meta({ description: 'Present when more entries follow: pass it back' }),
};

const listedBlock = z.object({
  blockNumber: z.number().int(),
  headerHash: z.string(),
  previousHash: z.string(),
  txCount: z.number().int(),
  time: z.string().optional().meta({ description: 'Proposal time of its first transaction' }),
}) satisfies z.ZodType<ListedBlock>;

export const blockListSchema = z.object({ blocks: z.array(listedBlock), ...heights });

const listedTransaction = z.object({
  txId: z.string(),
  blockNumber: z.number().int(),
  txIndex: z.number().int(),
  time: z.string().meta({ description: 'Proposal time (the client’s, as Fabric records it)' }),
  chaincode: z.string().optional(),
  function: z.string().optional(),
  creatorMsp: z.string().optional(),
  validationCode: z.string().meta(validationCodeDescription),
}) satisfies z.ZodType<ListedTransaction>;

export const transactionListSchema = z.object({ transactions: z.array(listedTransaction), ...heights });
