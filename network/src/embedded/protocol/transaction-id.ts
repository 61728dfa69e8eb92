import { createHash, randomBytes } from 'node:crypto';

/** Fabric derives the transaction ID from the nonce and the creator, so a peer can check it was not forged. */
export function computeTransactionId(nonce: Uint8Array, serializedCreator: Uint8Array): string {
  return createHash('sha256').update(nonce).update(serializedCreator).digest('hex');
}

export function newNonce(): Buffer {
  return randomBytes(24);
}
