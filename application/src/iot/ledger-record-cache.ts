/**
 * Hand-written rather than lru-cache: lru-cache is only in node_modules as a dependency of mqtt
 * and mocha, not declared by this package, so its version is not ours to rely on. What the bridge
 * needs is one read in flight per key, absent ids remembered for a while, failed reads forgotten
 * and invalidation that outdates a read still in flight, on the injected clock. `records` holds
 * at most the ledger's devices and feeds, so it needs no bound; the absent ids are named by
 * whoever sends a reading, so they are bounded twice: an id is dropped once its retry time has
 * passed, and past `maxAbsent` the oldest goes first — a stream of never-repeated unknown ids
 * costs a ledger query each, but no memory beyond the cap.
 */
import type { Caller } from '../auth/caller';
import { NotFoundError } from '../errors/gateway-errors';
import type { ChaincodeCall, LedgerConnector } from '../ledger/ledger-connector';

/** Absent ids remembered at most: a megabyte or two of DIDs, far more than a city has devices. */
const DEFAULT_MAX_ABSENT = 10_000;

/**
 * Ledger records (device documents, feed definitions) that the bridge reads on every reading,
 * cached in memory so that a reading costs no ledger query. The owner drops an entry when a
 * chaincode event says it changed. A record the ledger does not have is remembered as absent for
 * `absentRetryMs`, so a flood of readings naming an unknown id does not become a flood of
 * queries; a failed read is forgotten at once, so the next reading asks again.
 */
export class LedgerRecordCache<T> {
  private readonly records = new Map<string, Promise<T | undefined>>();
  /** In the order the ids were found absent, so the oldest is first. */
  private readonly absentSince = new Map<string, number>();

  constructor(
    private readonly absentRetryMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxAbsent = DEFAULT_MAX_ABSENT,
  ) {}

  /** How many ids are remembered as absent: never more than `maxAbsent`. */
  get absentCount(): number {
    return this.absentSince.size;
  }

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
          this.rememberAbsent(key);
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

  private rememberAbsent(key: string): void {
    const now = this.now();
    this.absentSince.delete(key);
    for (const [oldest, since] of this.absentSince) {
      if (now - since < this.absentRetryMs && this.absentSince.size < this.maxAbsent) break;
      this.absentSince.delete(oldest);
    }
    this.absentSince.set(key, now);
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
