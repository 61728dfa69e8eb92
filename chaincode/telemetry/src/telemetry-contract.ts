import {
  compositeKey,
  ConflictError,
  emitEvent,
  getJson,
  InvalidArgumentError,
  keyExists,
  MSP,
  pageOfRecords,
  pageViaIndex,
  parseArray,
  parseId,
  parseIdOrDid,
  parseIsoTimestamp,
  parseJsonObject,
  parseNonNegativeInteger,
  putIndex,
  putJson,
  readHistory,
  requireCaller,
  requireJson,
  requireMsp,
  ROLE,
  txTimeIso,
  type CallerRule,
} from '@cityledger/chaincode-common';
import { jsonLeafHash, verifyProofSteps, type MerkleProofStep } from '@cityledger/proofs';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { parseBatch, type BatchClaim } from './batch-arguments';
import { crosses, parseFeedDefinition, parseThresholds } from './feed-arguments';
import {
  BatchAnchor,
  BatchAnchorPage,
  Feed,
  FeedHistoryEntry,
  FeedPage,
  ReadingVerification,
  SeqAnchorStatus,
  ThresholdAlert,
  ThresholdAlertPage,
  type Comparison,
} from './records';
import {
  addRange,
  bucketsOf,
  clip,
  findOverlap,
  isCovered,
  type Coverage,
  BUCKET_SIZE,
} from './seq-coverage';

const KEY = {
  feed: 'feed',
  batch: 'batch',
  batchByFeed: 'batch~feed',
  alert: 'alert',
  coverage: 'seq-coverage',
} as const;

/** Feed owners and batch anchoring: operators of a member org. The auditor writes nothing. */
const FEED_OPERATORS: CallerRule = { mspIds: [MSP.City, MSP.Utility, MSP.Community], roles: [ROLE.Operator] };

interface CoverageRecord {
  deviceId: string;
  bucket: number;
  ranges: Coverage;
}

@Info({
  title: 'CityLedger telemetry',
  description: 'IoT feeds, Merkle anchoring of reading batches, threshold alerts, reading proofs',
})
export class TelemetryContract extends Contract {
  constructor() {
    super('telemetry');
  }

  /**
   * Creates a feed owned by the caller's org. `feedJson`:
   * `{feedId, description, metrics: [{name, unit}], deviceKinds: [...], thresholds?: [{metric, comparison, limit}]}`.
   */
  @Transaction()
  @Returns('Feed')
  async CreateFeed(ctx: Context, feedJson: string): Promise<Feed> {
    const caller = requireCaller(ctx, FEED_OPERATORS, 'create feeds');
    const definition = parseFeedDefinition('feedJson', feedJson);
    const key = compositeKey(ctx, KEY.feed, [definition.feedId]);
    if (await keyExists(ctx, key)) {
      throw new ConflictError(`feed ${definition.feedId} already exists`);
    }
    const now = txTimeIso(ctx);
    const feed: Feed = {
      ...definition,
      channel: ctx.stub.getChannelID(),
      ownerMsp: caller.mspId,
      created: now,
      updated: now,
    };
    await putJson(ctx, key, feed);
    emitEvent(ctx, 'FeedCreated', {
      feedId: feed.feedId,
      channel: feed.channel,
      ownerMsp: feed.ownerMsp,
      metrics: feed.metrics,
      deviceKinds: feed.deviceKinds,
      thresholds: feed.thresholds,
      created: now,
    });
    return feed;
  }

  /** Replaces a feed's threshold rules (JSON array of `{metric, comparison, limit}`); owner operators only. */
  @Transaction()
  @Returns('Feed')
  async UpdateFeedThresholds(ctx: Context, feedId: string, thresholdsJson: string): Promise<Feed> {
    const caller = requireCaller(ctx, FEED_OPERATORS, 'change feeds');
    const id = parseId('feedId', feedId);
    // The rules are checked against the feed's metrics once the feed is read.
    const rawRules = parseArray('thresholdsJson', thresholdsJson, (_f, v) => v, { maxItems: 32 });
    const feed = await requireJson<Feed>(ctx, compositeKey(ctx, KEY.feed, [id]), `feed ${id}`);
    requireMsp(caller, feed.ownerMsp, `change feed ${id}`);
    const thresholds = parseThresholds(
      'thresholdsJson',
      rawRules,
      feed.metrics.map((m) => m.name),
    );
    const now = txTimeIso(ctx);
    const updated: Feed = { ...feed, thresholds, updated: now };
    await putJson(ctx, compositeKey(ctx, KEY.feed, [id]), updated);
    emitEvent(ctx, 'FeedThresholdsUpdated', { feedId: id, thresholds, updated: now });
    return updated;
  }

