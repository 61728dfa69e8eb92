/**
 * Signed smart-meter readings as the IoT bridge forwards them:
 * `{deviceId, seq, timestamp, importWh, exportWh, signature}` — cumulative import and export
 * registers in Wh. The signature is ECDSA P-256 / SHA-256, base64 DER, over the canonical JSON (sorted
 * keys, no whitespace) of the reading without `signature`, exactly as the device sent it (the same
 * rule the bridge uses for every device reading).
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import {
  canonicalJson,
  formatDid,
  InvalidArgumentError,
  parseIdOrDid,
  parseIsoTimestamp,
  parseJsonObject,
  parseNonNegativeInteger,
  parsePositiveInteger,
  parseString,
} from '@cityledger/chaincode-common';

/** Register values up to 10^15 Wh (a million GWh) keep every sum a safe integer. */
export const MAX_REGISTER_WH = 1e15;
const READING_FIELDS = ['deviceId', 'seq', 'timestamp', 'importWh', 'exportWh', 'signature'] as const;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface MeterReadingClaim {
  meterDid: string;
  seq: number;
  /** Normalised ISO timestamp (millisecond precision). */
  timestamp: string;
  importWh: number;
  exportWh: number;
  signature: string;
  /** The bytes the device signed. */
  signedPayload: string;
}

/** The last accepted reading of a meter, as far as the next one needs it. */
export interface PreviousReading {
  seq: number;
  timestamp: string;
  importWh: number;
  exportWh: number;
}

export function parseMeterReading(field: string, value: unknown, channel: string): MeterReadingClaim {
  const raw = parseJsonObject(field, value, { allowedKeys: READING_FIELDS });
  const device = parseIdOrDid(`${field}.deviceId`, raw.deviceId);
  const meterDid = device.startsWith('did:') ? device : formatDid(channel, device);
  if (!meterDid.startsWith(`did:cityledger:${channel}:`)) {
    throw new InvalidArgumentError(`${field}.deviceId`, `must be a device of channel '${channel}'`);
  }
  const seq = parsePositiveInteger(`${field}.seq`, raw.seq);
  const timestamp = parseIsoTimestamp(`${field}.timestamp`, raw.timestamp);
  const importWh = parseNonNegativeInteger(`${field}.importWh`, raw.importWh, { max: MAX_REGISTER_WH });
  const exportWh = parseNonNegativeInteger(`${field}.exportWh`, raw.exportWh, { max: MAX_REGISTER_WH });
  const signature = parseString(`${field}.signature`, raw.signature, {
    maxLength: 200,
    pattern: BASE64,
    patternDescription: 'a base64 DER ECDSA signature',
  });
  const { signature: _signature, ...signed } = raw;
  return { meterDid, seq, timestamp, importWh, exportWh, signature, signedPayload: canonicalJson(signed) };
}

/** Parsing a PEM costs more than verifying; the keys of a meter fleet are few and immutable. */
const keyCache = new Map<string, KeyObject>();
const KEY_CACHE_LIMIT = 10_000;

function keyObject(publicKeyPem: string): KeyObject {
  let key = keyCache.get(publicKeyPem);
  if (!key) {
    key = createPublicKey(publicKeyPem);
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    keyCache.set(publicKeyPem, key);
  }
  return key;
}

export function verifyReadingSignature(reading: MeterReadingClaim, publicKeyPem: string): boolean {
  try {
    return verify(
      'sha256',
      Buffer.from(reading.signedPayload, 'utf8'),
      { key: keyObject(publicKeyPem), dsaEncoding: 'der' },
      Buffer.from(reading.signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/**
 * Checks that `reading` may follow `previous` (its predecessor by sequence number, or undefined for
 * a meter's first reading) and returns the energy the registers moved since. Throws
 * INVALID_ARGUMENT naming the field that breaks monotonicity.
 */
export function registerDeltas(
  field: string,
  reading: MeterReadingClaim,
  previous: PreviousReading | undefined,
): { importDeltaWh: number; exportDeltaWh: number } {
  if (!previous) {
    // The first reading is the baseline: what the registers held before it was never traded.
    return { importDeltaWh: 0, exportDeltaWh: 0 };
  }
  if (reading.timestamp <= previous.timestamp) {
    throw new InvalidArgumentError(
      `${field}.timestamp`,
      `must be later than the timestamp ${previous.timestamp} of seq ${previous.seq}`,
    );
  }
  for (const register of ['importWh', 'exportWh'] as const) {
    if (reading[register] < previous[register]) {
      throw new InvalidArgumentError(
        `${field}.${register}`,
        `is a cumulative counter and must not decrease (seq ${previous.seq} had ${previous[register]}, got ${reading[register]})`,
      );
    }
  }
  return {
    importDeltaWh: reading.importWh - previous.importWh,
    exportDeltaWh: reading.exportWh - previous.exportWh,
  };
}
