import { type MerkleProofStep, jsonLeafHash, merkleTree } from '@cityledger/proofs';
import { ConflictError, InvalidInputError, LedgerFailureError } from '../errors/gateway-errors';
import type { LedgerConnector } from '../ledger/ledger-connector';
import type { BatchLanding } from './batch-landing';
import { type FeedRouter, crossedThreshold } from './feed-router';
import type { OutboxEntry, PendingBatch } from './outbox';
import type { ReadingLanding } from './reading-proofs';
import { type DeviceReading, readingInstant } from './reading-schema';
import type { ServiceCallers } from './service-callers';

/** telemetry's per-batch limits (chaincode/telemetry/src/batch-arguments.ts). */
const MAX_DEVICES = 1000;
const MAX_RANGE_WIDTH = 65_536;
const MAX_ALERTS = 1000;

/** The root and every reading's proof steps, building the batch's tree once. */
function rootAndProofsOf(readings: readonly DeviceReading[]): { root: string; proofs: MerkleProofStep[][] } {
  const tree = merkleTree(readings.map((reading) => jsonLeafHash(reading)));
  return { root: tree.root, proofs: readings.map((_, i) => tree.proofSteps(i)) };
}

/**
 * Telemetry feeds: a batch is anchored as a Merkle root with its count, per-device sequence
 * ranges, time range and the threshold alerts its readings raise (`AnchorBatch`); the raw
 * readings stay in the bridge's store with their proofs.
 */
export class TelemetryAnchoring implements BatchLanding {
  constructor(
    private readonly ledger: LedgerConnector,
    private readonly feeds: FeedRouter,
    private readonly callers: ServiceCallers,
    private readonly maxReadings: number,
  ) {}

  fits(taken: readonly OutboxEntry[], next: OutboxEntry): boolean {
    if (taken.length + 1 > this.maxReadings) return false;
    const device = next.record.reading.deviceId;
    const ofDevice = taken.filter((e) => e.record.reading.deviceId === device);
    if (ofDevice.length === 0) {
      return new Set(taken.map((e) => e.record.reading.deviceId)).size < MAX_DEVICES;
    }
    return next.record.reading.seq - ofDevice[0]!.record.reading.seq < MAX_RANGE_WIDTH;
  }

  async land(batch: PendingBatch): Promise<ReadingLanding[]> {
    const { route } = batch;
    const readings = batch.entries.map((e) => e.record.reading);
    const { root, proofs } = rootAndProofsOf(readings);
    const perDevice: Record<string, { firstSeq: number; lastSeq: number }> = {};
    for (const r of readings) {
      const range = perDevice[r.deviceId];
      perDevice[r.deviceId] = range
        ? { firstSeq: Math.min(range.firstSeq, r.seq), lastSeq: Math.max(range.lastSeq, r.seq) }
        : { firstSeq: r.seq, lastSeq: r.seq };
    }
    const times = readings.map((r) => Date.parse(readingInstant(r.timestamp)));
    const feed = await this.feeds.feed(route.channel, route.feedId);
    const alerts = feed
      ? readings
          .filter((r) => crossedThreshold(feed, r.metric, r.value))
          .slice(0, MAX_ALERTS)
          .map((r) => ({
            deviceId: r.deviceId,
            seq: r.seq,
            metric: r.metric,
            value: r.value,
            timestamp: readingInstant(r.timestamp),
          }))
      : [];
    const batchJson = {
      feedId: route.feedId,
      batchId: batch.batchId,
      merkleRoot: root,
      count: readings.length,
      perDevice,
      from: new Date(Math.min(...times)).toISOString(),
      to: new Date(Math.max(...times)).toISOString(),
      ...(alerts.length > 0 ? { alerts } : {}),
    };
    let committed;
    try {
      committed = await this.ledger.submit(route.submitter, {
        channel: route.channel,
        chaincode: 'telemetry',
        function: 'AnchorBatch',
        args: [JSON.stringify(batchJson)],
      });
    } catch (error) {
      if (error instanceof InvalidInputError && error.field.startsWith('batchJson.alerts')) {
        // The feed's rules changed since they were read: re-read them and try again.
        this.feeds.invalidate(route.channel, route.feedId);
        throw new LedgerFailureError('ALERT_RULES_CHANGED', error.message);
      }
      throw error;
    }
    return this.landings(batch, root, proofs, committed.txId, committed.blockNumber);
  }

  async alreadyLanded(batch: PendingBatch, error: unknown): Promise<ReadingLanding[] | undefined> {
    if (
      !(error instanceof ConflictError) ||
      !error.message.includes(`batch ${batch.batchId} is already anchored`)
    ) {
      return undefined;
    }
    const { route } = batch;
    const anchor = JSON.parse(
      (
        await this.ledger.evaluate(this.callers.readerOn(route.channel) ?? route.submitter, {
          channel: route.channel,
          chaincode: 'telemetry',
          function: 'GetBatch',
          args: [batch.batchId],
        })
      ).toString('utf8'),
    ) as { merkleRoot: string; txId: string };
    const { root, proofs } = rootAndProofsOf(batch.entries.map((e) => e.record.reading));
    if (anchor.merkleRoot !== root) return undefined;
    const tx = await this.ledger.transaction(route.channel, anchor.txId);
    return this.landings(batch, root, proofs, anchor.txId, tx?.blockNumber ?? -1);
  }

  private landings(
    batch: PendingBatch,
    merkleRoot: string,
    proofs: MerkleProofStep[][],
    txId: string,
    blockNumber: number,
  ): ReadingLanding[] {
    const landedAt = new Date().toISOString();
    return batch.entries.map((_, i) => ({
      channel: batch.route.channel,
      chaincode: 'telemetry',
      txId,
      blockNumber,
      batchId: batch.batchId,
      merkleRoot,
      leafIndex: i,
      proof: proofs[i]!,
      landedAt,
    }));
  }
}
