/**
 * Parsing of an anchored batch, as the gateway sends it:
 * `{feedId, batchId, merkleRoot, count, perDevice: {deviceId: {firstSeq, lastSeq}}, from, to, alerts?}`.
 */
import {
  InvalidArgumentError,
  parseArray,
  parseFiniteNumber,
  parseId,
  parseIdOrDid,
  parseInteger,
  parseIsoTimestamp,
  parseJsonObject,
  parsePositiveInteger,
  parseSha256Hex,
  parseString,
} from '@cityledger/chaincode-common';
import type { SeqRange } from './records';

export const MAX_BATCH_READINGS = 100_000;
export const MAX_BATCH_DEVICES = 1000;
export const MAX_BATCH_ALERTS = 1000;
/** Widest per-device sequence range in one batch: bounds the coverage keys a batch touches. */
export const MAX_RANGE_WIDTH = 65_536;
const MAX_SEQ = Number.MAX_SAFE_INTEGER - MAX_RANGE_WIDTH;

export interface AlertClaim {
  deviceId: string;
  seq: number;
  metric: string;
  value: number;
  timestamp: string;
}

export interface BatchClaim {
  feedId: string;
  batchId: string;
  merkleRoot: string;
  count: number;
  perDevice: Record<string, SeqRange>;
  from: string;
  to: string;
  alerts: AlertClaim[];
}

export function parseBatch(field: string, value: unknown): BatchClaim {
  const raw = parseJsonObject(field, value, {
    maxBytes: 512 * 1024,
    allowedKeys: ['feedId', 'batchId', 'merkleRoot', 'count', 'perDevice', 'from', 'to', 'alerts'],
  });
  const feedId = parseId(`${field}.feedId`, raw.feedId);
  const batchId = parseId(`${field}.batchId`, raw.batchId);
  const merkleRoot = parseSha256Hex(`${field}.merkleRoot`, raw.merkleRoot);
  const count = parsePositiveInteger(`${field}.count`, raw.count, { max: MAX_BATCH_READINGS });
  const perDevice = parsePerDevice(`${field}.perDevice`, raw.perDevice);
  const from = parseIsoTimestamp(`${field}.from`, raw.from);
  const to = parseIsoTimestamp(`${field}.to`, raw.to);
  if (to < from) {
    throw new InvalidArgumentError(`${field}.to`, `must not be before from (${from})`);
  }
  // Each device contributes its first and last reading (one when they coincide) and at most one
  // reading per sequence number of its range.
  const ranges = Object.values(perDevice);
  const least = ranges.reduce((n, r) => n + (r.firstSeq === r.lastSeq ? 1 : 2), 0);
  const most = ranges.reduce((n, r) => n + (r.lastSeq - r.firstSeq + 1), 0);
  if (count < least || count > most) {
    throw new InvalidArgumentError(
      `${field}.count`,
      `must be between ${least} and ${most} for these sequence ranges, got ${count}`,
    );
  }
  const alerts = parseArray(`${field}.alerts`, raw.alerts ?? [], parseAlert, {
    maxItems: Math.min(MAX_BATCH_ALERTS, count),
  });
  return { feedId, batchId, merkleRoot, count, perDevice, from, to, alerts };
}

function parsePerDevice(field: string, value: unknown): Record<string, SeqRange> {
  const raw = parseJsonObject(field, value);
  const deviceIds = Object.keys(raw);
  if (deviceIds.length === 0) {
    throw new InvalidArgumentError(field, 'must name at least one device');
  }
  if (deviceIds.length > MAX_BATCH_DEVICES) {
    throw new InvalidArgumentError(field, `must name at most ${MAX_BATCH_DEVICES} devices`);
  }
  const perDevice: Record<string, SeqRange> = {};
  for (const deviceId of deviceIds) {
    const label = `${field}.${deviceId.slice(0, 80)}`;
    parseIdOrDid(`${field} key`, deviceId);
    const range = parseJsonObject(label, raw[deviceId], { allowedKeys: ['firstSeq', 'lastSeq'] });
    const firstSeq = parseInteger(`${label}.firstSeq`, range.firstSeq, { min: 0, max: MAX_SEQ });
    const lastSeq = parseInteger(`${label}.lastSeq`, range.lastSeq, { min: 0, max: MAX_SEQ });
    if (lastSeq < firstSeq) {
      throw new InvalidArgumentError(`${label}.lastSeq`, `must not be below firstSeq (${firstSeq})`);
    }
    if (lastSeq - firstSeq + 1 > MAX_RANGE_WIDTH) {
      throw new InvalidArgumentError(label, `must span at most ${MAX_RANGE_WIDTH} sequence numbers`);
    }
    perDevice[deviceId] = { firstSeq, lastSeq };
  }
  return perDevice;
}

function parseAlert(field: string, value: unknown): AlertClaim {
  const raw = parseJsonObject(field, value, {
    allowedKeys: ['deviceId', 'seq', 'metric', 'value', 'timestamp'],
  });
  return {
    deviceId: parseIdOrDid(`${field}.deviceId`, raw.deviceId),
    seq: parseInteger(`${field}.seq`, raw.seq, { min: 0 }),
    metric: parseString(`${field}.metric`, raw.metric, { maxLength: 64 }),
    value: parseFiniteNumber(`${field}.value`, raw.value),
    timestamp: parseIsoTimestamp(`${field}.timestamp`, raw.timestamp),
  };
}
