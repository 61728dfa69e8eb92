import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { AbstractSublevel } from 'abstract-level';
import { common } from '@hyperledger/fabric-protos';
import { LedgerStoreError } from '../errors';
import { blockHeaderHash } from '../protocol/block';
import { type CommitCheckpoint, CommitCheckpointFile } from './commit-checkpoint';
import {
  type HistoryEntry,
  type VersionedValue,
  decodeHistoryEntry,
  decodeVersionedValue,
  encodeHistoryEntry,
  encodeVersionedValue,
  padded,
} from './record-codec';

type Db = ClassicLevel<string, Buffer>;

/** Four times LevelDB's default write buffer (4 MiB), of which at most two live in log files. */
const LOG_RECOVERY_WINDOW_BYTES = 16 * 1024 * 1024;
type Sublevel = AbstractSublevel<Db, string | Buffer | Uint8Array, string, Buffer>;

/** Where a transaction landed, and whether it was valid. */
export interface TransactionLocation {
  blockNumber: number;
  txIndex: number;
  validationCode: number;
}

export interface StateKeyValue {
  key: string;
  record: VersionedValue;
}

/** Every change one block makes, written in one atomic batch so a crash leaves all or nothing. */
export interface BlockCommit {
  blockNumber: number;
  blockBytes: Uint8Array;
  headerHash: Buffer;
  state: Array<{ namespace: string; key: string; record: VersionedValue | null }>;
  privateHashes: Array<{
    namespace: string;
    collection: string;
    keyHash: Buffer;
    record: VersionedValue | null;
  }>;
  privateData: Array<{
    org: string;
    namespace: string;
    collection: string;
    key: string;
    record: VersionedValue | null;
  }>;
  history: Array<{ namespace: string; key: string; entry: HistoryEntry }>;
  transactions: Array<{ txId: string; location: TransactionLocation }>;
}

const SEP = '\x00';

function stateKey(namespace: string, key: string): string {
  return namespace + SEP + key;
}

function historyPrefix(namespace: string, key: string): string {
  return namespace + SEP + Buffer.from(key).toString('hex') + SEP;
}

/**
 * Point reads use LevelDB's synchronous get: they are served from LevelDB's caches in a few
 * microseconds, while a round trip through the libuv thread pool costs several times more and
 * the validator makes one per key it checks.
 *
 * One channel's ledger on disk: blocks, world state, private data (per org), private data
 * hashes, history and the transaction index, in one LevelDB so that each block commits atomically.
 */
export class ChannelLedger {
  private readonly blocks: Sublevel;
  private readonly state: Sublevel;
  private readonly privateHashes: Sublevel;
  private readonly privateData: Sublevel;
  private readonly history: Sublevel;
  private readonly txIndex: Sublevel;
  private readonly meta: Sublevel;
  private heightValue = 0;
  private lastHeaderHash: Buffer = Buffer.alloc(0);

  private constructor(
    readonly channel: string,
    readonly directory: string,
    private readonly db: Db,
    private readonly checkpoint: CommitCheckpointFile,
  ) {
    const opts = { keyEncoding: 'utf8', valueEncoding: 'buffer' } as const;
    this.blocks = db.sublevel<string, Buffer>('blocks', opts);
    this.state = db.sublevel<string, Buffer>('state', opts);
    this.privateHashes = db.sublevel<string, Buffer>('pvthash', opts);
    this.privateData = db.sublevel<string, Buffer>('pvt', opts);
    this.history = db.sublevel<string, Buffer>('history', opts);
    this.txIndex = db.sublevel<string, Buffer>('txid', opts);
    this.meta = db.sublevel<string, Buffer>('meta', opts);
  }

