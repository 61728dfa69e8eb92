/**
 * The Merkle tree of RFC 6962 (Certificate Transparency) over counted ballots: leaves hashed as
 * SHA-256(0x00 ‖ data), inner nodes as SHA-256(0x01 ‖ left ‖ right), and an n-leaf tree split at
 * the largest power of two below n. The distinct prefixes stop an inner node from passing as a
 * leaf; the split rule needs no duplicated leaves, so every tree size has exactly one root.
 * Hashes travel as lower-case hex.
 */
import { createHash } from 'node:crypto';

/** SHA-256 of the empty string: the root of a tree without leaves (RFC 6962 §2.1). */
export const EMPTY_TREE_ROOT = createHash('sha256').digest('hex');

export function leafHash(data: Buffer | string): string {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(data)
    .digest('hex');
}

export function nodeHash(left: string, right: string): string {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(Buffer.from(left, 'hex'))
    .update(Buffer.from(right, 'hex'))
    .digest('hex');
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The root over already hashed leaves. */
export function merkleRoot(leafHashes: readonly string[]): string {
  if (leafHashes.length === 0) return EMPTY_TREE_ROOT;
  return subtreeRoot(leafHashes, 0, leafHashes.length);
}

function subtreeRoot(leaves: readonly string[], start: number, end: number): string {
  const n = end - start;
  if (n === 1) return leaves[start];
  const k = largestPowerOfTwoBelow(n);
  return nodeHash(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

/** The audit path of leaf `index`: sibling hashes from the leaf up to the root (RFC 6962 §2.1.1). */
export function auditPath(leafHashes: readonly string[], index: number): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= leafHashes.length) {
    throw new RangeError(`auditPath: leaf ${index} is not in a tree of ${leafHashes.length}`);
  }
  return pathOf(leafHashes, index, 0, leafHashes.length);
}

function pathOf(leaves: readonly string[], index: number, start: number, end: number): string[] {
  const n = end - start;
  if (n === 1) return [];
  const k = largestPowerOfTwoBelow(n);
  return index - start < k
    ? [...pathOf(leaves, index, start, start + k), subtreeRoot(leaves, start + k, end)]
    : [...pathOf(leaves, index, start + k, end), subtreeRoot(leaves, start, start + k)];
}

/** Recomputes the root from a leaf hash, its index, the tree size and its audit path. */
export function rootFromAuditPath(
  leaf: string,
  index: number,
  treeSize: number,
  path: readonly string[],
): string {
  if (!Number.isInteger(index) || index < 0 || index >= treeSize) {
    throw new RangeError(`rootFromAuditPath: leaf ${index} is not in a tree of ${treeSize}`);
  }
  // Walk down to record at each level whether the leaf lies left or right, then fold upwards.
  const sides: boolean[] = [];
  let start = 0;
  let end = treeSize;
  while (end - start > 1) {
    const k = largestPowerOfTwoBelow(end - start);
    const inLeft = index - start < k;
    sides.push(inLeft);
    if (inLeft) end = start + k;
    else start += k;
  }
  if (sides.length !== path.length) {
    throw new RangeError(`rootFromAuditPath: a tree of ${treeSize} needs a path of ${sides.length} hashes`);
  }
  let hash = leaf;
  for (let level = 0; level < path.length; level += 1) {
    const inLeft = sides[sides.length - 1 - level];
    hash = inLeft ? nodeHash(hash, path[level]) : nodeHash(path[level], hash);
  }
  return hash;
}

export function verifyAuditPath(
  leaf: string,
  index: number,
  treeSize: number,
  path: readonly string[],
  root: string,
): boolean {
  try {
    return rootFromAuditPath(leaf, index, treeSize, path) === root;
  } catch {
    return false;
  }
}
