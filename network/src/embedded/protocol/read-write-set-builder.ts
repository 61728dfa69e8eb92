import {
  type CollectionPrivateWriteSet,
  type KeyWrite,
  type RangeQueryRead,
  type TxReadWriteSet,
  type Version,
  serializePrivateWrites,
  sha256,
} from './read-write-set';

interface CollectionRecorder {
  hashedReads: Map<string, Version | null>;
  writes: Map<string, KeyWrite>;
  metadataWrites: Map<string, Map<string, Buffer>>;
}

interface NamespaceRecorder {
  reads: Map<string, Version | null>;
  rangeQueries: RangeQueryRead[];
  writes: Map<string, KeyWrite>;
  metadataWrites: Map<string, Map<string, Buffer>>;
  collections: Map<string, CollectionRecorder>;
}

/** A collection of a chaincode namespace. */
export interface CollectionRef {
  namespace: string;
  collection: string;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * Records what a simulation reads and writes. As in Fabric, the first version read of a key is
 * kept, the last write wins, and everything is emitted sorted so that every endorser of the same
 * proposal produces byte-identical results.
 */
export class ReadWriteSetBuilder {
  private readonly namespaces = new Map<string, NamespaceRecorder>();
  private readonly valueReads = new Map<string, CollectionRef>();
  private paginatedQuery = false;

  private ns(namespace: string): NamespaceRecorder {
    let recorder = this.namespaces.get(namespace);
    if (!recorder) {
      recorder = {
        reads: new Map(),
        rangeQueries: [],
        writes: new Map(),
        metadataWrites: new Map(),
        collections: new Map(),
      };
      this.namespaces.set(namespace, recorder);
    }
    return recorder;
  }

  private collection(namespace: string, collection: string): CollectionRecorder {
    const ns = this.ns(namespace);
    let recorder = ns.collections.get(collection);
    if (!recorder) {
      recorder = { hashedReads: new Map(), writes: new Map(), metadataWrites: new Map() };
      ns.collections.set(collection, recorder);
    }
    return recorder;
  }

  addRead(namespace: string, key: string, version: Version | null): void {
    const reads = this.ns(namespace).reads;
    if (!reads.has(key)) reads.set(key, version);
  }

  addRangeQuery(namespace: string, range: RangeQueryRead): void {
    this.ns(namespace).rangeQueries.push(range);
  }

  addWrite(namespace: string, key: string, value: Buffer | null): void {
    this.ns(namespace).writes.set(key, { key, isDelete: value === null, value: value ?? Buffer.alloc(0) });
  }

  addMetadataWrite(namespace: string, key: string, name: string, value: Buffer): void {
    const writes = this.ns(namespace).metadataWrites;
    const entries = writes.get(key) ?? new Map<string, Buffer>();
    entries.set(name, value);
    writes.set(key, entries);
  }

  addPrivateRead(namespace: string, collection: string, key: string, version: Version | null): void {
    const keyHash = sha256(key).toString('hex');
    const reads = this.collection(namespace, collection).hashedReads;
    if (!reads.has(keyHash)) reads.set(keyHash, version);
  }

  /**
   * A private value (not just its hash) was read from the collection. Like Fabric's ChaincodeInterest,
   * this tells the client that every endorser must be a member of the collection.
   */
  addPrivateValueRead(namespace: string, collection: string): void {
    this.valueReads.set(`${namespace}\u0000${collection}`, { namespace, collection });
  }

  /** The collections whose values (not only hashes) this simulation read, sorted. */
  get privateValueReads(): CollectionRef[] {
    return [...this.valueReads.entries()].sort(([a], [b]) => byCodeUnits(a, b)).map(([, ref]) => ref);
  }

  addPrivateWrite(namespace: string, collection: string, key: string, value: Buffer | null): void {
    this.collection(namespace, collection).writes.set(key, {
      key,
      isDelete: value === null,
      value: value ?? Buffer.alloc(0),
    });
  }

  addPrivateMetadataWrite(
    namespace: string,
    collection: string,
    key: string,
    name: string,
    value: Buffer,
  ): void {
    const writes = this.collection(namespace, collection).metadataWrites;
    const entries = writes.get(key) ?? new Map<string, Buffer>();
    entries.set(name, value);
    writes.set(key, entries);
  }

  markPaginatedQuery(): void {
    this.paginatedQuery = true;
  }

  get hasWrites(): boolean {
    for (const ns of this.namespaces.values()) {
      if (ns.writes.size > 0 || ns.metadataWrites.size > 0) return true;
      for (const coll of ns.collections.values()) {
        if (coll.writes.size > 0 || coll.metadataWrites.size > 0) return true;
      }
    }
    return false;
  }

  /** Fabric refuses paginated queries in transactions that update state: they cannot be re-validated. */
  get usedPaginationWithWrites(): boolean {
    return this.paginatedQuery && this.hasWrites;
  }

  build(): { readWriteSet: TxReadWriteSet; privateWrites: CollectionPrivateWriteSet[] } {
    const privateWrites: CollectionPrivateWriteSet[] = [];
    const namespaces = [...this.namespaces.keys()].sort(byCodeUnits).map((namespace) => {
      const ns = this.namespaces.get(namespace)!;
      const collections = [...ns.collections.keys()].sort(byCodeUnits).map((collection) => {
        const coll = ns.collections.get(collection)!;
        const writes = [...coll.writes.values()].sort((a, b) => byBytes(a.key, b.key));
        const metadataWrites = [...coll.metadataWrites.entries()]
          .sort(([a], [b]) => byBytes(a, b))
          .map(([key, entries]) => ({ key, entries: sortedEntries(entries) }));
        const privateSet = { namespace, collection, writes, metadataWrites };
        if (writes.length > 0 || metadataWrites.length > 0) privateWrites.push(privateSet);
        return {
          collection,
          hashedReads: [...coll.hashedReads.entries()]
            .sort(([a], [b]) => byCodeUnits(a, b))
            .map(([keyHash, version]) => ({ keyHash: Buffer.from(keyHash, 'hex'), version })),
          hashedWrites: writes
            .map((w) => ({
              keyHash: sha256(w.key),
              isDelete: w.isDelete,
              valueHash: w.isDelete ? Buffer.alloc(0) : sha256(w.value),
            }))
            .sort((a, b) => Buffer.compare(a.keyHash, b.keyHash)),
          metadataWrites: metadataWrites
            .map((m) => ({ keyHash: sha256(m.key), entries: m.entries }))
            .sort((a, b) => Buffer.compare(a.keyHash, b.keyHash)),
          pvtRwSetHash:
            writes.length > 0 || metadataWrites.length > 0
              ? sha256(serializePrivateWrites(privateSet))
              : Buffer.alloc(0),
        };
      });
      return {
        namespace,
        reads: [...ns.reads.entries()]
          .sort(([a], [b]) => byBytes(a, b))
          .map(([key, version]) => ({ key, version })),
        rangeQueries: ns.rangeQueries,
        writes: [...ns.writes.values()].sort((a, b) => byBytes(a.key, b.key)),
        metadataWrites: [...ns.metadataWrites.entries()]
          .sort(([a], [b]) => byBytes(a, b))
          .map(([key, entries]) => ({ key, entries: sortedEntries(entries) })),
        collections,
      };
    });
    return { readWriteSet: { namespaces }, privateWrites };
  }
}

function sortedEntries(entries: Map<string, Buffer>): Array<{ name: string; value: Buffer }> {
  return [...entries.entries()]
    .sort(([a], [b]) => byCodeUnits(a, b))
    .map(([name, value]) => ({ name, value }));
}
