import {
  BlockMetadataIndex,
  TxValidationCode,
  blockEnvelopes,
  decodeTransactionEnvelope,
  deserializeReadWriteSet,
  getBlockMetadata,
  printable,
} from '@cityledger/network';
import type { common } from '@hyperledger/fabric-protos';
import { HeightWaiters } from '../height-waiters';
import type { KeyHistoryEntry } from '../ledger-connector';

/**
 * The history of every public key of one channel, built from its blocks. Fabric keeps a history
 * database on each peer but offers clients no way to read it for an arbitrary key (only chaincode
 * can, through `GetHistoryForKey`), so the connector follows the channel from block 0 and keeps
 * the write sets of valid transactions here, in memory: the same entries the embedded network's
 * history answers, in the order Fabric's history database keeps them. The cost is memory
 * proportional to the number of writes on the channel, and a replay of the chain at each start.
 */
export class KeyHistoryIndex {
  private readonly writes = new Map<string, KeyHistoryEntry[]>();
  private indexed = 0;
  private readonly waiters = new HeightWaiters();

  /** Blocks 0 … height-1 are in the index. */
  get height(): number {
    return this.indexed;
  }

  /** Adds the next block; blocks must come in order, from 0, once each. */
  add(block: common.Block): void {
    const number = block.getHeader()!.getNumber();
    if (number !== this.indexed) {
      throw new Error(`the history index expects block ${this.indexed}, got block ${number}`);
    }
    const flags = getBlockMetadata(block, BlockMetadataIndex.TRANSACTIONS_FILTER);
    blockEnvelopes(block).forEach((envelope, txIndex) => {
      if (flags[txIndex] !== TxValidationCode.VALID) return;
      const tx = decodeTransactionEnvelope(envelope);
      if (!tx.endorserTransaction) return;
      const rwset = deserializeReadWriteSet(tx.endorserTransaction.action.getResults_asU8());
      for (const namespace of rwset.namespaces) {
        for (const write of namespace.writes) {
          const key = indexKey(namespace.namespace, write.key);
          const entries = this.writes.get(key) ?? [];
          entries.push({
            txId: tx.txId,
            blockNumber: number,
            txIndex,
            timestamp: tx.timestamp.toISOString(),
            isDelete: write.isDelete,
            value: write.isDelete ? '' : printable(write.value),
          });
          this.writes.set(key, entries);
        }
      }
    });
    this.indexed = number + 1;
    this.waiters.reached(this.indexed);
  }

  /** Every committed value of the chaincode's key, newest first. */
  history(chaincode: string, key: string): KeyHistoryEntry[] {
    return [...(this.writes.get(indexKey(chaincode, key)) ?? [])].reverse();
  }

  /** Resolves true once blocks below `height` are indexed, false after `timeoutMs`. */
  async reached(height: number, timeoutMs: number): Promise<boolean> {
    return height <= this.indexed || this.waiters.wait(height, timeoutMs);
  }
}

function indexKey(namespace: string, key: string): string {
  return `${namespace}\u0000${key}`;
}
