/**
 * Smart-meter readings in the one reading format of every CityLedger device (MISSION §6):
 * `{deviceId, seq, timestamp, metric, value, unit?, signature}`. A meter publishes each of its two
 * cumulative registers as its own reading — metric `import_wh` or `export_wh`, value the register in
 * Wh — numbered by one `seq` per meter across both. The signature is ECDSA P-256 / SHA-256, base64
 * DER, over the canonical JSON (sorted keys, no whitespace) of the reading without `signature`,
 * exactly as the device sent it: the bridge, this contract and any auditor check the same bytes.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import {
  canonicalJson,
  formatDid,
  InvalidArgumentError,
  parseEnum,
  parseIdOrDid,
  parseInteger,
  parseIsoTimestamp,
  parseJsonObject,
  parseString,
} from '@cityledger/chaincode-common';

/** Register values up to 10^15 Wh (a million GWh) keep every sum a safe integer. */
export const MAX_REGISTER_WH = 1e15;
export const METER_METRICS = ['import_wh', 'export_wh'] as const;
export type MeterMetric = (typeof METER_METRICS)[number];
export const REGISTER_UNIT = 'Wh';
const READING_FIELDS = ['deviceId', 'seq', 'timestamp', 'metric', 'value', 'unit', 'signature'] as const;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface MeterReadingClaim {
  meterDid: string;
  seq: number;
  /** Normalised ISO timestamp (millisecond precision). */
  timestamp: string;
  metric: MeterMetric;
  /** The register named by `metric`, in Wh. */
  value: number;
  unit?: string;
  signature: string;
  /** The bytes the device signed. */
  signedPayload: string;
}

/**
 * Both cumulative registers of a meter as of one reading: the register the reading reported, and the
 * other carried forward from the reading before. A register the meter has not reported yet is absent.
 */
export interface MeterRegisters {
  importWh?: number;
  exportWh?: number;
}

/** The accepted reading `seq − 1` of a meter, as far as the next one needs it. */
export interface PreviousReading extends MeterRegisters {
  seq: number;
  timestamp: string;
  metric?: string;
}

/** What an accepted reading stores about the registers: their values and what moved since seq − 1. */
export interface RegisterAdvance extends MeterRegisters {
  importDeltaWh: number;
  exportDeltaWh: number;
}

export function registerOf(metric: MeterMetric): keyof MeterRegisters {
  return metric === 'import_wh' ? 'importWh' : 'exportWh';
}

export function parseMeterReading(field: string, value: unknown, channel: string): MeterReadingClaim {
  const raw = parseJsonObject(field, value, { allowedKeys: READING_FIELDS });
  const device = parseIdOrDid(`${field}.deviceId`, raw.deviceId);
  const meterDid = device.startsWith('did:') ? device : formatDid(channel, device);
  if (!meterDid.startsWith(`did:cityledger:${channel}:`)) {
    throw new InvalidArgumentError(`${field}.deviceId`, `must be a device of channel '${channel}'`);
  }
  const claim: MeterReadingClaim = {
    meterDid,
    seq: parseJsonInteger(`${field}.seq`, raw.seq, 1, Number.MAX_SAFE_INTEGER),
    timestamp: parseIsoTimestamp(`${field}.timestamp`, raw.timestamp),
    metric: parseEnum(`${field}.metric`, raw.metric, METER_METRICS),
    value: parseJsonInteger(`${field}.value`, raw.value, 0, MAX_REGISTER_WH),
    signature: parseString(`${field}.signature`, raw.signature, {
      maxLength: 200,
      pattern: BASE64,
      patternDescription: 'a base64 DER ECDSA signature',
    }),
    signedPayload: '',
  };
  if (raw.unit !== undefined) {
    // The value is taken as Wh whatever the device says; a unit other than Wh would be misread.
    claim.unit = parseEnum(`${field}.unit`, raw.unit, [REGISTER_UNIT]);
  }
  const { signature: _signature, ...signed } = raw;
  claim.signedPayload = canonicalJson(signed);
  return claim;
}

/**
 * A JSON number, not a decimal string: the generic reading carries numbers, and a string would be
 * signed as a string, so two readings meaning the same register would differ in what was signed.
 */
function parseJsonInteger(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') {
    throw new InvalidArgumentError(
      field,
      `must be an integer JSON number, got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`,
    );
  }
  return parseInteger(field, value, { min, max });
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
 * Checks that `reading` may follow `previous` (the meter's reading seq − 1, or undefined for its very
 * first reading) and returns both registers as of `reading` with what they moved since `previous`.
 * The reported register moves by its rise since its last value; the other register is carried
 * forward unchanged. A register's first reading is its baseline: it moves by 0, because what the
 * register held before was never measured on the ledger. Throws INVALID_ARGUMENT naming the field
 * that breaks the order of time or the monotonicity of the register.
 */
export function advanceRegisters(
  field: string,
  reading: MeterReadingClaim,
  previous: PreviousReading | undefined,
): RegisterAdvance {
  const register = registerOf(reading.metric);
  if (previous) {
    // A meter reads both registers at the same instant (an interval boundary), so time may stand
    // still between consecutive readings — but only from one register to the other.
    if (
      reading.timestamp < previous.timestamp ||
      (reading.timestamp === previous.timestamp && reading.metric === previous.metric)
    ) {
      throw new InvalidArgumentError(
        `${field}.timestamp`,
        reading.timestamp < previous.timestamp
          ? `must not be earlier than the timestamp ${previous.timestamp} of seq ${previous.seq}`
          : `must be later than the timestamp ${previous.timestamp} of seq ${previous.seq}, which read ${reading.metric} too`,
      );
    }
    const last = previous[register];
    if (last !== undefined && reading.value < last) {
      throw new InvalidArgumentError(
        `${field}.value`,
        `${reading.metric} is a cumulative register and must not decrease (${last} as of seq ${previous.seq}, got ${reading.value})`,
      );
    }
  }
  const last = previous?.[register];
  const moved = last === undefined ? 0 : reading.value - last;
  const advance: RegisterAdvance = { importDeltaWh: 0, exportDeltaWh: 0 };
  if (previous?.importWh !== undefined) advance.importWh = previous.importWh;
  if (previous?.exportWh !== undefined) advance.exportWh = previous.exportWh;
  advance[register] = reading.value;
  if (register === 'importWh') advance.importDeltaWh = moved;
  else advance.exportDeltaWh = moved;
  return advance;
}
