import { common } from '@hyperledger/fabric-protos';
import { storedCommitHash, commitHash } from '../committer';
import type { ChannelLedger } from '../ledger/channel-ledger';
import { verifyBlockSignature } from '../orderer/block-signature';
import {
  BlockMetadataIndex,
  blockDataHash,
  blockEnvelopes,
  blockHeaderHash,
  getBlockMetadata,
} from '../protocol/block';
import { endorsementMessage } from '../protocol/endorsement';
import type { IdentityDeserializer } from '../protocol/signer';
import { decodeTransactionEnvelope } from '../protocol/transaction-envelope';
import { TxValidationCode } from '../validation/validation-codes';

export type ChainVerification =
  { ok: true; height: number } | { ok: false; height: number; firstBadBlock: number; reason: string };

class BadBlock extends Error {}

/**
 * Recomputes what makes the chain trustworthy — each block's data hash, the header hash chain,
 * the orderer's signature, the commit hash over validation flags, and every signature of every
 * valid transaction — and names the first block where any of it fails.
 */
export async function verifyChain(
  ledger: ChannelLedger,
  identities: IdentityDeserializer,
): Promise<ChainVerification> {
  const height = ledger.height;
  let previousHash: Uint8Array = new Uint8Array(0);
  let previousCommitHash: Uint8Array = new Uint8Array(0);
  for (let number = 0; number < height; number++) {
    try {
      const bytes = await ledger.getBlockBytes(number);
      if (!bytes) throw new BadBlock('block is missing');
      let block: common.Block;
      try {
        block = common.Block.deserializeBinary(bytes);
      } catch {
        throw new BadBlock('block cannot be decoded');
      }
      const header = block.getHeader();
      if (!header) throw new BadBlock('block has no header');
      if (header.getNumber() !== number) throw new BadBlock(`header says block ${header.getNumber()}`);
      if (!Buffer.from(header.getPreviousHash_asU8()).equals(Buffer.from(previousHash))) {
        throw new BadBlock('previous hash does not match the hash of the previous block header');
      }
      const envelopes = blockEnvelopes(block);
      if (!blockDataHash(envelopes).equals(Buffer.from(header.getDataHash_asU8()))) {
        throw new BadBlock('data hash does not match the transactions in the block');
      }
      try {
        verifyBlockSignature(block, identities);
      } catch (error) {
        throw new BadBlock(`orderer signature: ${(error as Error).message}`);
      }
      const flags = getBlockMetadata(block, BlockMetadataIndex.TRANSACTIONS_FILTER);
      if (flags.length !== envelopes.length)
        throw new BadBlock('validation flags do not match the transaction count');
      const headerHash = blockHeaderHash(header);
      const stored = storedCommitHash(block);
      if (!commitHash(previousCommitHash, flags, headerHash).equals(Buffer.from(stored))) {
        throw new BadBlock('commit hash does not match the validation flags');
      }
      envelopes.forEach((envelope, index) => {
        if (flags[index] === TxValidationCode.VALID) verifyTransactionSignatures(envelope, index, identities);
      });
      previousHash = headerHash;
      previousCommitHash = stored;
    } catch (error) {
      if (error instanceof BadBlock)
        return { ok: false, height, firstBadBlock: number, reason: error.message };
      throw error;
    }
  }
  if (height > 0 && !ledger.previousHeaderHash.equals(Buffer.from(previousHash))) {
    return {
      ok: false,
      height,
      firstBadBlock: height - 1,
      reason: 'last block differs from the ledger checkpoint',
    };
  }
  return { ok: true, height };
}

function verifyTransactionSignatures(
  envelope: Uint8Array,
  index: number,
  identities: IdentityDeserializer,
): void {
  let tx;
  try {
    tx = decodeTransactionEnvelope(envelope);
  } catch {
    throw new BadBlock(`transaction ${index} cannot be decoded`);
  }
  const creator = identities.deserialize(tx.creator);
  if (!creator.verify(tx.payloadBytes, tx.signature)) {
    throw new BadBlock(`transaction ${index} (${tx.txId}): creator signature does not verify`);
  }
  for (const { endorser, signature } of tx.endorserTransaction?.endorsements ?? []) {
    const identity = identities.deserialize(endorser);
    if (!identity.verify(endorsementMessage(tx.endorserTransaction!.responsePayload, endorser), signature)) {
      throw new BadBlock(
        `transaction ${index} (${tx.txId}): endorsement by ${identity.mspId} does not verify`,
      );
    }
  }
}
