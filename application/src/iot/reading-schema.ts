import { isWellFormedText, parseIsoTimestamp } from '@cityledger/chaincode-common';
import { z } from 'zod';
import { utcTime } from '../domain/common-schemas';

/** `did:cityledger:<channel>:<id>`: the channel a device belongs to is part of its id. */
export const DEVICE_DID = /^did:cityledger:([a-z][a-z0-9.-]{0,48}):([A-Za-z0-9][A-Za-z0-9._-]{0,127})$/;
const METRIC = /^[a-z][a-z0-9_.-]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The instant a reading's timestamp names, as the chaincodes store it (`2026-01-01T00:00:00.000Z`).
 * The reading itself keeps the timestamp as the device wrote it: that is what it signed.
 *
 * @throws InvalidArgumentError (of chaincode-common) when it is no RFC 3339 UTC timestamp.
 */
export function readingInstant(timestamp: string): string {
  // The chaincodes' own parser, so that nothing the bridge accepts is refused on the ledger.
  return parseIsoTimestamp('timestamp', timestamp);
}

/**
 * A device reading as devices send it (MISSION §6). Unknown fields are refused: the signature
 * covers every field, so an extra one would be signed data the ledger never sees.
 */
export const deviceReadingSchema = z
  .object({
    deviceId: z.string().regex(DEVICE_DID, 'must be a device DID such as did:cityledger:civic:aq-1'),
    seq: z
      .number()
      .int()
      .min(1, 'must be at least 1')
      .max(Number.MAX_SAFE_INTEGER, 'must be a safe integer (at most 2^53 - 1)'),
    timestamp: utcTime,
    metric: z.string().regex(METRIC, 'must be a metric name such as pm2_5'),
    value: z.number().refine(Number.isFinite, 'must be a finite number'),
    // The one text rule of every schema: a lone surrogate would be signed as one text and stored as another.
    unit: z
      .string()
      .min(1, 'must not be empty')
      .max(32, 'must be at most 32 characters')
      .refine(isWellFormedText, 'contains a lone UTF-16 surrogate')
      .optional(),
    signature: z
      .string()
      .min(8, 'must be a base64 DER ECDSA signature (8 to 200 characters)')
      .max(200, 'must be a base64 DER ECDSA signature (8 to 200 characters)')
      .regex(BASE64, 'must be a base64 DER ECDSA signature'),
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
