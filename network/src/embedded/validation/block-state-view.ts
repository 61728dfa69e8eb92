import type { ChannelLedger, StateKeyValue } from '../ledger/channel-ledger';
import type { VersionedValue } from '../ledger/record-codec';

const SEP = '\x00';

/**
 * Committed state as seen by the validator while it walks a block: the ledger plus the writes of
 * the block's earlier valid transactions, so that a later transaction conflicts with them.
 */
export class BlockStateView {
  private readonly state = new Map<string, VersionedValue | null>();
  private readonly privateHashes = new Map<string, VersionedValue | null>();

  constructor(private readonly ledger: ChannelLedger) {}

  async getState(namespace: string, key: string): Promise<VersionedValue | undefined> {
    const updated = this.state.get(namespace + SEP + key);
    if (updated !== undefined) return updated ?? undefined;
    return this.ledger.getState(namespace, key);
  }

  setState(namespace: string, key: string, record: VersionedValue | null): void {
    this.state.set(namespace + SEP + key, record);
  }

  async getPrivateDataHash(
    namespace: string,
    collection: string,
    keyHash: Buffer,
  ): Promise<VersionedValue | undefined> {
    const updated = this.privateHashes.get(namespace + SEP + collection + SEP + keyHash.toString('hex'));
    if (updated !== undefined) return updated ?? undefined;
    return this.ledger.getPrivateDataHash(namespace, collection, keyHash);
  }

  setPrivateDataHash(
    namespace: string,
    collection: string,
    keyHash: Buffer,
    record: VersionedValue | null,
  ): void {
    this.privateHashes.set(namespace + SEP + collection + SEP + keyHash.toString('hex'), record);
  }

  /** The range as a re-execution right now would see it: committed keys merged with this block's writes. */
  async getStateRange(namespace: string, startKey: string, endKey: string): Promise<StateKeyValue[]> {
    const merged = new Map<string, VersionedValue>();
    for (const { key, record } of await this.ledger.getStateRange(namespace, startKey, endKey))
      merged.set(key, record);
    const start = Buffer.from(startKey);
    const end = endKey ? Buffer.from(endKey) : undefined;
    for (const [compound, record] of this.state) {
      if (!compound.startsWith(namespace + SEP)) continue;
      const key = compound.slice(namespace.length + 1);
      const bytes = Buffer.from(key);
      if (Buffer.compare(bytes, start) < 0 || (end && Buffer.compare(bytes, end) >= 0)) continue;
      if (record) merged.set(key, record);
      else merged.delete(key);
    }
    return [...merged.entries()]
      .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
      .map(([key, record]) => ({ key, record }));
  }
}
