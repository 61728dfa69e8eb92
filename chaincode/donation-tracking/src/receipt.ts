/**
 * Donation receipts. The donor's app draws a random secret, keeps it as the receipt and sends only
 * its SHA-256: the chaincode cannot make a secret itself (whatever it computes, every endorser and
 * every reader of the block can recompute). Showing the secret later proves the donation.
 */
import { createHash } from 'node:crypto';
import { parseString } from '@cityledger/chaincode-common';

/** Transient map key carrying an anonymous donor's receipt secret, so it never enters a block. */
export const RECEIPT_SECRET_TRANSIENT_KEY = 'receiptSecret';

const SECRET_PATTERN = /^[A-Za-z0-9+/=_-]+$/;

/** At least 32 characters (e.g. 16 random bytes as hex) so that the hash cannot be found by guessing. */
export function parseReceiptSecret(field: string, value: unknown): string {
  return parseString(field, value, {
    minLength: 32,
    maxLength: 256,
    pattern: SECRET_PATTERN,
    patternDescription: 'hex or base64 text (at least 32 characters)',
  });
}

export function receiptHashOf(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
