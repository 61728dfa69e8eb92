import type { ChannelLedger } from '../ledger/channel-ledger';
import { BlockMetadataIndex, blockEnvelopes, getBlockMetadata } from '../protocol/block';
import { deserializeReadWriteSet } from '../protocol/read-write-set';
import { decodeTransactionEnvelope } from '../protocol/transaction-envelope';
import { TxValidationCode } from '../validation/validation-codes';

export interface StateDifference {
  namespace: string;
  key: string;
  inState?: string;
  inReplay?: string;
}

/**
 * Rebuilds the public world state from the blocks alone (the writes of valid transactions, in
 * order) and compares it with the stored state: after any crash the two must be equal.
 */
export async function compareStateWithReplay(ledger: ChannelLedger): Promise<StateDifference[]> {
  const replayed = new Map<string, Buffer>();
  for (let number = 0; number < ledger.height; number++) {
    const block = await ledger.getBlock(number);
    if (!block) throw new Error(`block ${number} is missing`);
    const flags = getBlockMetadata(block, BlockMetadataIndex.TRANSACTIONS_FILTER);
    blockEnvelopes(block).forEach((envelope, index) => {
      if (flags[index] !== TxValidationCode.VALID) return;
      const endorsed = decodeTransactionEnvelope(envelope).endorserTransaction;
      if (!endorsed) return;
      for (const ns of deserializeReadWriteSet(endorsed.action.getResults_asU8()).namespaces) {
        for (const write of ns.writes) {
          const key = `${ns.namespace}\x00${write.key}`;
          if (write.isDelete) replayed.delete(key);
          else replayed.set(key, write.value);
        }
      }
    });
  }
  const differences: StateDifference[] = [];
  for await (const { namespace, key, record } of ledger.scanState()) {
    const compound = `${namespace}\x00${key}`;
    const expected = replayed.get(compound);
    if (!expected || !expected.equals(record.value)) {
      differences.push({
        namespace,
        key,
        inState: record.value.toString('base64'),
        inReplay: expected?.toString('base64'),
      });
    }
    replayed.delete(compound);
  }
  for (const [compound, value] of replayed) {
    const separator = compound.indexOf('\x00');
    differences.push({
      namespace: compound.slice(0, separator),
      key: compound.slice(separator + 1),
      inReplay: value.toString('base64'),
    });
  }
  return differences;
}
