/**
 * The Merkle tree of RFC 6962 (Certificate Transparency) over leaf hashes: the one tree behind the
 * telemetry batches anchored on the ledgers and the voting tallies' roots.
 *
 * RFC 6962 defines it top-down: an n-leaf tree splits into a left subtree over the largest power
 * of two below n and a right subtree over the rest. Built bottom-up, that is pairing neighbours
 * level by level and promoting a level's odd last node unchanged — the way the telemetry tree was
 * first described. Both descriptions give the same tree, hence the same roots and the same
 * sibling hashes (checked for every size up to 300 when the two implementations were merged, and
 * pinned by test-vectors/merkle.json); only the proof formats differ, see audit-path.ts and
 * proof-steps.ts. Bottom-up, the tree is built once in O(n) hashes and every proof then costs
 * O(log n), which the gateway needs to hand every reading of a batch its proof.
 */
import { bytesToHex } from '@noble/hashes/utils';
import { EMPTY_TREE_ROOT, hashBytes, nodeHashBytes } from './hashing';
import { type MerkleProofStep } from './proof-steps';

export interface MerkleTree {
  /** How many leaves. */
  readonly size: number;
  /** The root (hex); {@link EMPTY_TREE_ROOT} for a tree without leaves. */
  readonly root: string;
  /** RFC 6962 §2.1.1 audit path of leaf `index`: the sibling hashes from the leaf up. */
  auditPath(index: number): string[];
  /** The same siblings, each with the side it sits on (the telemetry reading proofs). */
  proofSteps(index: number): MerkleProofStep[];
}

/**
 * The tree over `leafHashes` (hex, in leaf order).
 *
 * @example
 * const tree = merkleTree(readings.map(jsonLeafHash));
 * const proofs = readings.map((_, i) => tree.proofSteps(i)); // anchored: tree.root
 */
export function merkleTree(leafHashes: readonly string[]): MerkleTree {
  const levels: Uint8Array[][] = [leafHashes.map(hashBytes)];
  for (let level = levels[0]; level.length > 1;) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? nodeHashBytes(level[i], level[i + 1]) : level[i]);
    }
    levels.push(next);
    level = next;
  }
  const size = leafHashes.length;
  const siblings = (index: number): MerkleProofStep[] => {
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
    }
    const steps: MerkleProofStep[] = [];
    let i = index;
    for (const level of levels.slice(0, -1)) {
      if (i % 2 === 1) steps.push({ position: 'left', hash: bytesToHex(level[i - 1]) });
      else if (i + 1 < level.length) steps.push({ position: 'right', hash: bytesToHex(level[i + 1]) });
      // else: the last node of an odd level is promoted, and has no sibling here
      i = Math.floor(i / 2);
    }
    return steps;
  };
  return {
    size,
    root: size === 0 ? EMPTY_TREE_ROOT : bytesToHex(levels[levels.length - 1][0]),
    auditPath: (index) => siblings(index).map((step) => step.hash),
    proofSteps: siblings,
  };
}

/** The root (hex) over `leafHashes`. */
export function merkleRoot(leafHashes: readonly string[]): string {
  return merkleTree(leafHashes).root;
}
