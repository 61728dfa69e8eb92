import { createHash } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';

/** DER length prefix. */
function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derInteger(value: number): Buffer {
  const bytes: number[] = [];
  for (let n = value; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  if (bytes.length === 0) bytes.push(0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return Buffer.concat([Buffer.from([0x02]), derLength(bytes.length), Buffer.from(bytes)]);
}

function derOctetString(value: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([0x04]), derLength(value.length), Buffer.from(value)]);
}

/**
 * Fabric hashes a block header as the ASN.1 DER sequence (number, previousHash, dataHash); the
 * next block stores that hash, which chains the blocks.
 */
export function blockHeaderBytes(header: common.BlockHeader): Buffer {
  const body = Buffer.concat([
    derInteger(header.getNumber()),
    derOctetString(header.getPreviousHash_asU8()),
    derOctetString(header.getDataHash_asU8()),
  ]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

export function blockHeaderHash(header: common.BlockHeader): Buffer {
  return createHash('sha256').update(blockHeaderBytes(header)).digest();
}

/** Fabric v2's block data hash: SHA-256 over the concatenated transaction envelopes. */
export function blockDataHash(envelopes: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const envelope of envelopes) hash.update(envelope);
  return hash.digest();
}

export const BlockMetadataIndex = {
  SIGNATURES: 0,
  LAST_CONFIG: 1,
  TRANSACTIONS_FILTER: 2,
  ORDERER: 3,
  COMMIT_HASH: 4,
} as const;

export function newBlock(number: number, previousHash: Uint8Array, envelopes: Uint8Array[]): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(previousHash);
  header.setDataHash(blockDataHash(envelopes));
  const data = new common.BlockData();
  data.setDataList(envelopes);
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList(Object.values(BlockMetadataIndex).map(() => new Uint8Array(0)));
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return block;
}

export function blockEnvelopes(block: common.Block): Uint8Array[] {
  return block.getData()?.getDataList_asU8() ?? [];
}

export function setBlockMetadata(block: common.Block, index: number, value: Uint8Array): void {
  const list = block.getMetadata()!.getMetadataList_asU8().slice();
  list[index] = value;
  block.getMetadata()!.setMetadataList(list);
}

export function getBlockMetadata(block: common.Block, index: number): Uint8Array {
  return block.getMetadata()?.getMetadataList_asU8()[index] ?? new Uint8Array(0);
}
