import { common } from '@hyperledger/fabric-protos';
import { storedCommitHash, commitHash } from '../committer';
import type { ChannelLedger } from '../ledger/channel-ledger';
import { type BlockSigner, verifyBlockSignatures } from '../orderer/block-signature';
import { type Consenter, bftQuorum, consentersOfConfigBlock } from '../orderer/consenter-set';
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
import { type OrderingSigner, SignerTally, type UnsignedBlocks } from './signer-tally';

/** What the chain's verified blocks say about who ordered them. */
export interface OrderingReport {
  height: number;
  /** Whether the channel orders with SmartBFT (a consenter set in its config). */
  bft: boolean;
  /** Distinct consenter signatures a BFT block needs. */
  quorum?: number;
  /** Every orderer that signed a verified block. */
  signers: OrderingSigner[];
  /** With {@link BlockChainChecks.signer}: the verified blocks that MSP's orderers did not sign. */
  notSignedBy?: UnsignedBlocks;
}

export type ChainVerification =
  ({ ok: true } & OrderingReport) | ({ ok: false; firstBadBlock: number; reason: string } & OrderingReport);

class BadBlock extends Error {}

/** Where a chain's blocks come from: the embedded ledger's store, or a Fabric peer's `qscc`. */
export interface BlockSource {
  height: number;
  readBlock(blockNumber: number): Promise<common.Block | undefined>;
}

export interface BlockChainChecks {
  /**
   * A real Fabric channel's genesis block (from `configtxgen`) carries no orderer signature and an
   * unsigned config envelope; the embedded network signs its genesis block like any other.
   */
  unsignedGenesis?: boolean;
  /** Further checks of one block, e.g. the embedded ledger's commit hash; throw to reject it. */
  checkBlock?(block: common.Block, headerHash: Buffer): void;
  /** An MSP ID: also report the blocks after genesis none of its orderers signed. */
  signer?: string;
}

/**
 * Recomputes what makes a chain of `common.Block`s trustworthy — each block's data hash, the
 * header hash chain, the orderer's signature (a quorum of consenters' on a SmartBFT channel) and
 * every signature of every valid transaction — and names the first block where any of it fails.
 * Works on any Fabric channel's blocks.
 */
export async function verifyBlockChain(
  source: BlockSource,
  identities: IdentityDeserializer,
  checks: BlockChainChecks = {},
): Promise<ChainVerification> {
  const height = source.height;
  let previousHash: Buffer = Buffer.alloc(0);
  // Each block is signed by the consenter set of the last config block before it.
  let consenters: Consenter[] = [];
  const tally = new SignerTally(checks.signer);
  const report = (): OrderingReport => ({
    height,
    bft: consenters.length > 0,
    ...(consenters.length > 0 ? { quorum: bftQuorum(consenters.length) } : {}),
    ...tally.report(),
  });
  for (let number = 0; number < height; number++) {
    try {
      const block = await source.readBlock(number);
      if (!block) throw new BadBlock('block is missing');
      const header = block.getHeader();
      if (!header) throw new BadBlock('block has no header');
      if (header.getNumber() !== number) throw new BadBlock(`header says block ${header.getNumber()}`);
      if (!Buffer.from(header.getPreviousHash_asU8()).equals(previousHash)) {
        throw new BadBlock('previous hash does not match the hash of the previous block header');
      }
      const envelopes = blockEnvelopes(block);
      if (!blockDataHash(envelopes).equals(Buffer.from(header.getDataHash_asU8()))) {
        throw new BadBlock('data hash does not match the transactions in the block');
      }
      const genesisUnsigned = number === 0 && checks.unsignedGenesis === true;
      let signers: BlockSigner[] = [];
      if (!genesisUnsigned || hasSignatures(block)) {
        try {
          signers = verifyBlockSignatures(block, identities, consenters);
        } catch (error) {
          throw new BadBlock(`orderer signature: ${(error as Error).message}`);
        }
      }
      const flags = getBlockMetadata(block, BlockMetadataIndex.TRANSACTIONS_FILTER);
      // A peer may store the genesis block as it joined the channel, without validation flags.
      if (flags.length !== envelopes.length && !(genesisUnsigned && flags.length === 0))
        throw new BadBlock('validation flags do not match the transaction count');
      const headerHash = blockHeaderHash(header);
      checks.checkBlock?.(block, headerHash);
      envelopes.forEach((envelope, index) => {
        if (flags[index] === TxValidationCode.VALID) {
          verifyTransactionSignatures(envelope, index, identities, genesisUnsigned);
        }
      });
      previousHash = headerHash;
      tally.add(number, signers);
      consenters = consentersOfConfigBlock(block) ?? consenters;
    } catch (error) {
      if (error instanceof BadBlock)
        return { ok: false, ...report(), firstBadBlock: number, reason: error.message };
      throw error;
    }
  }
  return { ok: true, ...report() };
}

