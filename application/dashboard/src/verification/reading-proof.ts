/**
 * Checks, in the browser, that an IoT reading belongs to a batch anchored on the ledger, with the
 * telemetry chaincode's own construction from @cityledger/proofs (docs/contracts/telemetry.md), so
 * that the user does not have to trust the gateway's answer: the leaf is the hash of the reading's
 * canonical JSON, signature included, and folding the proof steps from it must give the batch's
 * Merkle root. What is shown besides the verdict (leaf, recomputed root, why a proof fails) is
 * what a user needs to check it by hand.
 */
import { jsonLeafHash, rootFromProofSteps } from '@cityledger/proofs';

export interface ReadingProofCheck {
  valid: boolean;
  leafHash: string;
  computedRoot: string;
  expectedRoot: string;
  steps: number;
  problem?: string;
}

export function verifyReadingProof(reading: unknown, proof: unknown, merkleRoot: string): ReadingProofCheck {
  const expectedRoot = merkleRoot.toLowerCase();
  const leafHash = jsonLeafHash(reading);
  let computedRoot: string;
  try {
    computedRoot = rootFromProofSteps(leafHash, proof);
  } catch (error) {
    return {
      valid: false,
      leafHash,
      computedRoot: '',
      expectedRoot,
      steps: 0,
      problem: (error as Error).message,
    };
  }
  const valid = computedRoot === expectedRoot;
  return {
    valid,
    leafHash,
    computedRoot,
    expectedRoot,
    steps: (proof as unknown[]).length,
    ...(valid ? {} : { problem: 'the recomputed root differs from the anchored root' }),
  };
}
