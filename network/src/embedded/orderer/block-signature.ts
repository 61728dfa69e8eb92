import { X509Certificate } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import { BlockMetadataIndex, blockHeaderBytes, getBlockMetadata, setBlockMetadata } from '../protocol/block';
import type { IdentityDeserializer, Signer } from '../protocol/signer';
import { newNonce } from '../protocol/transaction-id';
import { type Consenter, bftQuorum, consentersSigning } from './consenter-set';

/** The orderer signs, as in Fabric, the metadata value, its signature header and the block header. */
export function signBlock(block: common.Block, orderer: Signer): void {
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(orderer.serialize());
  signatureHeader.setNonce(newNonce());
  const headerBytes = signatureHeader.serializeBinary();
  const value = new Uint8Array(0);
  const signature = new common.MetadataSignature();
  signature.setSignatureHeader(headerBytes);
  signature.setSignature(
    orderer.sign(Buffer.concat([value, headerBytes, blockHeaderBytes(block.getHeader()!)])),
  );
  const metadata = new common.Metadata();
  metadata.setValue(value);
  metadata.setSignaturesList([signature]);
  setBlockMetadata(block, BlockMetadataIndex.SIGNATURES, metadata.serializeBinary());
}

/** An orderer that put its signature on a block. */
export interface BlockSigner {
  mspId: string;
  /** The subject CN of the orderer's certificate. */
  orderer: string;
  /** The SmartBFT consenter id the signature names; absent for signature-header (Raft) signatures. */
  consenterId?: number;
}

/** One signature of a block's SIGNATURES metadata, checked. */
export interface OrdererSignature extends BlockSigner {
  verified: boolean;
  /** Why it does not verify. */
  problem?: string;
}

/**
 * Checks every signature on a block. `consenters` is the SmartBFT consenter set in force (empty
 * for Raft): a BFT signature names its consenter by id in an identifier header instead of
 * carrying the signer's identity in a signature header.
 */
export function ordererSignatures(
  block: common.Block,
  identities: IdentityDeserializer,
  consenters: readonly Consenter[] = [],
): OrdererSignature[] {
  const bytes = getBlockMetadata(block, BlockMetadataIndex.SIGNATURES);
  if (bytes.length === 0) return [];
  const metadata = common.Metadata.deserializeBinary(bytes);
  const header = blockHeaderBytes(block.getHeader()!);
  return metadata.getSignaturesList().map((signature): OrdererSignature => {
    const signatureHeader = signature.getSignatureHeader_asU8();
    const check = (serialized: Uint8Array, signedHeader: Uint8Array, consenterId?: number) =>
      checkSignature(
        serialized,
        Buffer.concat([metadata.getValue_asU8(), signedHeader, header]),
        signature.getSignature_asU8(),
        identities,
        consenterId,
      );
    if (signatureHeader.length > 0) {
      return check(
        common.SignatureHeader.deserializeBinary(signatureHeader).getCreator_asU8(),
        signatureHeader,
      );
    }
    const identifierHeader = signature.getIdentifierHeader_asU8();
    const id = common.IdentifierHeader.deserializeBinary(identifierHeader).getIdentifier();
    const consenter = consenters.find((c) => c.id === id);
    if (!consenter) {
      const problem = `consenter ${id} is not in the consenter set`;
      return { mspId: 'unknown', orderer: 'unknown', consenterId: id, verified: false, problem };
    }
    const identity = new msp.SerializedIdentity();
    identity.setMspid(consenter.mspId);
    identity.setIdBytes(consenter.identity);
    return check(identity.serializeBinary(), identifierHeader, id);
  });
}

function checkSignature(
  serialized: Uint8Array,
  message: Buffer,
  signature: Uint8Array,
  identities: IdentityDeserializer,
  consenterId: number | undefined,
): OrdererSignature {
  const signer: BlockSigner = {
    ...signerNamed(serialized),
    ...(consenterId === undefined ? {} : { consenterId }),
  };
  const refuse = (problem: string): OrdererSignature => ({ ...signer, verified: false, problem });
  let identity;
  try {
    identity = identities.deserialize(serialized);
  } catch (error) {
    return refuse((error as Error).message);
  }
  if (identity.role !== 'orderer')
    return refuse(`block signed by ${identity.mspId} ${identity.role}, not by an orderer`);
  if (!identity.verify(message, signature)) return refuse('orderer signature does not verify');
  return { ...signer, verified: true };
}

/**
 * {@link ordererSignatures} of a block read on its own, e.g. for an explorer: the consenter set
 * comes from the config block its metadata points to, read through `readBlock`.
 */
export async function describeBlockSignatures(
  block: common.Block,
  identities: IdentityDeserializer,
  readBlock: (blockNumber: number) => Promise<common.Block | undefined>,
): Promise<OrdererSignature[]> {
  return ordererSignatures(block, identities, await consentersSigning(block, readBlock));
}

/** Names the signer from its serialized identity, whether or not an MSP accepts it. */
function signerNamed(serialized: Uint8Array): BlockSigner {
  try {
    const identity = msp.SerializedIdentity.deserializeBinary(serialized);
    const subject = new X509Certificate(Buffer.from(identity.getIdBytes_asU8())).subject;
    const commonName = /^CN=(.*)$/m.exec(subject)?.[1] ?? subject;
    return { mspId: identity.getMspid(), orderer: commonName };
  } catch {
    return { mspId: 'unknown', orderer: 'unreadable identity' };
  }
}

/** The orderers whose signatures make a block good, or a throw naming what is wrong. */
export function verifyBlockSignatures(
  block: common.Block,
  identities: IdentityDeserializer,
  consenters: readonly Consenter[] = [],
): BlockSigner[] {
  const signatures = ordererSignatures(block, identities, consenters);
  if (consenters.length === 0) {
    // Raft (and the embedded orderer): the block's one orderer signature is the first.
    const [first] = signatures;
    if (!first) throw new Error('block has no orderer signature');
    if (!first.verified) throw new Error(first.problem);
    return [withoutCheck(first)];
  }
  const signers = new Map<number, BlockSigner>();
  for (const signature of signatures) {
    // Only signatures naming a consenter count towards a BFT quorum, each consenter once.
    if (signature.verified && signature.consenterId !== undefined)
      signers.set(signature.consenterId, withoutCheck(signature));
  }
  const quorum = bftQuorum(consenters.length);
  if (signers.size < quorum) {
    throw new Error(`${signers.size} of ${consenters.length} consenters signed, BFT quorum is ${quorum}`);
  }
  return [...signers.values()];
}

function withoutCheck({ mspId, orderer, consenterId }: OrdererSignature): BlockSigner {
  return { mspId, orderer, ...(consenterId === undefined ? {} : { consenterId }) };
}
