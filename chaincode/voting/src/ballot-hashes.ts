/**
 * The two hashes that make a ballot countable and checkable without naming its voter.
 */
import { createHash } from 'node:crypto';
import { jsonLeafHash } from '@cityledger/proofs';

/**
 * SHA-256 of the election and the token. It keys the ballot, so a token can be spent once; the
 * election id in it keeps nullifiers of different elections apart.
 */
export function nullifierOf(electionId: string, tokenHex: string): string {
  return createHash('sha256')
    .update(`CityLedger voting nullifier v1\u0000${electionId}\u0000${tokenHex.toLowerCase()}`, 'utf8')
    .digest('hex');
}

/** The ballot's Merkle leaf: what it counts for, bound to its election and nullifier. */
export function ballotHashOf(electionId: string, nullifier: string, choice: readonly string[]): string {
  return jsonLeafHash({ choice: [...choice], electionId, nullifier });
}
