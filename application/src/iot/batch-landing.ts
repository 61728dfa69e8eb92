import type { OutboxEntry, PendingBatch } from './outbox';
import type { ReadingLanding } from './reading-proofs';

/**
 * How the batches of one kind of route reach their chaincode. A landing builds the transaction,
 * submits it, and — the other half of exactly-once — recognises from the chaincode's refusal of a
 * resubmitted batch that the batch is in fact already on the ledger.
 */
export interface BatchLanding {
  /** Whether `next` may join the readings already `taken` into one transaction. */
  fits(taken: readonly OutboxEntry[], next: OutboxEntry): boolean;
  /** Submits the batch; one landing per reading, in batch order. */
  land(batch: PendingBatch): Promise<ReadingLanding[]>;
  /**
   * After `land` failed with `error`: the readings' landings if the batch is on the ledger all
   * the same (an earlier submission of it committed), else undefined.
   */
  alreadyLanded(batch: PendingBatch, error: unknown): Promise<ReadingLanding[] | undefined>;
}