  /**
   * Opens a channel's store and refuses it, with a {@link LedgerStoreError}, when it cannot be
   * opened or holds fewer or other blocks than its commit checkpoint records. LevelDB recovers a
   * damaged log by dropping what it cannot read, and classic-level exposes no `paranoid_checks`
   * to make it fail instead; the checkpoint is what notices.
   */
  static async open(directory: string, channel: string): Promise<ChannelLedger> {
    const checkpointFile = new CommitCheckpointFile(`${directory}.checkpoint.json`);
    let checkpoint: CommitCheckpoint | undefined;
    try {
      checkpoint = checkpointFile.read();
    } catch (error) {
      throw refusal(channel, directory, `its commit checkpoint cannot be read: ${causes(error)}`);
    }
    mkdirSync(dirname(directory), { recursive: true });
    const db: Db = new ClassicLevel<string, Buffer>(directory, {
      keyEncoding: 'utf8',
      valueEncoding: 'buffer',
      // A channel that has committed blocks must find its store, never start an empty one.
      createIfMissing: !checkpoint || checkpoint.height === 0,
    });
    try {
      await db.open();
    } catch (error) {
      throw refusal(channel, directory, `the store cannot be opened: ${causes(error)}`);
    }
    const ledger = new ChannelLedger(channel, directory, db, checkpointFile);
    try {
      await ledger.loadCheckpoint();
      await ledger.reconcile(checkpoint);
    } catch (error) {
      await db.close();
      throw error instanceof LedgerStoreError ? error : refusal(channel, directory, causes(error));
    }
    return ledger;
  }

  private async loadCheckpoint(): Promise<void> {
    const height = await this.meta.get('height');
    const hash = await this.meta.get('lastHeaderHash');
    this.heightValue = height ? Number(height.toString()) : 0;
    this.lastHeaderHash = hash ?? Buffer.alloc(0);
  }

  /**
   * Blocks are written to the store before the checkpoint, so a crash between the two leaves the
   * store one block ahead, which is safe to adopt (as is a store copied after its checkpoint, in a
   * live backup) once the checkpoint's tip is found in it; a store behind its checkpoint lost blocks.
   */
  private async reconcile(checkpoint: CommitCheckpoint | undefined): Promise<void> {
    const found = this.heightValue;
    if (found > 0) {
      const tip = await this.storedHeaderHash(found - 1);
      if (!tip.equals(this.lastHeaderHash)) {
        throw refusal(
          this.channel,
          this.directory,
          `its newest block ${found - 1} differs from the store's own record of it`,
        );
      }
      await this.checkRecentBlocksPresent(found);
    }
    if (checkpoint) {
      if (found < checkpoint.height) {
        throw refusal(
          this.channel,
          this.directory,
          `the store holds ${found} blocks but ${checkpoint.height} were committed (checkpoint ${this.checkpoint.path}): committed blocks were lost`,
        );
      }
      if (checkpoint.height > 0) {
        const tip = await this.storedHeaderHash(checkpoint.height - 1);
        if (!tip.equals(checkpoint.tipHeaderHash)) {
          throw refusal(
            this.channel,
            this.directory,
            `block ${checkpoint.height - 1} in the store differs from the committed one (checkpoint ${this.checkpoint.path})`,
          );
        }
      }
      if (found === checkpoint.height) return;
    }
    // A new channel, a ledger from before checkpoints, or a crash after the store write.
    if (found > 0) await this.checkpoint.write({ height: found, tipHeaderHash: this.lastHeaderHash });
  }

  /**
   * LevelDB drops the unreadable records of a damaged log, and a dropped record may sit between
   * two that survive, leaving a hole below an intact tip. Only the log can lose records that way,
   * and it never holds more than two write buffers, so walking back over more block bytes than
   * that from the tip finds any such hole without reading the whole chain.
   */
  private async checkRecentBlocksPresent(height: number): Promise<void> {
    let expected = height - 1;
    let bytes = 0;
    for await (const [key, value] of this.blocks.iterator({ lte: padded(height - 1), reverse: true })) {
      if (key !== padded(expected)) break;
      bytes += value.length;
      if (expected === 0 || bytes > LOG_RECOVERY_WINDOW_BYTES) return;
      expected--;
    }
    throw refusal(
      this.channel,
      this.directory,
      `block ${expected} is missing or unreadable below the newest block ${height - 1}: committed blocks were lost`,
    );
  }

