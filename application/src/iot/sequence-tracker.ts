import type { BridgeStore, StoreOperation } from './bridge-store';
import type { ReadingProofs } from './reading-proofs';

/** A claim on a device's next sequence number, undone if the reading cannot be stored. */
export interface SeqClaim {
  deviceId: string;
  seq: number;
  previous: number | undefined;
}

/**
 * The last accepted `seq` of every device, so that replayed and out-of-order readings are refused
 * before they reach the outbox. Durable: the new value is written in the same atomic batch as
 * the reading, and loaded back at start, so a restart does not reopen old sequence numbers.
 */
export class SequenceTracker {
  private constructor(
    private readonly store: BridgeStore,
    private readonly lastSeq: Map<string, number>,
  ) {}

  static async load(store: BridgeStore): Promise<SequenceTracker> {
    const lastSeq = new Map<string, number>();
    for await (const [deviceId, seq] of store.deviceSeq.iterator()) lastSeq.set(deviceId, seq);
    return new SequenceTracker(store, lastSeq);
  }

  lastAccepted(deviceId: string): number | undefined {
    return this.lastSeq.get(deviceId);
  }

  /** Claims `seq` when it follows the last accepted one; synchronous, so concurrent requests cannot both claim it. */
  claim(deviceId: string, seq: number): SeqClaim | undefined {
    const previous = this.lastSeq.get(deviceId);
    if (previous !== undefined && seq <= previous) return undefined;
    this.lastSeq.set(deviceId, seq);
    return { deviceId, seq, previous };
  }

  /** Undoes a claim whose reading was not stored (unless a later claim superseded it). */
  release(claim: SeqClaim): void {
    if (this.lastSeq.get(claim.deviceId) !== claim.seq) return;
    if (claim.previous === undefined) this.lastSeq.delete(claim.deviceId);
    else this.lastSeq.set(claim.deviceId, claim.previous);
  }

  /** The writes that make claims durable: the highest claimed seq per device. */
  persistOperations(claims: readonly SeqClaim[]): StoreOperation[] {
    const highest = new Map<string, number>();
    for (const c of claims) highest.set(c.deviceId, Math.max(c.seq, highest.get(c.deviceId) ?? 0));
    return [...highest].map(
      ([deviceId, seq]) =>
        ({ type: 'put', sublevel: this.store.deviceSeq, key: deviceId, value: seq }) as StoreOperation,
    );
  }

  /** Why `seq` (not above the last accepted) is refused: seen before, or arriving too late. */
  async staleReason(
    proofs: ReadingProofs,
    deviceId: string,
    seq: number,
  ): Promise<'duplicate' | 'out-of-order'> {
    return (await proofs.has(deviceId, seq)) ? 'duplicate' : 'out-of-order';
  }
}
