import type { BridgeStore, StoreOperation } from './bridge-store';
import type { FeedRoute } from './feed-router';
import { type ReadingLanding, ReadingProofs, type ReadingRecord, readingKey } from './reading-proofs';

/** A stored reading waiting for the ledger. */
export interface OutboxEntry {
  outboxSeq: number;
  record: ReadingRecord;
  /** When it was accepted (this process's clock), for the batch timer. */
  queuedAt: number;
}

/**
 * Readings of one route cut into one ledger transaction. Persisted before it is submitted, so
 * after a crash the very same batch (same id, same readings) is resubmitted and the chaincode
 * can recognise it.
 */
export interface PendingBatch {
  batchId: string;
  route: FeedRoute;
  entries: OutboxEntry[];
  /** Landing order within the route: `[n]` when cut, the parent's order + `[0|1]` for the halves of a split. */
  order: number[];
}

interface StoredBatch {
  batchId: string;
  order: number[];
  routeKey: string;
  outboxSeqs: number[];
}

interface RouteQueue {
  route: FeedRoute;
  /** Accepted readings not yet in a batch, in acceptance order. */
  waiting: OutboxEntry[];
  /** Cut batches not yet landed, in the order they must land. */
  batches: PendingBatch[];
}

const SEQ_DIGITS = 16;
const outboxKey = (outboxSeq: number) => String(outboxSeq).padStart(SEQ_DIGITS, '0');

/**
 * The durable outbox: every accepted reading until the ledger has it. Bounded — the bound is
 * what turns a slow or absent ledger into back-pressure (429 over HTTP, no more reading from the
 * socket over MQTT) instead of unbounded memory and disk.
 *
 * The store holds the truth (`outbox` index → reading record, `batches`); this class keeps the
 * same in memory per route so the dispatcher never reads the disk.
 */
export class Outbox {
  private readonly queues = new Map<string, RouteQueue>();
  private pendingCount = 0;
  private reservedCount = 0;
  private capacityWaiters: Array<() => void> = [];
  /** Called when a route has new readings. */
  onReadings: (routeKey: string) => void = () => {};

  private constructor(
    private readonly store: BridgeStore,
    private readonly proofs: ReadingProofs,
    readonly maxReadings: number,
    private nextOutboxSeq: number,
    private nextBatchNo: number,
  ) {}

  /** Rebuilds the queues from the store: what was accepted and not landed before a stop or crash. */
  static async load(store: BridgeStore, maxReadings: number): Promise<Outbox> {
    const proofs = new ReadingProofs(store);
    const meta = store.meta;
    const outbox = new Outbox(
      store,
      proofs,
      maxReadings,
      ((await meta.get('next-outbox-seq')) as number | undefined) ?? 1,
      ((await meta.get('next-batch-no')) as number | undefined) ?? 1,
    );
    const seqs: number[] = [];
    const keys: string[] = [];
    for await (const [key, readingKeyValue] of store.outbox.iterator()) {
      seqs.push(Number(key));
      keys.push(readingKeyValue);
    }
    const records = keys.length > 0 ? await proofs.getMany(keys) : [];
    const bySeq = new Map<number, OutboxEntry>();
    const now = Date.now();
    records.forEach((record, i) => {
      if (!record) return;
      const entry = { outboxSeq: seqs[i]!, record, queuedAt: now };
      bySeq.set(entry.outboxSeq, entry);
      outbox.queueOf(record.route);
    });
    const stored: StoredBatch[] = [];
    for await (const [, value] of store.batches.iterator()) stored.push(value as StoredBatch);
    stored.sort((a, b) => compareOrder(a.order, b.order));
    for (const batch of stored) {
      const entries = batch.outboxSeqs.map((s) => bySeq.get(s)).filter((e): e is OutboxEntry => !!e);
      batch.outboxSeqs.forEach((s) => bySeq.delete(s));
      if (entries.length === 0) continue;
      const queue = outbox.queueOf(entries[0]!.record.route);
      queue.batches.push({ batchId: batch.batchId, route: queue.route, entries, order: batch.order });
    }
    for (const entry of [...bySeq.values()].sort((a, b) => a.outboxSeq - b.outboxSeq)) {
      outbox.queueOf(entry.record.route).waiting.push(entry);
    }
    outbox.pendingCount = records.filter(Boolean).length;
    return outbox;
  }

