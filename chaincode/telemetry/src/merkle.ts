/**
 * The Merkle tree over a batch of readings (shared with the gateway, which builds the tree and keeps
 * the proofs off-chain; the ledger keeps the root).
 *
 * - leaf  = SHA-256(0x00 || leaf data), where leaf data is the canonical JSON (UTF-8) of the full
 *           reading, signature included — see {@link readingLeafData};
 * - node  = SHA-256(0x01 || left || right);
 * - a level with an odd number of nodes promotes its last node unchanged to the next level;
 * - the root of one leaf is that leaf's hash; an empty batch has no root.
 *
 * The distinct 0x00 / 0x01 prefixes make a leaf never equal an inner node, so no one can pass an
 * inner node off as a reading (second-preimage attack on plain Merkle trees); promoting rather than
 * duplicating the odd node avoids the duplicate-leaf ambiguity of Bitcoin's tree.
 * Hashes are lower-case hex.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '@cityledger/chaincode-common';

export type MerkleLeafData = Uint8Array | string;

/** One step from a leaf towards the root: the sibling hash and on which side it sits. */
export interface MerkleProofStep {
  position: 'left' | 'right';
  hash: string;
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

function bytesOf(data: MerkleLeafData): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
}

/** The leaf data of a reading: its canonical JSON. */
export function readingLeafData(reading: unknown): string {
  return canonicalJson(reading);
}

export function leafHash(data: MerkleLeafData): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(bytesOf(data)).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

function nextLevel(level: Buffer[]): Buffer[] {
  const next: Buffer[] = [];
  for (let i = 0; i < level.length; i += 2) {
    next.push(i + 1 < level.length ? nodeHash(level[i], level[i + 1]) : level[i]);
  }
  return next;
}

/** Root (hex) of the tree over `leaves` in order. Throws for an empty list. */
export function merkleRoot(leaves: readonly MerkleLeafData[]): string {
  if (leaves.length === 0) {
    throw new Error('merkleRoot: a batch needs at least one leaf');
  }
  let level = leaves.map(leafHash);
  while (level.length > 1) {
    level = nextLevel(level);
  }
  return level[0].toString('hex');
}

/** The sibling path proving `leaves[index]` under {@link merkleRoot}(leaves). */
export function merkleProof(leaves: readonly MerkleLeafData[], index: number): MerkleProofStep[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new Error(`merkleProof: index ${index} is outside 0..${leaves.length - 1}`);
  }
  const proof: MerkleProofStep[] = [];
  let level = leaves.map(leafHash);
  let i = index;
  while (level.length > 1) {
    if (i % 2 === 1) {
      proof.push({ position: 'left', hash: level[i - 1].toString('hex') });
    } else if (i + 1 < level.length) {
      proof.push({ position: 'right', hash: level[i + 1].toString('hex') });
    } // else: promoted, no step
    level = nextLevel(level);
    i = Math.floor(i / 2);
  }
  return proof;
}

/** Whether `leafData` with `proof` leads to `root` (hex). Malformed proofs verify as false. */
export function verifyMerkleProof(
  leafData: MerkleLeafData,
  proof: readonly MerkleProofStep[],
  root: string,
): boolean {
  let hash = leafHash(leafData);
  for (const step of proof) {
    if (!step || typeof step.hash !== 'string' || !/^[0-9a-fA-F]{64}$/.test(step.hash)) {
      return false;
    }
    const sibling = Buffer.from(step.hash, 'hex');
    if (step.position === 'left') {
      hash = nodeHash(sibling, hash);
    } else if (step.position === 'right') {
      hash = nodeHash(hash, sibling);
    } else {
      return false;
    }
  }
  return hash.toString('hex') === root.toLowerCase();
}
