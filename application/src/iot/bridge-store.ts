import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AbstractBatchOperation, AbstractSublevel } from 'abstract-level';
import { ClassicLevel } from 'classic-level';

type Database = ClassicLevel<string, unknown>;
export type JsonSublevel<V> = AbstractSublevel<Database, string | Buffer | Uint8Array, string, V>;
/** One write of an atomic group: a put or delete in one of the store's sublevels. */
export type StoreOperation = AbstractBatchOperation<Database, string, unknown>;

interface PendingWrite {
  operations: StoreOperation[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The bridge's durable store: one LevelDB (classic-level) with a sublevel per kind of record, so
 * that a reading, its outbox entry and its device's last sequence number are written in one
 * atomic batch.
 *
 * Every write is synced to disk before it resolves — that is what lets the bridge acknowledge a
 * reading. A synced write costs about as much whatever its size (FABRIC-NOTES: ~1.5k fsyncs/s), so
 * writes are group-committed: while one batch is being synced, the writes that arrive queue up
 * and go to disk together in the next one.
 */
export class BridgeStore {
  readonly meta: JsonSublevel<unknown>;
  readonly deviceSeq: JsonSublevel<number>;
  readonly readings: JsonSublevel<unknown>;
  readonly outbox: JsonSublevel<string>;
  readonly batches: JsonSublevel<unknown>;
  private queue: PendingWrite[] = [];
  private flushing = false;
  private groupsWritten = 0;

  private constructor(
    private readonly db: Database,
    /** Unique per store: part of every batch id, so two stores never claim the same batch id. */
    readonly instanceId: string,
  ) {
    const json = { valueEncoding: 'json' as const };
    this.meta = db.sublevel<string, unknown>('meta', json);
    this.deviceSeq = db.sublevel<string, number>('device-seq', json);
    this.readings = db.sublevel<string, unknown>('readings', json);
    this.outbox = db.sublevel<string, string>('outbox', json);
    this.batches = db.sublevel<string, unknown>('batches', json);
  }

  static async open(directory: string): Promise<BridgeStore> {
    mkdirSync(directory, { recursive: true });
    const db: Database = new ClassicLevel<string, unknown>(directory, { valueEncoding: 'json' });
    await db.open();
    const meta = db.sublevel<string, unknown>('meta', { valueEncoding: 'json' });
    let instanceId = (await meta.get('instance-id')) as string | undefined;
    if (!instanceId) {
      instanceId = randomBytes(6).toString('hex');
      await db.batch([{ type: 'put', sublevel: meta, key: 'instance-id', value: instanceId }], {
        sync: true,
      });
    }
    return new BridgeStore(db, instanceId);
  }

  /** Fsync'ed group-committed atomic write; resolves once the operations are on disk. */
  write(operations: StoreOperation[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ operations, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Synced write groups so far (each one fsync). */
  get syncedGroups(): number {
    return this.groupsWritten;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      try {
        await this.db.batch(
          group.flatMap((w) => w.operations),
          { sync: true },
        );
        this.groupsWritten += 1;
        for (const w of group) w.resolve();
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    this.flushing = false;
  }

  async close(): Promise<void> {
    while (this.flushing || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
    await this.db.close();
  }
}
