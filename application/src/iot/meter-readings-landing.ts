import type { LedgerConnector } from '../ledger/ledger-connector';
import type { BatchLanding } from './batch-landing';
import type { OutboxEntry, PendingBatch } from './outbox';
import type { ReadingLanding } from './reading-proofs';

/** energy-trading takes at most this many readings per `SubmitMeterReadings`. */
const MAX_METER_READINGS = 500;

/**
 * Meter feeds: the signed register readings themselves go to energy-trading's
 * `SubmitMeterReadings` (which re-verifies each signature and keeps one record per meter and
 * seq). Resubmitting readings it already holds is answered as duplicates, not refused, so a
 * batch resubmitted after a crash simply lands again as a no-op.
 */
export class MeterReadingsLanding implements BatchLanding {
  constructor(
    private readonly ledger: LedgerConnector,
    private readonly maxReadings: number,
  ) {}

  fits(taken: readonly OutboxEntry[]): boolean {
    return taken.length + 1 <= Math.min(this.maxReadings, MAX_METER_READINGS);
  }

  async land(batch: PendingBatch): Promise<ReadingLanding[]> {
    const { route } = batch;
    const committed = await this.ledger.submit(route.submitter, {
      channel: route.channel,
      chaincode: 'energy-trading',
      function: 'SubmitMeterReadings',
      args: [JSON.stringify(batch.entries.map((e) => e.record.reading))],
    });
    const landedAt = new Date().toISOString();
    return batch.entries.map(() => ({
      channel: route.channel,
      chaincode: 'energy-trading',
      txId: committed.txId,
      blockNumber: committed.blockNumber,
      landedAt,
    }));
  }

  alreadyLanded(): Promise<ReadingLanding[] | undefined> {
    return Promise.resolve(undefined);
  }
}
