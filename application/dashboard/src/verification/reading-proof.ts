/**
 * Checks, in the browser, that an IoT reading belongs to a batch anchored on the ledger — the
 * telemetry chaincode's construction (chaincode/telemetry/src/merkle.ts, docs/contracts/telemetry.md)
 * redone with WebCrypto so that the user does not have to trust the gateway's answer:
 *
 *   leaf = SHA-256(0x00 ‖ canonical JSON of the full reading, signature included)
 *   node = SHA-256(0x01 ‖ left ‖ right); a proof step says on which side the sibling sits;
 *   the reading is proven when folding the steps from the leaf gives the batch's Merkle root.
 */
import { canonicalJson } from './canonical-json';

export interface ProofStep {
  position: 'left' | 'right';
  hash: string;
}

export interface ReadingProofCheck {
  valid: boolean;
  leafHash: string;
  computedRoot: string;
  expectedRoot: string;
  steps: number;
  problem?: string;
}

export function hexOf(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

export function bytesOfHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** SHA-256 of a one-byte domain prefix followed by the parts. */
export async function prefixedSha256(prefix: number, ...parts: Uint8Array[]): Promise<Uint8Array> {
  const length = 1 + parts.reduce((n, p) => n + p.length, 0);
  const input = new Uint8Array(length);
  input[0] = prefix;
  let offset = 1;
  for (const p of parts) {
    input.set(p, offset);
    offset += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input));
}

export async function readingLeafHash(reading: unknown): Promise<Uint8Array> {
  return prefixedSha256(0x00, new TextEncoder().encode(canonicalJson(reading)));
}

export async function verifyReadingProof(
  reading: unknown,
  proof: unknown,
  merkleRoot: string,
): Promise<ReadingProofCheck> {
  const expectedRoot = merkleRoot.toLowerCase();
  const leaf = await readingLeafHash(reading);
  const result = { leafHash: hexOf(leaf), expectedRoot, steps: 0 };
  if (!Array.isArray(proof)) {
    return { ...result, valid: false, computedRoot: '', problem: 'the proof is not a list of steps' };
  }
  let hash = leaf;
  for (const [i, step] of (proof as ProofStep[]).entries()) {
    if (!step || typeof step.hash !== 'string' || !/^[0-9a-fA-F]{64}$/.test(step.hash)) {
      return { ...result, valid: false, computedRoot: '', problem: `step ${i + 1} has no 64-hex-digit hash` };
    }
    const sibling = bytesOfHex(step.hash.toLowerCase());
    if (step.position === 'left') hash = await prefixedSha256(0x01, sibling, hash);
    else if (step.position === 'right') hash = await prefixedSha256(0x01, hash, sibling);
    else
      return {
        ...result,
        valid: false,
        computedRoot: '',
        problem: `step ${i + 1} is neither left nor right`,
      };
  }
  const computedRoot = hexOf(hash);
  return {
    ...result,
    steps: proof.length,
    computedRoot,
    valid: computedRoot === expectedRoot,
    ...(computedRoot === expectedRoot
      ? {}
      : { problem: 'the recomputed root differs from the anchored root' }),
  };
}
