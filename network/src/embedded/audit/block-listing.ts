import { type common, msp } from '@hyperledger/fabric-protos';
import { blockEnvelopes, blockHeaderHash } from '../protocol/block';
import { decodeTransactionEnvelope } from '../protocol/transaction-envelope';
import { printable } from './transaction-details';

/** What a block listing shows of a transaction beyond its id, code and chaincode. */
export interface ListedTransaction {
  /** The creator's MSP ID; absent when the envelope names none (configtxgen's genesis block). */
  creatorMsp?: string;
  /** The chaincode function: the first invocation argument of an endorser transaction. */
  function?: string;
}

/** The header hashes of a block and, per transaction (by index), its creator and function. */
export interface BlockListing {
  headerHash: string;
  previousHash: string;
  transactions: ListedTransaction[];
}

/**
 * Lists a committed block of any Fabric channel for an explorer index. Only the creator's MSP ID
 * is read from its serialized identity, not its certificate, so that following a chain stays cheap.
 */
export function blockListingOf(block: common.Block): BlockListing {
  const header = block.getHeader()!;
  return {
    headerHash: blockHeaderHash(header).toString('hex'),
    previousHash: Buffer.from(header.getPreviousHash_asU8()).toString('hex'),
    transactions: blockEnvelopes(block).map((envelope): ListedTransaction => {
      try {
        const tx = decodeTransactionEnvelope(envelope);
        const listed: ListedTransaction = {};
        if (tx.creator.length > 0) {
          listed.creatorMsp = msp.SerializedIdentity.deserializeBinary(tx.creator).getMspid();
        }
        const [fn] = tx.endorserTransaction?.args ?? [];
        if (fn) listed.function = printable(fn);
        return listed;
      } catch {
        return {};
      }
    }),
  };
}
