import { createHash } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import type { ChannelRuntime } from './channel-runtime';
import type { BlockEventHub } from './events/block-events';
import { BlockMetadataIndex, blockHeaderHash, getBlockMetadata, setBlockMetadata } from './protocol/block';
import { BlockValidator } from './validation/block-validator';

/** The outcome of one transaction, as a client waiting for commit sees it. */
export interface TransactionStatus {
  txId: string;
  blockNumber: number;
  validationCode: number;
  result?: Buffer;
}

type Waiter = { resolve: (status: TransactionStatus) => void; reject: (error: Error) => void };

/**
 * Fabric's commit hash chains each block's validation results (which the orderer did not sign)
 * to the previous one, so an edited validation flag is detectable.
 */
export function commitHash(
  previous: Uint8Array,
  validationFlags: Uint8Array,
  headerHash: Uint8Array,
): Buffer {
  return createHash('sha256').update(previous).update(validationFlags).update(headerHash).digest();
}

export function storedCommitHash(block: common.Block): Uint8Array {
  const bytes = getBlockMetadata(block, BlockMetadataIndex.COMMIT_HASH);
  return bytes.length > 0 ? common.Metadata.deserializeBinary(bytes).getValue_asU8() : new Uint8Array(0);
}

/**
 * Validates and commits a channel's blocks strictly in order, then tells waiting clients and
 * event subscribers. A block that cannot be written stops the channel: nothing after it commits.
 */
export class ChannelCommitter {
  private readonly validator: BlockValidator;
  private readonly waiters = new Map<string, Waiter>();
  private queue: Promise<void> = Promise.resolve();
  private lastCommitHash: Uint8Array = new Uint8Array(0);
  private failure: Error | undefined;

  constructor(
    private readonly channel: ChannelRuntime,
    private readonly events: BlockEventHub,
  ) {
    this.validator = new BlockValidator(channel);
  }

  /** Loads the commit hash of the last stored block after a restart. */
  async resume(): Promise<void> {
    const height = this.channel.ledger.height;
    if (height === 0) return;
    const last = await this.channel.ledger.getBlock(height - 1);
    if (last) this.lastCommitHash = storedCommitHash(last);
  }

  get error(): Error | undefined {
    return this.failure;
  }

  /** Registers interest before the transaction is broadcast, so its commit cannot be missed. */
  waitFor(txId: string): Promise<TransactionStatus> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.set(txId, { resolve, reject }));
  }

  forget(txId: string): void {
    this.waiters.delete(txId);
  }

  deliver(block: common.Block): Promise<void> {
    this.queue = this.queue.then(async () => {
      if (this.failure) return;
      try {
        await this.commit(block);
      } catch (error) {
        this.fail(error as Error);
      }
    });
    return this.queue;
  }

  /** Resolves when every block delivered so far has been committed. */
  idle(): Promise<void> {
    return this.queue;
  }

  private async commit(block: common.Block): Promise<void> {
    const { commit, transactions } = await this.validator.validate(block);
    const flags = Uint8Array.from(transactions.map((tx) => tx.code));
    setBlockMetadata(block, BlockMetadataIndex.TRANSACTIONS_FILTER, flags);
    const headerHash = blockHeaderHash(block.getHeader()!);
    const hash = commitHash(this.lastCommitHash, flags, headerHash);
    const metadata = new common.Metadata();
    metadata.setValue(hash);
    setBlockMetadata(block, BlockMetadataIndex.COMMIT_HASH, metadata.serializeBinary());
    commit.blockBytes = block.serializeBinary();
    commit.headerHash = headerHash;
    await this.channel.ledger.commit(commit);
    this.lastCommitHash = hash;
    const blockNumber = commit.blockNumber;
    for (const tx of transactions) {
      const waiter = this.waiters.get(tx.txId);
      if (!waiter) continue;
      this.waiters.delete(tx.txId);
      waiter.resolve({ txId: tx.txId, blockNumber, validationCode: tx.code, result: tx.result });
    }
    this.events.publish({ channel: this.channel.name, blockNumber, block, transactions });
  }

  /** Answers every transaction still waiting: after a stop, none of them will be committed. */
  abandon(error: Error): void {
    for (const waiter of this.waiters.values()) waiter.reject(error);
    this.waiters.clear();
  }

  private fail(error: Error): void {
    this.failure = new Error(`channel ${this.channel.name} stopped committing: ${error.message}`);
    for (const waiter of this.waiters.values()) waiter.reject(this.failure);
    this.waiters.clear();
  }
}
