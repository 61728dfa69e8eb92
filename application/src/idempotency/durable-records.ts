import { mkdirSync } from 'node:fs';
import type { AbstractSublevel } from 'abstract-level';
import { ClassicLevel } from 'classic-level';

type Database = ClassicLevel<string, unknown>;

interface Dated<V> {
  storedAt: number;
  value: V;
}

type DatedSublevel<V> = AbstractSublevel<Database, string | Buffer | Uint8Array, string, Dated<V>>;

/** A sublevel and its database, through which writes go: only the database syncs them. */
interface Place<V> {
  db: Database;
  sublevel: DatedSublevel<V>;
}

/** How long records are kept; tests inject their own clock. */
export interface RetentionPolicy {
  retentionMs: number;
  now: () => number;
}

/** Expired records are deleted by a sweep that writes start, at most this often. */
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Records of one kind that the gateway keeps for a while (answers to replay, transaction
 * statuses), each forgotten `retentionMs` after it was written: reads ignore an expired record at
 * once, and a sweep deletes them from disk in the background. Every write is synced to disk
 * before it resolves: a record is there after a crash exactly when its write resolved.
 */
export class ExpiringRecords<V> {
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly place: () => Promise<Place<V>>,
    private readonly policy: RetentionPolicy,
  ) {}

  private expired(record: Dated<V>): boolean {
    return record.storedAt + this.policy.retentionMs <= this.policy.now();
  }

  async get(key: string): Promise<V | undefined> {
    const record = await (await this.place()).sublevel.get(key);
    return record && !this.expired(record) ? record.value : undefined;
  }

  async put(key: string, value: V): Promise<void> {
    const now = this.policy.now();
    const { db, sublevel } = await this.place();
    await db.batch([{ type: 'put', sublevel, key, value: { storedAt: now, value } }], { sync: true });
    if (now - this.lastSweep >= Math.min(SWEEP_INTERVAL_MS, this.policy.retentionMs)) {
      this.lastSweep = now;
      // A failed sweep only leaves expired records on disk a little longer.
      this.sweep().catch(() => undefined);
    }
  }

  /** Deletes the expired records (reads already ignore them); answers how many there were. */
  async sweep(): Promise<number> {
    const { db, sublevel } = await this.place();
    const expiredKeys: string[] = [];
    for await (const [key, record] of sublevel.iterator()) {
      if (this.expired(record)) expiredKeys.push(key);
    }
    if (expiredKeys.length > 0) {
      await db.batch(
        expiredKeys.map((key) => ({ type: 'del' as const, sublevel, key })),
        { sync: true },
      );
    }
    return expiredKeys.length;
  }
}

/**
 * The gateway's own durable store for what it promised clients about their writes: one LevelDB
 * (classic-level, as the embedded ledger and the IoT bridge use) in a folder of the data
 * directory, with a sublevel per kind of record. Opened on first use, so a gateway whose clients
 * never ask for it never creates it.
 */
export class DurableRecordStore {
  private opening?: Promise<Database>;

  constructor(
    private readonly directory: string,
    private readonly policy: RetentionPolicy,
  ) {}

  private database(): Promise<Database> {
    this.opening ??= (async () => {
      mkdirSync(this.directory, { recursive: true });
      const db: Database = new ClassicLevel<string, unknown>(this.directory, { valueEncoding: 'json' });
      await db.open();
      return db;
    })();
    return this.opening;
  }

  records<V>(kind: string): ExpiringRecords<V> {
    let place: Place<V> | undefined;
    return new ExpiringRecords(async () => {
      if (!place) {
        const db = await this.database();
        place = { db, sublevel: db.sublevel<string, Dated<V>>(kind, { valueEncoding: 'json' }) };
      }
      return place;
    }, this.policy);
  }

  async close(): Promise<void> {
    const opening = this.opening;
    if (!opening) return;
    this.opening = undefined;
    await (await opening.catch(() => undefined))?.close();
  }
}
