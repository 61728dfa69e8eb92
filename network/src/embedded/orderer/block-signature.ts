import { common } from '@hyperledger/fabric-protos';
import { BlockMetadataIndex, blockHeaderBytes, getBlockMetadata, setBlockMetadata } from '../protocol/block';
import type { IdentityDeserializer, Signer, VerifiedIdentity } from '../protocol/signer';
import { newNonce } from '../protocol/transaction-id';

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

/** Returns the orderer identity that signed the block, or throws naming what is wrong. */
export function verifyBlockSignature(
  block: common.Block,
  identities: IdentityDeserializer,
): VerifiedIdentity {
  const metadata = common.Metadata.deserializeBinary(getBlockMetadata(block, BlockMetadataIndex.SIGNATURES));
  const [signature] = metadata.getSignaturesList();
  if (!signature) throw new Error('block has no orderer signature');
  const header = common.SignatureHeader.deserializeBinary(signature.getSignatureHeader_asU8());
  const orderer = identities.deserialize(header.getCreator_asU8());
  if (orderer.role !== 'orderer')
    throw new Error(`block signed by ${orderer.mspId} ${orderer.role}, not by an orderer`);
  const message = Buffer.concat([
    metadata.getValue_asU8(),
    signature.getSignatureHeader_asU8(),
    blockHeaderBytes(block.getHeader()!),
  ]);
  if (!orderer.verify(message, signature.getSignature_asU8()))
    throw new Error('orderer signature does not verify');
  return orderer;
}
