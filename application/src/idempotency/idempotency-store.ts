import type { ExpiringRecords } from './durable-records';

/** An answer as it was sent, to be sent again. */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface IdempotencyRecord {
  fingerprint: string;
  answer: StoredAnswer;
}

/** What a request with an idempotency key is to do. */
export type Reservation =
  /** First of its key: run it, then `complete` with the answer to keep, or `release` the key. */
  | { outcome: 'new'; complete(answer: StoredAnswer): Promise<void>; release(): void }
  /** The same request was answered before: send that answer again. */
  | { outcome: 'replay'; answer: StoredAnswer }
  /** The key was used for another request (another body or resource). */
  | { outcome: 'mismatch' }
  /** The same request is still running. */
  | { outcome: 'in-flight' };

/**
 * The first answer to each idempotency key, kept (synced to disk) for the retention period.
 * Requests in progress are held in memory only: after a restart their key is free again (see
 * docs/api.md, "Retries and asynchronous writes").
 *
 * @example
 * ```ts
 * const reservation = await store.reserve(scope, fingerprint);
 * if (reservation.outcome === 'new') {
 *   const answer = await run();
 *   await reservation.complete(answer);
 * }
 * ```
 */
export class IdempotencyStore {
  /** Scope → fingerprint of the request running under it. */
  private readonly inFlight = new Map<string, string>();

  constructor(private readonly records: ExpiringRecords<IdempotencyRecord>) {}

  async reserve(scope: string, fingerprint: string): Promise<Reservation> {
    // Claimed before the first await: of two concurrent requests, exactly one runs.
    const running = this.inFlight.get(scope);
    if (running !== undefined) return { outcome: running === fingerprint ? 'in-flight' : 'mismatch' };
    this.inFlight.set(scope, fingerprint);
    let stored: IdempotencyRecord | undefined;
    try {
      stored = await this.records.get(scope);
    } catch (error) {
      this.inFlight.delete(scope);
      throw error;
    }
    if (stored) {
      this.inFlight.delete(scope);
      return stored.fingerprint === fingerprint
        ? { outcome: 'replay', answer: stored.answer }
        : { outcome: 'mismatch' };
    }
    let settled = false;
    const release = () => {
      if (settled) return;
      settled = true;
      this.inFlight.delete(scope);
    };
    return {
      outcome: 'new',
      complete: async (answer) => {
        try {
          await this.records.put(scope, { fingerprint, answer });
        } finally {
          release();
        }
      },
      release,
    };
  }

  /** Forgets expired answers; run at start. */
  sweep(): Promise<number> {
    return this.records.sweep();
  }
}