  /**
   * Anchors a batch of readings: `{feedId, batchId, merkleRoot, count, perDevice: {deviceId:
   * {firstSeq, lastSeq}}, from, to, alerts?: [{deviceId, seq, metric, value, timestamp}]}`.
   * Refuses a batch whose sequence range overlaps one already anchored for the same device.
   * Emits one `BatchAnchored` event that carries the threshold alerts.
   */
  @Transaction()
  @Returns('BatchAnchor')
  async AnchorBatch(ctx: Context, batchJson: string): Promise<BatchAnchor> {
    const caller = requireCaller(ctx, FEED_OPERATORS, 'anchor batches');
    const claim = parseBatch('batchJson', batchJson);

    const feed = await requireJson<Feed>(
      ctx,
      compositeKey(ctx, KEY.feed, [claim.feedId]),
      `feed ${claim.feedId}`,
    );
    requireMsp(caller, feed.ownerMsp, `anchor batches of feed ${feed.feedId}`);
    const batchKey = compositeKey(ctx, KEY.batch, [claim.batchId]);
    if (await keyExists(ctx, batchKey)) {
      throw new ConflictError(`batch ${claim.batchId} is already anchored`);
    }
    const coverage = await this.readAndExtendCoverage(ctx, claim);
    const now = txTimeIso(ctx);
    const alerts = this.checkAlerts(claim, feed);

    const anchor: BatchAnchor = {
      feedId: claim.feedId,
      batchId: claim.batchId,
      merkleRoot: claim.merkleRoot,
      count: claim.count,
      perDevice: claim.perDevice,
      from: claim.from,
      to: claim.to,
      anchoredAt: now,
      anchoredBy: caller.mspId,
      txId: ctx.stub.getTxID(),
      alertCount: alerts.length,
    };
    await putJson(ctx, batchKey, anchor);
    await putIndex(ctx, compositeKey(ctx, KEY.batchByFeed, [claim.feedId, claim.from, claim.batchId]));
    for (const record of coverage) {
      await putJson(ctx, this.coverageKey(ctx, record.deviceId, record.bucket), record);
    }
    for (const [i, alert] of alerts.entries()) {
      const key = compositeKey(ctx, KEY.alert, [
        claim.feedId,
        alert.timestamp,
        claim.batchId,
        String(i).padStart(4, '0'),
      ]);
      await putJson(ctx, key, alert);
    }
    emitEvent(ctx, 'BatchAnchored', {
      feedId: anchor.feedId,
      batchId: anchor.batchId,
      merkleRoot: anchor.merkleRoot,
      count: anchor.count,
      perDevice: anchor.perDevice,
      from: anchor.from,
      to: anchor.to,
      anchoredAt: now,
      thresholdExceeded: alerts.length > 0,
      alerts,
    });
    return anchor;
  }

