import type { common } from '@hyperledger/fabric-protos';
import { BlockMetadataIndex, blockEnvelopes, getBlockMetadata } from '../protocol/block';
import { chaincodeEventOf } from '../protocol/chaincode-event';
import { decodeTransactionEnvelope } from '../protocol/transaction-envelope';
import type { ValidatedTransaction } from '../validation/block-validator';
import { TxValidationCode } from '../validation/validation-codes';

/** A committed block as listeners see it: its transactions with validation codes and events. */
export interface CommittedBlock {
  channel: string;
  blockNumber: number;
  block: common.Block;
  transactions: ValidatedTransaction[];
}

/** Re-derives the listener view of a stored block, so replayed blocks look like live ones. */
export function describeStoredBlock(channel: string, block: common.Block): CommittedBlock {
  const codes = getBlockMetadata(block, BlockMetadataIndex.TRANSACTIONS_FILTER);
  const transactions = blockEnvelopes(block).map((envelope, index): ValidatedTransaction => {
    const code = codes[index] ?? TxValidationCode.NOT_VALIDATED;
    try {
      const tx = decodeTransactionEnvelope(envelope);
      const described: ValidatedTransaction = { index, txId: tx.txId, code, timestamp: tx.timestamp };
      const endorsed = tx.endorserTransaction;
      if (endorsed) {
        described.chaincode = endorsed.chaincode;
        if (code === TxValidationCode.VALID) {
          described.result = Buffer.from(
            endorsed.action.getResponse()?.getPayload_asU8() ?? new Uint8Array(0),
          );
          const event = chaincodeEventOf(endorsed.action);
          if (event) described.event = event;
        }
      }
      return described;
    } catch {
      return { index, txId: '', code, timestamp: new Date(0) };
    }
  });
  return { channel, blockNumber: block.getHeader()!.getNumber(), block, transactions };
}

export type BlockListener = (block: CommittedBlock) => void;

/**
 * Fans committed blocks out to subscribers. A subscriber may start from an earlier block: it is
 * replayed the stored blocks first, then switched to live blocks without a gap or a repeat.
 */
export class BlockEventHub {
  private readonly listeners = new Set<BlockListener>();

  constructor(
    private readonly channel: string,
    private readonly readBlock: (blockNumber: number) => Promise<common.Block | undefined>,
    private readonly height: () => number,
  ) {}

  publish(block: CommittedBlock): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(block);
      } catch {
        // A failing listener must not stop delivery to the others.
      }
    }
  }

  /** Returns a function that ends the subscription. */
  subscribe(fromBlock: number | undefined, listener: BlockListener): () => void {
    let next = fromBlock ?? this.height();
    let replaying = true;
    const buffered: CommittedBlock[] = [];
    const deliver = (block: CommittedBlock): void => {
      if (block.blockNumber < next) return;
      next = block.blockNumber + 1;
      listener(block);
    };
    const live: BlockListener = (block) => (replaying ? buffered.push(block) : deliver(block));
    this.listeners.add(live);
    let active = true;
    void (async () => {
      while (active && next < this.height()) {
        const stored = await this.readBlock(next);
        if (!stored) break;
        deliver(describeStoredBlock(this.channel, stored));
      }
      replaying = false;
      for (const block of buffered.splice(0)) if (active) deliver(block);
    })();
    return () => {
      active = false;
      this.listeners.delete(live);
    };
  }
}
