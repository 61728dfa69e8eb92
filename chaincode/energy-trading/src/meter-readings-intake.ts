/**
 * Intake of signed meter readings in batches (the IoT bridge sends many per transaction).
 *
 * Each reading gets its own key `(meter, seq)` plus an interval index entry; nothing per meter or
 * per market is rewritten, so batches of different meters never conflict. A reading reports one
 * register; its record carries both, the other carried forward from the predecessor `seq − 1`, read
 * with a point read: a meter's accepted sequence numbers form one gap-free run, so the predecessor —
 * and through it the last value of either register — is always known without a "last reading" key.
 */
import {
  canonicalJsonBuffer,
  ConflictError,
  emitEvent,
  getJson,
  InvalidArgumentError,
  NotFoundError,
  parseArray,
  putJson,
  requireCaller,
  txTimeIso,
  txTimeMillis,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { anyKeyUnder } from './key-probe';
import { KEY, keys } from './keys';
import { intervalOfReading } from './market-config';
import { requireMarketConfig } from './market-state';
import { mayPublish, meterKeyAt, readMeterDevice, type MeterDevice } from './meter-device';
import {
  advanceRegisters,
  parseMeterReading,
  verifyReadingSignature,
  type MeterReadingClaim,
  type PreviousReading,
} from './meter-reading';
import { MARKET_OPERATOR } from './policy';
import type { MeterLink, MeterReading, MeterReadingBatchResult, MeterSeqRange } from './records';

export const MAX_READINGS_PER_BATCH = 500;
/** Meter clocks may run this far ahead of the transaction time. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Value of an interval index entry: what settlement sums, without reading the reading itself. */
export interface IntervalIndexValue {
  seq: number;
  importDeltaWh: number;
  exportDeltaWh: number;
}

export async function submitMeterReadings(
  ctx: Context,
  readingsJson: string,
): Promise<MeterReadingBatchResult> {
  requireCaller(ctx, MARKET_OPERATOR, 'submit meter readings');
  const channel = ctx.stub.getChannelID();
  const claims = parseArray(
    'readingsJson',
    readingsJson,
    (field, value) => parseMeterReading(field, value, channel),
    {
      minItems: 1,
      maxItems: MAX_READINGS_PER_BATCH,
      maxBytes: 512 * 1024,
    },
  );
  const batch = claims
    .map((claim, index) => ({ claim, field: `readingsJson[${index}]` }))
    .sort((a, b) =>
      a.claim.meterDid === b.claim.meterDid
        ? a.claim.seq - b.claim.seq
        : a.claim.meterDid < b.claim.meterDid
          ? -1
          : 1,
    );
  const nowMillis = txTimeMillis(ctx);
  batch.forEach(({ claim, field }, i) => {
    const before = batch[i - 1]?.claim;
    if (before && before.meterDid === claim.meterDid && before.seq === claim.seq) {
      throw new InvalidArgumentError(
        `${field}.seq`,
        `repeats seq ${claim.seq} of ${claim.meterDid} in this batch`,
      );
    }
    if (Date.parse(claim.timestamp) > nowMillis + MAX_CLOCK_SKEW_MS) {
      throw new InvalidArgumentError(`${field}.timestamp`, `is in the future (${claim.timestamp})`);
    }
  });

  const config = await requireMarketConfig(ctx);
  const devices = new Map<string, MeterDevice>();
  for (const { claim, field } of batch) {
    if (devices.has(claim.meterDid)) continue;
    const link = await getJson<MeterLink>(ctx, keys.meter(ctx, claim.meterDid));
    if (!link) {
      throw new NotFoundError(`meter ${claim.meterDid} is not linked to a prosumer account`);
    }
    devices.set(claim.meterDid, await readMeterDevice(ctx, `${field}.deviceId`, claim.meterDid));
  }

  const acceptedAt = txTimeIso(ctx);
  const txId = ctx.stub.getTxID();
  const lastInBatch = new Map<string, PreviousReading>();
  const ranges = new Map<string, MeterSeqRange>();
  const writes: { reading: MeterReading; index: IntervalIndexValue }[] = [];
  let duplicates = 0;
  for (const { claim, field } of batch) {
    const stored = await getJson<MeterReading>(ctx, keys.reading(ctx, claim.meterDid, claim.seq));
    if (stored) {
      if (!sameReading(stored, claim)) {
        throw new ConflictError(`seq ${claim.seq} of ${claim.meterDid} already holds a different reading`);
      }
      duplicates += 1;
      lastInBatch.set(claim.meterDid, stored);
      continue;
    }
    const device = devices.get(claim.meterDid)!;
    if (!mayPublish(device, claim.metric)) {
      throw new InvalidArgumentError(
        `${field}.metric`,
        `${claim.meterDid} may not publish ${claim.metric} (identity allows ${device.metrics.join(', ') || 'no metric'})`,
      );
    }
    const key = meterKeyAt(device, claim.timestamp);
    if (!key) {
      throw new InvalidArgumentError(
        `${field}.signature`,
        `${claim.meterDid} had no valid key at ${claim.timestamp}`,
      );
    }
    if (!verifyReadingSignature(claim, key.publicKeyPem)) {
      throw new InvalidArgumentError(`${field}.signature`, `does not verify with ${key.keyId}`);
    }
    const previous = await predecessorOf(ctx, claim, lastInBatch.get(claim.meterDid));
    const registers = advanceRegisters(field, claim, previous);
    const reading: MeterReading = {
      meterDid: claim.meterDid,
      seq: claim.seq,
      timestamp: claim.timestamp,
      metric: claim.metric,
      value: claim.value,
      ...(claim.unit === undefined ? {} : { unit: claim.unit }),
      ...registers,
      interval: intervalOfReading(Date.parse(claim.timestamp), config),
      signature: claim.signature,
      keyId: key.keyId,
      acceptedAt,
      txId,
    };
    writes.push({
      reading,
      index: {
        seq: claim.seq,
        importDeltaWh: registers.importDeltaWh,
        exportDeltaWh: registers.exportDeltaWh,
      },
    });
    lastInBatch.set(claim.meterDid, reading);
    const range = ranges.get(claim.meterDid);
    ranges.set(
      claim.meterDid,
      range
        ? { ...range, toSeq: claim.seq, count: range.count + 1 }
        : { meterDid: claim.meterDid, fromSeq: claim.seq, toSeq: claim.seq, count: 1 },
    );
  }

  for (const { reading, index } of writes) {
    await putJson(ctx, keys.reading(ctx, reading.meterDid, reading.seq), reading);
    await ctx.stub.putState(
      keys.readingByInterval(ctx, reading.meterDid, reading.interval, reading.seq),
      canonicalJsonBuffer(index),
    );
  }
  const result: MeterReadingBatchResult = {
    accepted: writes.length,
    duplicates,
    meters: [...ranges.values()],
  };
  if (writes.length > 0) {
    emitEvent(ctx, 'MeterReadingsAccepted', { ...result, meters: result.meters.map((m) => ({ ...m })) });
  }
  return result;
}

async function predecessorOf(
  ctx: Context,
  claim: MeterReadingClaim,
  lastInBatch: PreviousReading | undefined,
): Promise<PreviousReading | undefined> {
  if (lastInBatch?.seq === claim.seq - 1) {
    return lastInBatch;
  }
  const stored =
    claim.seq > 1
      ? await getJson<MeterReading>(ctx, keys.reading(ctx, claim.meterDid, claim.seq - 1))
      : undefined;
  if (stored) {
    return stored;
  }
  if (lastInBatch || (await anyKeyUnder(ctx, KEY.reading, [claim.meterDid]))) {
    throw new ConflictError(
      `seq ${claim.seq} of ${claim.meterDid} does not follow an accepted reading (seq ${claim.seq - 1} is missing)`,
    );
  }
  return undefined;
}

function sameReading(stored: MeterReading, claim: MeterReadingClaim): boolean {
  return (
    stored.signature === claim.signature &&
    stored.timestamp === claim.timestamp &&
    stored.metric === claim.metric &&
    stored.value === claim.value &&
    stored.unit === claim.unit
  );
}
