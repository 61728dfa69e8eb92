/**
 * RFC 6962 audit paths, the form of the voting receipts' proofs: a leaf hash, its index, the tree
 * size and the sibling hashes from the leaf up. Index and size fix on which side each sibling
 * sits, so the path is bare hashes, and a path for one position cannot prove another.
 */
import { nodeHash } from './hashing';

/** Recomputes the root (hex) from a leaf hash, its index, the tree size and its audit path. */
export function rootFromAuditPath(
  leaf: string,
  index: number,
  treeSize: number,
  path: readonly string[],
): string {
  if (!Number.isInteger(index) || !Number.isInteger(treeSize) || index < 0 || index >= treeSize) {
    throw new RangeError(`rootFromAuditPath: leaf ${index} is not in a tree of ${treeSize}`);
  }
  // At each level (as merkle-tree.ts builds it) an odd index has its sibling on the left, an even
  // one on the right unless it is the last of an odd level, promoted without a sibling.
  const sides: Array<'left' | 'right'> = [];
  for (let i = index, size = treeSize; size > 1; i = Math.floor(i / 2), size = Math.ceil(size / 2)) {
    if (i % 2 === 1) sides.push('left');
    else if (i + 1 < size) sides.push('right');
  }
  if (sides.length !== path.length) {
    throw new RangeError(`rootFromAuditPath: a tree of ${treeSize} needs a path of ${sides.length} hashes`);
  }
  return sides.reduce(
    (hash, side, level) => (side === 'left' ? nodeHash(path[level], hash) : nodeHash(hash, path[level])),
    leaf,
  );
}

/** Whether the audit path leads from `leaf` at `index` of a `treeSize` tree to `root`. */
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
