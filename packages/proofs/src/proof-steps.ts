/**
 * Sided proof steps, the form of the telemetry reading proofs the gateway hands out and the
 * chaincode's VerifyReading takes: each sibling hash says on which side it sits, so a reading is
 * proven from its leaf hash and the steps alone, without its index or the batch size.
 */
import { isSha256Hex, nodeHash } from './hashing';

/** One step from a leaf towards the root: the sibling hash (hex) and on which side it sits. */
export interface MerkleProofStep {
  position: 'left' | 'right';
  hash: string;
}

/**
 * Folds the steps from `leaf` up and returns the root (lower-case hex). Throws a TypeError naming
 * the first malformed step, for callers that show why a proof fails.
 */
export function rootFromProofSteps(leaf: string, steps: unknown): string {
  if (!isSha256Hex(leaf)) throw new TypeError('the leaf hash is not 64 hex digits');
  if (!Array.isArray(steps)) throw new TypeError('the proof is not a list of steps');
  let hash = leaf.toLowerCase();
  for (const [i, step] of (steps as Array<Partial<MerkleProofStep> | null>).entries()) {
    if (!step || !isSha256Hex(step.hash)) throw new TypeError(`step ${i + 1} has no 64-hex-digit hash`);
    if (step.position === 'left') hash = nodeHash(step.hash, hash);
    else if (step.position === 'right') hash = nodeHash(hash, step.hash);
    else throw new TypeError(`step ${i + 1} is neither left nor right`);
  }
  return hash;
}

/** Whether the steps lead from `leaf` to `root` (hex, either case). Malformed proofs are false. */
export function verifyProofSteps(leaf: string, steps: unknown, root: string): boolean {
  try {
    return rootFromProofSteps(leaf, steps) === root.toLowerCase();
  } catch {
    return false;
  }
}
