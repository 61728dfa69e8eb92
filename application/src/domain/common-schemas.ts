import { type InvalidArgumentError, parseIsoTimestamp } from '@cityledger/chaincode-common';
import { z } from 'zod';

/** Schemas several chaincodes' resources share; the chaincode stays the judge of meaning. */

export const sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex characters (SHA-256)')
  .meta({ description: 'SHA-256 of a document kept off-chain, lower-case hex' });

export const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as EUR')
  .meta({ description: 'ISO 4217 code, e.g. EUR' });

/** Money in minor units (cents); sent as a JSON integer, passed to the chaincode as its decimal text. */
export const cents = z
  .number()
  .int('must be a whole number of cents')
  .min(1)
  .max(1_000_000_000_000)
  .meta({ description: 'Minor currency units (cents), 1 to 10^12' });

/** A user of a gateway organisation, as tokens name them (`org`, `sub`). */
export const gatewayUser = z
  .object({
    org: z.string().regex(/^[A-Za-z0-9]+MSP$/, 'must be an MSP ID such as CityMSP'),
    userId: z
      .string()
      .regex(/^[A-Za-z0-9._@-]{1,64}$/, "must be 1 to 64 letters, digits, '.', '_', '-' or '@'"),
  })
  .strict();

/** Optional free text the chaincode stores as given (`''` when absent). */
export const note = (max: number) => z.string().max(max).optional();

/** Longest UTC time taken: a fraction of up to 40 digits, far past any clock's precision. */
const MAX_UTC_TIME_LENGTH = 64;

/**
 * Any RFC 3339 UTC time (`T`/`t`, `Z`/`z` or `+00:00`, a fraction of any length), judged by the
 * chaincodes' own parser so that nothing the gateway takes is refused on the ledger for its form.
 * The value stays as sent: a device signed it so.
 */
export const utcTime = z
  .string()
  .max(MAX_UTC_TIME_LENGTH, `must be at most ${MAX_UTC_TIME_LENGTH} characters`)
  .superRefine((value, context) => {
    try {
      parseIsoTimestamp('time', value);
    } catch (error) {
      context.addIssue({
        code: 'custom',
        message: (error as InvalidArgumentError).detail.slice('time: '.length),
      });
    }
  })
  .meta({ format: 'date-time', description: 'RFC 3339 UTC time, e.g. 2026-01-01T00:00:00Z' });
