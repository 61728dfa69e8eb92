/**
 * Hand-written rather than lru-cache: lru-cache is only in node_modules as a dependency of mqtt
 * and mocha, not declared by this package, so its version is not ours to rely on. What the bridge
 * needs is not eviction but one read in flight per key, absent ids remembered for a while, failed
 * reads forgotten and invalidation that outdates a read still in flight, on the injected clock.
 * Nothing is evicted by size: `records` holds at most the ledger's devices and feeds, but an
 * absent id stays in `absentSince` until it is asked for again or invalidated, so a stream of
 * never-repeated unknown ids grows it; a bound (lru-cache's `max`, or a sweep) would be the fix.
 */
import type { Caller } from '../auth/caller';
import { NotFoundError } from '../errors/gateway-errors';
import type { ChaincodeCall, LedgerConnector } from '../ledger/ledger-connector';

/**
 * Ledger records (device documents, feed definitions) that the bridge reads on every reading,
 * cached in memory so that a reading costs no ledger query. The owner drops an entry when a
 * chaincode event says it changed. A record the ledger does not have is remembered as absent for
 * `absentRetryMs`, so a flood of readings naming an unknown id does not become a flood of
 * queries; a failed read is forgotten at once, so the next reading asks again.
 */
export class LedgerRecordCache<T> {
  private readonly records = new Map<string, Promise<T | undefined>>();
  private readonly absentSince = new Map<string, number>();

  constructor(
    private readonly absentRetryMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached record under `key`, or what `read` answers when there is none yet. */
  get(key: string, read: () => Promise<T | undefined>): Promise<T | undefined> {
    const absentAt = this.absentSince.get(key);
    if (absentAt !== undefined) {
      if (this.now() - absentAt < this.absentRetryMs) return Promise.resolve(undefined);
      this.absentSince.delete(key);
    }
    const cached = this.records.get(key);
    if (cached) return cached;
    const reading = read();
    this.records.set(key, reading);
    // Only the read that is still cached may update the entry: an invalidation while it was in
    // flight has already made way for a newer one.
    reading.then(
      (found) => {
        if (!found && this.records.get(key) === reading) {
          this.records.delete(key);
          this.absentSince.set(key, this.now());
        }
      },
      () => {
        if (this.records.get(key) === reading) this.records.delete(key);
      },
    );
    return reading;
  }

  invalidate(key: string): void {
    this.records.delete(key);
    this.absentSince.delete(key);
  }
}

/**
 * Evaluates `call`, answering undefined where the chaincode says the record does not exist;
 * every other failure (the ledger unavailable, a rejected call) is still thrown.
 */
export async function evaluateIfFound(
  ledger: LedgerConnector,
  caller: Caller,
  call: ChaincodeCall,
): Promise<Buffer | undefined> {
  try {
    return await ledger.evaluate(caller, call);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