  private async storedHeaderHash(blockNumber: number): Promise<Buffer> {
    const bytes = await this.getBlockBytes(blockNumber);
    if (!bytes) throw refusal(this.channel, this.directory, `block ${blockNumber} is missing from the store`);
    let header: common.BlockHeader | undefined;
    try {
      header = common.Block.deserializeBinary(bytes).getHeader();
    } catch {
      header = undefined;
    }
    if (!header || header.getNumber() !== blockNumber) {
      throw refusal(this.channel, this.directory, `block ${blockNumber} in the store cannot be decoded`);
    }
    return blockHeaderHash(header);
  }

  /** Number of committed blocks; the next block's number. */
  get height(): number {
    return this.heightValue;
  }

  get previousHeaderHash(): Buffer {
    return this.lastHeaderHash;
  }

  async getState(namespace: string, key: string): Promise<VersionedValue | undefined> {
    const bytes = this.state.getSync(stateKey(namespace, key));
    return bytes ? decodeVersionedValue(bytes) : undefined;
  }

  /** Keys in [startKey, endKey) in byte order; an empty endKey means no upper bound. */
  async getStateRange(
    namespace: string,
    startKey: string,
    endKey: string,
    limit?: number,
  ): Promise<StateKeyValue[]> {
    const results: StateKeyValue[] = [];
    const range = {
      gte: stateKey(namespace, startKey),
      lt: endKey ? stateKey(namespace, endKey) : namespace + '\x01',
      limit: limit ?? -1,
    };
    for await (const [key, value] of this.state.iterator(range)) {
      results.push({ key: key.slice(namespace.length + 1), record: decodeVersionedValue(value) });
    }
    return results;
  }

  /** Every key of the world state, namespace by namespace, in key order. */
  async *scanState(): AsyncGenerator<{ namespace: string; key: string; record: VersionedValue }> {
    for await (const [compound, value] of this.state.iterator()) {
      const separator = compound.indexOf(SEP);
      yield {
        namespace: compound.slice(0, separator),
        key: compound.slice(separator + 1),
        record: decodeVersionedValue(value),
      };
    }
  }

  async getPrivateDataHash(
    namespace: string,
    collection: string,
    keyHash: Buffer,
  ): Promise<VersionedValue | undefined> {
    const bytes = this.privateHashes.getSync(namespace + SEP + collection + SEP + keyHash.toString('hex'));
    return bytes ? decodeVersionedValue(bytes) : undefined;
  }

  async getPrivateData(
    org: string,
    namespace: string,
    collection: string,
    key: string,
  ): Promise<VersionedValue | undefined> {
    const bytes = this.privateData.getSync(org + SEP + namespace + SEP + collection + SEP + key);
    return bytes ? decodeVersionedValue(bytes) : undefined;
  }

  async getPrivateDataRange(
    org: string,
    namespace: string,
    collection: string,
    startKey: string,
    endKey: string,
  ): Promise<StateKeyValue[]> {
    const prefix = org + SEP + namespace + SEP + collection + SEP;
    const results: StateKeyValue[] = [];
    const range = {
      gte: prefix + startKey,
      lt: endKey ? prefix + endKey : org + SEP + namespace + SEP + collection + '\x01',
    };
    for await (const [key, value] of this.privateData.iterator(range)) {
      results.push({ key: key.slice(prefix.length), record: decodeVersionedValue(value) });
    }
    return results;
  }

  /** Every committed change of a key, newest first (Fabric v2 order). */
  async getHistory(namespace: string, key: string): Promise<HistoryEntry[]> {
    const prefix = historyPrefix(namespace, key);
    const entries: HistoryEntry[] = [];
    for await (const value of this.history.values({ gte: prefix, lt: prefix + '\xff', reverse: true })) {
      entries.push(decodeHistoryEntry(value));
    }
    return entries;
  }