  /**
   * Proves one reading kept off-chain against an anchored batch. `readingJson` is the full reading
   * (signature included; key order and whitespace do not matter), `proofJson` the sibling path
   * `[{position: 'left'|'right', hash}]` from the gateway.
   */
  @Transaction(false)
  @Returns('ReadingVerification')
  async VerifyReading(
    ctx: Context,
    batchId: string,
    readingJson: string,
    proofJson: string,
  ): Promise<ReadingVerification> {
    const id = parseId('batchId', batchId);
    const reading = parseJsonObject('readingJson', readingJson, { maxBytes: 16 * 1024 });
    const deviceId = parseIdOrDid('readingJson.deviceId', reading.deviceId);
    const seq = parseNonNegativeInteger('readingJson.seq', reading.seq);
    const proof = parseArray('proofJson', proofJson, parseProofStep, { maxItems: 64 });
    const batch = await requireJson<BatchAnchor>(ctx, compositeKey(ctx, KEY.batch, [id]), `batch ${id}`);

    const leafHash = jsonLeafHash(reading);
    const result = { batchId: id, merkleRoot: batch.merkleRoot, leafHash };
    const range = Object.prototype.hasOwnProperty.call(batch.perDevice, deviceId)
      ? batch.perDevice[deviceId]
      : undefined;
    if (!range) {
      return { valid: false, reason: 'device-not-in-batch', ...result };
    }
    if (seq < range.firstSeq || seq > range.lastSeq) {
      return { valid: false, reason: 'seq-outside-range', ...result };
    }
    // The reading keeps the timestamp as its device wrote it (any RFC 3339 spelling); the batch's
    // range is normalised, so only the normalised instant compares with it.
    const at =
      typeof reading.timestamp === 'string'
        ? parseIsoTimestamp('readingJson.timestamp', reading.timestamp)
        : undefined;
    if (at !== undefined && (at < batch.from || at > batch.to)) {
      return { valid: false, reason: 'timestamp-outside-batch', ...result };
    }
    if (!verifyProofSteps(leafHash, proof, batch.merkleRoot)) {
      return { valid: false, reason: 'proof-mismatch', ...result };
    }
    return { valid: true, ...result };
  }

  @Transaction(false)
  @Returns('Feed')
  async GetFeed(ctx: Context, feedId: string): Promise<Feed> {
    const id = parseId('feedId', feedId);
    return requireJson<Feed>(ctx, compositeKey(ctx, KEY.feed, [id]), `feed ${id}`);
  }

  @Transaction(false)
  @Returns('FeedPage')
  async ListFeeds(ctx: Context, pageSize: string, bookmark: string): Promise<FeedPage> {
    return pageOfRecords<Feed>(ctx, KEY.feed, [], pageSize, bookmark);
  }

  @Transaction(false)
  @Returns('FeedHistoryEntry[]')
  async GetFeedHistory(ctx: Context, feedId: string): Promise<FeedHistoryEntry[]> {
    const id = parseId('feedId', feedId);
    return readHistory<Feed>(ctx, compositeKey(ctx, KEY.feed, [id]));
  }

  @Transaction(false)
  @Returns('BatchAnchor')
  async GetBatch(ctx: Context, batchId: string): Promise<BatchAnchor> {
    const id = parseId('batchId', batchId);
    return requireJson<BatchAnchor>(ctx, compositeKey(ctx, KEY.batch, [id]), `batch ${id}`);
  }

