import { TALLY_RULES } from '@cityledger/chaincode-voting';
import { z } from 'zod';
import { channelName } from '../../chaincode-api/chaincode-call-schemas';
import { sha256Hex } from '../common-schemas';
import { did, isoTime } from '../identity/identity-schemas';

export const electionId = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1–64 letters, digits, '.', '_' or '-'");
const optionId = z.string().min(1).max(64);
const bigHex = z
  .string()
  .regex(/^[0-9a-f]{2,2048}$/, 'must be an unsigned big-endian number in lower-case hex')
  .meta({ description: '2·k hex digits, k the byte length of the election key’s modulus' });

export const electionParams = z.object({ channel: channelName, electionId });
export const nullifierParams = electionParams.extend({ nullifier: sha256Hex });

export const createElectionBody = z
  .object({
    electionId,
    title: z.string().min(1).max(300),
    description: z.string().max(4000).optional(),
    rule: z.enum(TALLY_RULES),
    options: z
      .array(
        z
          .object({
            optionId,
            label: z.string().min(1).max(300),
            cost: z.number().int().min(1).optional().meta({ description: 'budget-allocation only' }),
          })
          .strict(),
      )
      .min(2)
      .max(100),
    totalBudget: z.number().int().min(1).optional().meta({ description: 'budget-allocation only' }),
    maxSelections: z
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ description: 'plurality: 1; otherwise 0 or absent = any number of options' }),
    eligibilityCredential: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a credential type such as eligible-voter')
      .optional()
      .meta({ description: 'Default eligible-voter' }),
    opensAt: isoTime,
    closesAt: isoTime,
    tokenKeyPem: z
      .string()
      .regex(
        /^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/,
        'must be an RSA public key (SPKI PEM)',
      )
      .max(4096)
      .meta({
        description: 'The authority’s RSA key (2048–4096 bits) for blind-signing this election’s tokens',
      }),
  })
  .strict();

export const issueTokenBody = z
  .object({
    voterDid: did,
    blindedMessage: bigHex.meta({ description: 'What the voter’s app sent: the blinded token message' }),
    blindSignature: bigHex.meta({ description: 'The authority’s signature of the blinded message' }),
  })
  .strict();

export const castBallotBody = z
  .object({
    token: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
    signature: bigHex.meta({ description: 'The unblinded authority signature of the token' }),
    choice: z.array(optionId).min(1).max(100).meta({ description: 'Option ids' }),
  })
  .strict();

export const receiptQuery = z.object({
  ballotHash: sha256Hex.meta({ description: 'From the receipt returned when the ballot was cast' }),
});