function hasSignatures(block: common.Block): boolean {
  const bytes = getBlockMetadata(block, BlockMetadataIndex.SIGNATURES);
  return bytes.length > 0 && common.Metadata.deserializeBinary(bytes).getSignaturesList().length > 0;
}

/** {@link verifyBlockChain} over the embedded ledger, plus its commit hashes and checkpoint. */
export async function verifyChain(
  ledger: ChannelLedger,
  identities: IdentityDeserializer,
  options: Pick<BlockChainChecks, 'signer'> = {},
): Promise<ChainVerification> {
  let previousCommitHash: Uint8Array = new Uint8Array(0);
  let lastHeaderHash: Buffer = Buffer.alloc(0);
  const source: BlockSource = {
    height: ledger.height,
    async readBlock(number) {
      let bytes: Buffer | undefined;
      try {
        bytes = await ledger.getBlockBytes(number);
      } catch (error) {
        // LevelDB reports a damaged table as an error: that block is bad, not the verifier.
        throw new BadBlock(`block cannot be read: ${(error as Error).message}`);
      }
      if (!bytes) return undefined;
      try {
        return common.Block.deserializeBinary(bytes);
      } catch {
        throw new BadBlock('block cannot be decoded');
      }
    },
  };
  const verification = await verifyBlockChain(source, identities, {
    ...options,
    checkBlock(block, headerHash) {
      const flags = getBlockMetadata(block, BlockMetadataIndex.TRANSACTIONS_FILTER);
      const stored = storedCommitHash(block);
      if (!commitHash(previousCommitHash, flags, headerHash).equals(Buffer.from(stored))) {
        throw new BadBlock('commit hash does not match the validation flags');
      }
      previousCommitHash = stored;
      lastHeaderHash = headerHash;
    },
  });
  const { ok, ...report } = verification;
  if (ok && report.height > 0 && !ledger.previousHeaderHash.equals(lastHeaderHash)) {
    const reason = 'last block differs from the ledger checkpoint';
    return { ok: false, ...report, firstBadBlock: report.height - 1, reason };
  }
  return verification;
}

function verifyTransactionSignatures(
  envelope: Uint8Array,
  index: number,
  identities: IdentityDeserializer,
  unsignedGenesis: boolean,
): void {
  let tx;
  try {
    tx = decodeTransactionEnvelope(envelope);
  } catch {
    throw new BadBlock(`transaction ${index} cannot be decoded`);
  }
  if (unsignedGenesis && tx.type === common.HeaderType.CONFIG && tx.creator.length === 0) return;
  const creator = deserialize(identities, tx.creator, `transaction ${index} (${tx.txId}) creator`);
  if (!creator.verify(tx.payloadBytes, tx.signature)) {
    throw new BadBlock(`transaction ${index} (${tx.txId}): creator signature does not verify`);
  }
  for (const { endorser, signature } of tx.endorserTransaction?.endorsements ?? []) {
    const identity = deserialize(identities, endorser, `transaction ${index} (${tx.txId}) endorser`);
    if (!identity.verify(endorsementMessage(tx.endorserTransaction!.responsePayload, endorser), signature)) {
      throw new BadBlock(
        `transaction ${index} (${tx.txId}): endorsement by ${identity.mspId} does not verify`,
      );
    }
  }
}

/** An identity that no MSP of the channel vouches for makes the block bad, not the verifier crash. */
function deserialize(identities: IdentityDeserializer, serialized: Uint8Array, what: string) {
  try {
    return identities.deserialize(serialized);
  } catch (error) {
    throw new BadBlock(`${what}: ${(error as Error).message}`);
  }
}