  /** Batches of a feed, in order of their `from` time. */
  @Transaction(false)
  @Returns('BatchAnchorPage')
  async ListBatchesByFeed(
    ctx: Context,
    feedId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<BatchAnchorPage> {
    const id = parseId('feedId', feedId);
    return pageViaIndex<BatchAnchor>(ctx, KEY.batchByFeed, [id], pageSize, bookmark, (a) =>
      compositeKey(ctx, KEY.batch, [a[2]]),
    );
  }

  /** Threshold alerts of a feed, in order of the readings' timestamps. */
  @Transaction(false)
  @Returns('ThresholdAlertPage')
  async ListAlertsByFeed(
    ctx: Context,
    feedId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<ThresholdAlertPage> {
    const id = parseId('feedId', feedId);
    return pageOfRecords<ThresholdAlert>(ctx, KEY.alert, [id], pageSize, bookmark);
  }

  /** Whether a device's reading number `seq` is covered by an anchored batch. */
  @Transaction(false)
  @Returns('SeqAnchorStatus')
  async IsSeqAnchored(ctx: Context, deviceId: string, seq: string): Promise<SeqAnchorStatus> {
    const device = parseIdOrDid('deviceId', deviceId);
    const n = parseNonNegativeInteger('seq', seq);
    const record = await getJson<CoverageRecord>(
      ctx,
      this.coverageKey(ctx, device, Math.floor(n / BUCKET_SIZE)),
    );
    return { deviceId: device, seq: n, anchored: !!record && isCovered(record.ranges, n) };
  }

  // ---------------------------------------------------------------- internals

  private coverageKey(ctx: Context, deviceId: string, bucket: number): string {
    return compositeKey(ctx, KEY.coverage, [deviceId, String(bucket).padStart(12, '0')]);
  }

  /** Reads the coverage buckets of every device in the batch; CONFLICT on overlap; returns the new buckets. */
  private async readAndExtendCoverage(ctx: Context, claim: BatchClaim): Promise<CoverageRecord[]> {
    const updated: CoverageRecord[] = [];
    for (const deviceId of Object.keys(claim.perDevice).sort()) {
      const range = claim.perDevice[deviceId];
      for (const bucket of bucketsOf(range)) {
        const existing = await getJson<CoverageRecord>(ctx, this.coverageKey(ctx, deviceId, bucket));
        const ranges = existing?.ranges ?? [];
        const part = clip(range, bucket);
        const overlap = findOverlap(ranges, part);
        if (overlap) {
          throw new ConflictError(
            `readings ${overlap[0]}..${overlap[1]} of device ${deviceId} are already anchored; ` +
              `batch ${claim.batchId} claims ${range.firstSeq}..${range.lastSeq}`,
          );
        }
        updated.push({ deviceId, bucket, ranges: addRange(ranges, part) });
      }
    }
    return updated;
  }

  /** Checks each claimed alert against the batch and the feed's rules; returns the alert records. */
  private checkAlerts(claim: BatchClaim, feed: Feed): ThresholdAlert[] {
    const seen = new Set<string>();
    return claim.alerts.map((alert, i) => {
      const field = `batchJson.alerts[${i}]`;
      const range = Object.prototype.hasOwnProperty.call(claim.perDevice, alert.deviceId)
        ? claim.perDevice[alert.deviceId]
        : undefined;
      if (!range || alert.seq < range.firstSeq || alert.seq > range.lastSeq) {
        throw new InvalidArgumentError(
          `${field}.seq`,
          `reading ${alert.seq} of ${alert.deviceId} is not in this batch`,
        );
      }
      if (alert.timestamp < claim.from || alert.timestamp > claim.to) {
        throw new InvalidArgumentError(
          `${field}.timestamp`,
          `must lie within the batch (${claim.from}..${claim.to})`,
        );
      }
      const metric = feed.metrics.find((m) => m.name === alert.metric);
      if (!metric) {
        throw new InvalidArgumentError(
          `${field}.metric`,
          `feed ${feed.feedId} has no metric '${alert.metric}'`,
        );
      }
      const rule = feed.thresholds.find(
        (r) => r.metric === alert.metric && crosses(alert.value, r.comparison as Comparison, r.limit),
      );
      if (!rule) {
        throw new InvalidArgumentError(
          `${field}.value`,
          `${alert.value} crosses no threshold of metric '${alert.metric}' in feed ${feed.feedId}`,
        );
      }
      const identity = `${alert.deviceId}\u0000${alert.seq}\u0000${alert.metric}`;
      if (seen.has(identity)) {
        throw new InvalidArgumentError(field, 'duplicates an earlier alert');
      }
      seen.add(identity);
      return {
        feedId: feed.feedId,
        batchId: claim.batchId,
        deviceId: alert.deviceId,
        seq: alert.seq,
        metric: alert.metric,
        value: alert.value,
        unit: metric.unit,
        timestamp: alert.timestamp,
        comparison: rule.comparison,
        limit: rule.limit,
      };
    });
  }
}

function parseProofStep(field: string, value: unknown): MerkleProofStep {
  const raw = parseJsonObject(field, value, { allowedKeys: ['position', 'hash'] });
  if (raw.position !== 'left' && raw.position !== 'right') {
    throw new InvalidArgumentError(`${field}.position`, "must be 'left' or 'right'");
  }
  if (typeof raw.hash !== 'string' || !/^[0-9a-fA-F]{64}$/.test(raw.hash)) {
    throw new InvalidArgumentError(`${field}.hash`, 'must be a SHA-256 hash as 64 hexadecimal characters');
  }
  return { position: raw.position, hash: raw.hash.toLowerCase() };
}