  private queueOf(route: FeedRoute): RouteQueue {
    let queue = this.queues.get(route.key);
    if (!queue) {
      queue = { route, waiting: [], batches: [] };
      this.queues.set(route.key, queue);
    }
    return queue;
  }

  /** Readings stored and not yet landed. */
  get size(): number {
    return this.pendingCount;
  }

  get isFull(): boolean {
    return this.pendingCount + this.reservedCount >= this.maxReadings;
  }

  /** Reserves room for `n` readings about to be stored; false when the outbox cannot take them all. */
  tryReserve(n: number): boolean {
    if (this.pendingCount + this.reservedCount + n > this.maxReadings) return false;
    this.reservedCount += n;
    return true;
  }

  /** Waits until room for `n` readings is reserved (MQTT back-pressure), or `cancelled()` turns true. */
  async reserve(n: number, cancelled: () => boolean): Promise<boolean> {
    const wanted = Math.min(n, this.maxReadings);
    while (!this.tryReserve(wanted)) {
      if (cancelled()) return false;
      await new Promise<void>((resolve) => {
        this.capacityWaiters.push(resolve);
        setTimeout(resolve, 500).unref();
      });
    }
    if (wanted < n) this.reservedCount += n - wanted;
    return true;
  }

  release(n: number): void {
    this.reservedCount = Math.max(0, this.reservedCount - n);
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    const waiters = this.capacityWaiters;
    this.capacityWaiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * Numbers new readings and returns the writes that store them (reading record, outbox entry,
   * the outbox counter). They enter the queues only after the write is durable ({@link enqueue}).
   */
  stage(records: Array<Omit<ReadingRecord, 'outboxSeq'>>): {
    entries: OutboxEntry[];
    operations: StoreOperation[];
  } {
    const now = Date.now();
    const entries = records.map((r) => ({
      outboxSeq: this.nextOutboxSeq++,
      record: { ...r, outboxSeq: 0 } as ReadingRecord,
      queuedAt: now,
    }));
    const operations: StoreOperation[] = [];
    for (const entry of entries) {
      entry.record.outboxSeq = entry.outboxSeq;
      operations.push(this.proofs.putOperation(entry.record), {
        type: 'put',
        sublevel: this.store.outbox,
        key: outboxKey(entry.outboxSeq),
        value: readingKey(entry.record.reading.deviceId, entry.record.reading.seq),
      } as StoreOperation);
    }
    operations.push({
      type: 'put',
      sublevel: this.store.meta,
      key: 'next-outbox-seq',
      value: this.nextOutboxSeq,
    } as StoreOperation);
    return { entries, operations };
  }

  /** Makes durably stored entries visible to the dispatcher; their reservation becomes occupancy. */
  enqueue(entries: OutboxEntry[]): void {
    this.reservedCount = Math.max(0, this.reservedCount - entries.length);
    this.pendingCount += entries.length;
    const touched = new Set<string>();
    for (const entry of entries) {
      this.queueOf(entry.record.route).waiting.push(entry);
      touched.add(entry.record.route.key);
    }
    for (const key of touched) this.onReadings(key);
  }

  routeKeys(): string[] {
    return [...this.queues.keys()];
  }

  /** The next batch of a route to land: one already cut, else none. */
  headBatch(routeKey: string): PendingBatch | undefined {
    return this.queues.get(routeKey)?.batches[0];
  }

  /** Readings of a route waiting for a batch, oldest first. */
  waiting(routeKey: string): readonly OutboxEntry[] {
    return this.queues.get(routeKey)?.waiting ?? [];
  }

  /**
   * Cuts the longest prefix of the route's waiting readings that `fits` allows (at least one),
   * persists it as a batch, and puts it at the end of the route's batches.
   */
  async cutBatch(
    routeKey: string,
    fits: (taken: readonly OutboxEntry[], next: OutboxEntry) => boolean,
  ): Promise<PendingBatch | undefined> {
    const queue = this.queues.get(routeKey);
    if (!queue || queue.waiting.length === 0) return undefined;
    let n = 1;
    while (n < queue.waiting.length && fits(queue.waiting.slice(0, n), queue.waiting[n]!)) n += 1;
    const entries = queue.waiting.splice(0, n);
    const batch = this.newBatch(queue.route, entries, [this.nextBatchNo]);
    queue.batches.push(batch);
    try {
      await this.store.write(this.batchOperations([batch]));
    } catch (error) {
      queue.batches.splice(queue.batches.indexOf(batch), 1);
      queue.waiting.unshift(...entries);
      throw error;
    }
    return batch;
  }

  private newBatch(route: FeedRoute, entries: OutboxEntry[], order: number[]): PendingBatch {
    const no = this.nextBatchNo++;
    return { batchId: `iot-${this.store.instanceId}-${no}`, route, entries, order };
  }

  private batchOperations(batches: PendingBatch[]): StoreOperation[] {
    const operations = batches.map(
      (b) =>
        ({
          type: 'put',
          sublevel: this.store.batches,
          key: b.batchId,
          value: {
            batchId: b.batchId,
            order: b.order,
            routeKey: b.route.key,
            outboxSeqs: b.entries.map((e) => e.outboxSeq),
          } satisfies StoredBatch,
        }) as StoreOperation,
    );
    operations.push({
      type: 'put',
      sublevel: this.store.meta,
      key: 'next-batch-no',
      value: this.nextBatchNo,
    } as StoreOperation);
    return operations;
  }

  /**
   * Replaces a refused batch by its two halves, landed in its place (so a route keeps its order);
   * the chaincode refusing a batch means it wrote nothing.
   */
  async split(batch: PendingBatch): Promise<void> {
    const queue = this.queues.get(batch.route.key)!;
    const middle = Math.ceil(batch.entries.length / 2);
    const halves = [batch.entries.slice(0, middle), batch.entries.slice(middle)].map((entries, i) =>
      this.newBatch(batch.route, entries, [...batch.order, i]),
    );
    await this.store.write([
      { type: 'del', sublevel: this.store.batches, key: batch.batchId } as StoreOperation,
      ...this.batchOperations(halves),
    ]);
    queue.batches.splice(queue.batches.indexOf(batch), 1, ...halves);
  }

  /** Records the landing of every reading of a batch and takes them out of the outbox, atomically. */
  async landed(batch: PendingBatch, landings: ReadingLanding[]): Promise<void> {
    await this.finish(
      batch,
      batch.entries.map((e, i) => ({ ...e.record, status: 'landed' as const, landing: landings[i] })),
    );
  }

  /** Records a reading the chaincode refused (kept with the reason, never retried). */
  async refused(batch: PendingBatch, refusal: { code: string; message: string }): Promise<void> {
    const at = new Date().toISOString();
    await this.finish(
      batch,
      batch.entries.map((e) => ({ ...e.record, status: 'refused' as const, refusal: { ...refusal, at } })),
    );
  }

  private async finish(batch: PendingBatch, records: ReadingRecord[]): Promise<void> {
    await this.store.write([
      ...records.map((r) => this.proofs.putOperation(r)),
      ...batch.entries.map(
        (e) => ({ type: 'del', sublevel: this.store.outbox, key: outboxKey(e.outboxSeq) }) as StoreOperation,
      ),
      { type: 'del', sublevel: this.store.batches, key: batch.batchId } as StoreOperation,
    ]);
    const queue = this.queues.get(batch.route.key)!;
    queue.batches.splice(queue.batches.indexOf(batch), 1);
    this.pendingCount -= batch.entries.length;
    this.wakeWaiters();
  }
}

function compareOrder(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}
