import { isWellFormedText, parseIsoTimestamp } from '@cityledger/chaincode-common';
import { z } from 'zod';

/** `did:cityledger:<channel>:<id>`: the channel a device belongs to is part of its id. */
export const DEVICE_DID = /^did:cityledger:([a-z][a-z0-9.-]{0,48}):([A-Za-z0-9][A-Za-z0-9._-]{0,127})$/;
const METRIC = /^[a-z][a-z0-9_.-]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function isUtcTimestamp(value: string): boolean {
  try {
    // The chaincodes' own parser, so that nothing the bridge accepts is refused on the ledger.
    parseIsoTimestamp('timestamp', value);
    return true;
  } catch {
    return false;
  }
}

/**
 * A device reading as devices send it (MISSION §6). Unknown fields are refused: the signature
 * covers every field, so an extra one would be signed data the ledger never sees.
 */
export const deviceReadingSchema = z
  .object({
    deviceId: z.string().regex(DEVICE_DID, 'must be a device DID such as did:cityledger:civic:aq-1'),
    seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    timestamp: z
      .string()
      .max(40)
      .refine(isUtcTimestamp, 'must be an ISO-8601 UTC timestamp like 2025-01-31T12:00:00.000Z'),
    metric: z.string().regex(METRIC, 'must be a metric name such as pm2_5'),
    value: z.number().refine(Number.isFinite, 'must be a finite number'),
    // The one text rule of every schema: a lone surrogate would be signed as one text and stored as another.
    unit: z.string().min(1).max(32).refine(isWellFormedText, 'contains a lone UTF-16 surrogate').optional(),
    signature: z.string().min(8).max(200).regex(BASE64, 'must be a base64 DER ECDSA signature'),
  })
  .strict();

export type DeviceReading = z.infer<typeof deviceReadingSchema>;

/** The body of `POST /api/v1/iot/readings`; each reading is validated on its own. */
export function readingsRequestSchema(maxReadings: number) {
  return z.strictObject(
    {
      readings: z
        .array(z.unknown(), 'must be a list of readings')
        .min(1, 'must hold at least one reading')
        .max(maxReadings, `at most ${maxReadings} readings per request`),
    },
    'must be {"readings": [ ... ]}; only "readings" is allowed',
  );
}

/** The channel named by a device DID. */
export function channelOfDevice(deviceId: string): string {
  const match = DEVICE_DID.exec(deviceId);
  if (!match) throw new Error(`not a device DID: ${deviceId}`);
  return match[1]!;
}

/** Why a reading was not accepted, as the API reports it. */
export const REJECTION_REASONS = [
  'unknown-device',
  'deactivated-device',
  'bad-signature',
  'metric-not-allowed',
  'duplicate',
  'out-of-order',
  'invalid',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];