  async getBlockBytes(blockNumber: number): Promise<Buffer | undefined> {
    return this.blocks.get(padded(blockNumber));
  }

  async getBlock(blockNumber: number): Promise<common.Block | undefined> {
    const bytes = await this.getBlockBytes(blockNumber);
    return bytes ? common.Block.deserializeBinary(bytes) : undefined;
  }

  async getTransactionLocation(txId: string): Promise<TransactionLocation | undefined> {
    const bytes = this.txIndex.getSync(txId);
    return bytes ? (JSON.parse(bytes.toString()) as TransactionLocation) : undefined;
  }

  /** Raw write access to a stored block, for tamper-detection tests and forensic tools only. */
  async overwriteBlockBytesForTesting(blockNumber: number, bytes: Uint8Array): Promise<void> {
    await this.blocks.put(padded(blockNumber), Buffer.from(bytes));
  }

  async commit(commit: BlockCommit): Promise<void> {
    if (commit.blockNumber !== this.heightValue) {
      throw new Error(
        `block ${commit.blockNumber} cannot follow height ${this.heightValue} on channel ${this.channel}`,
      );
    }
    const batch = this.db.batch();
    batch.put(padded(commit.blockNumber), Buffer.from(commit.blockBytes), { sublevel: this.blocks });
    for (const { namespace, key, record } of commit.state) {
      const k = stateKey(namespace, key);
      if (record) batch.put(k, encodeVersionedValue(record), { sublevel: this.state });
      else batch.del(k, { sublevel: this.state });
    }
    for (const { namespace, collection, keyHash, record } of commit.privateHashes) {
      const k = namespace + SEP + collection + SEP + keyHash.toString('hex');
      if (record) batch.put(k, encodeVersionedValue(record), { sublevel: this.privateHashes });
      else batch.del(k, { sublevel: this.privateHashes });
    }
    for (const { org, namespace, collection, key, record } of commit.privateData) {
      const k = org + SEP + namespace + SEP + collection + SEP + key;
      if (record) batch.put(k, encodeVersionedValue(record), { sublevel: this.privateData });
      else batch.del(k, { sublevel: this.privateData });
    }
    for (const { namespace, key, entry } of commit.history) {
      const k = historyPrefix(namespace, key) + padded(entry.blockNum) + padded(entry.txNum);
      batch.put(k, encodeHistoryEntry(entry), { sublevel: this.history });
    }
    for (const { txId, location } of commit.transactions) {
      batch.put(txId, Buffer.from(JSON.stringify(location)), { sublevel: this.txIndex });
    }
    batch.put('height', Buffer.from(String(commit.blockNumber + 1)), { sublevel: this.meta });
    batch.put('lastHeaderHash', commit.headerHash, { sublevel: this.meta });
    // One fsync per block: durable, and cheap enough because a block groups many transactions.
    await batch.write({ sync: true });
    this.heightValue = commit.blockNumber + 1;
    this.lastHeaderHash = commit.headerHash;
    // Only after the store has the block: a checkpoint ahead of its store would mean lost blocks.
    await this.checkpoint.write({ height: this.heightValue, tipHeaderHash: commit.headerHash });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

const RECOVERY =
  "The channel is not served. Stop the gateway and restore the channel's store directory together " +
  'with its .checkpoint.json file from a backup (docs/operations.md, "Recovering a channel ledger").';

function refusal(channel: string, directory: string, problem: string): LedgerStoreError {
  return new LedgerStoreError(
    `channel ${channel}: ledger store ${directory}: ${problem}. ${RECOVERY}`,
    channel,
    directory,
  );
}

/** LevelDB's own words sit in the `cause` of classic-level's "Database failed to open". */
function causes(error: unknown): string {
  const messages: string[] = [];
  for (let e: unknown = error; e instanceof Error && messages.length < 4; e = e.cause) {
    messages.push(e.message);
  }
  return messages.join(': ') || String(error);
}
