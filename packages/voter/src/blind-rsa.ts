/**
 * Chaum's RSA blind signatures with a full-domain hash (RSA-FDH), in BigInt arithmetic.
 *
 * The voting contract only ever verifies (it holds no private key: every endorser and every reader
 * of the channel would see it) and imports this module for that. Blinding, signing and unblinding
 * happen off-chain; the helpers for them live in `voting-token.ts` and use the same encoding
 * defined here. Nothing here may import Fabric: voters' apps load this package.
 *
 * Hand-written, and not RFC 9474 (RSABSSA). The RSA core is the RFC's — blinding z = m·r^e,
 * the raw private-key operation, unblinding s = z·r⁻¹, the check s^e ≡ m — and is tested byte for
 * byte against its Appendix A vectors (`blind-rsa.rfc9474.test.ts`). The message encoding is not:
 * `tokenMessage` is a full-domain hash where RFC 9474 uses EMSA-PSS (the RFC rates FDH as secure
 * as PSS, in "Alternative RSA Encoding Functions"). Changing the encoding changes what every
 * issued token signature means, so it is a ballot-protocol decision, not a library swap; it would
 * need no library in the contract either, since `crypto.verify` with RSA-PSS padding checks an
 * RFC 9474 signature. What remains here is small, deterministic arithmetic on public values.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

export const MIN_MODULUS_BITS = 2048;
export const MAX_MODULUS_BITS = 4096;

/** Domain separation: a token signature of the voting contract can never be a signature of anything else. */
const TOKEN_MESSAGE_PREFIX = 'CityLedger voting token v1';
/** Extra hash bytes beyond the modulus length, so that reducing modulo n leaves no usable bias. */
const FDH_EXTRA_BYTES = 16;

/**
 * A token key that cannot sign voting tokens. `field` names where it came from; the contract turns
 * this into its `INVALID_ARGUMENT` error, an app into its own message.
 */
export class TokenKeyError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'TokenKeyError';
  }
}

export interface RsaPublicKey {
  n: bigint;
  e: bigint;
  /** Length of the modulus in bytes; every number on the wire is exactly this long (2·k hex digits). */
  k: number;
  /** The key re-encoded as SPKI PEM, so equal keys are stored as equal strings. */
  pem: string;
}

/**
 * Square-and-multiply, in variable time: safe with public exponents (verifying, blinding), but its
 * timing depends on the exponent's bits, so a private exponent passed here can leak.
 */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus === 1n) return 0n;
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let x = exponent;
  while (x > 0n) {
    if (x & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    x >>= 1n;
  }
  return result;
}

export function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** The inverse of `a` modulo `m` (extended Euclid); throws when there is none. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) {
    throw new RangeError('modInverse: not invertible');
  }
  return ((oldS % m) + m) % m;
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

/** Big-endian, left-padded to exactly `length` bytes (I2OSP of RFC 8017), as lower-case hex. */
export function bigIntToHex(value: bigint, length: number): string {
  const hex = value.toString(16);
  if (hex.length > length * 2) {
    throw new RangeError('bigIntToHex: value does not fit');
  }
  return hex.padStart(length * 2, '0');
}

/** An RSA public key (SPKI PEM) fit to sign voting tokens: 2048..4096-bit modulus, odd e >= 3. */
export function parseRsaPublicKeyPem(field: string, value: unknown): RsaPublicKey {
  if (typeof value !== 'string' || value.length > 4096) {
    throw new TokenKeyError(field, 'must be an RSA public key as a PEM string');
  }
  const trimmed = value.trim();
  if (!trimmed.startsWith('-----BEGIN PUBLIC KEY-----') || !trimmed.endsWith('-----END PUBLIC KEY-----')) {
    throw new TokenKeyError(field, 'must be a PEM block "-----BEGIN PUBLIC KEY-----" (SPKI)');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: trimmed, format: 'pem' });
  } catch {
    throw new TokenKeyError(field, 'is not a readable PEM public key');
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new TokenKeyError(field, `must be an RSA key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  const jwk = key.export({ format: 'jwk' });
  const n = bytesToBigInt(Buffer.from(jwk.n ?? '', 'base64url'));
  const e = bytesToBigInt(Buffer.from(jwk.e ?? '', 'base64url'));
  const bits = n.toString(2).length;
  if (bits < MIN_MODULUS_BITS || bits > MAX_MODULUS_BITS) {
    throw new TokenKeyError(
      field,
      `must have a modulus of ${MIN_MODULUS_BITS} to ${MAX_MODULUS_BITS} bits, got ${bits}`,
    );
  }
  if (e < 3n || e % 2n === 0n) {
    throw new TokenKeyError(field, 'must have an odd public exponent of at least 3');
  }
  return { n, e, k: Math.ceil(bits / 8), pem: key.export({ type: 'spki', format: 'pem' }).toString() };
}

/** MGF1-style expansion of SHA-256 to `length` bytes. */
function expandHash(input: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * 32 < length; counter += 1) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(createHash('sha256').update(input).update(c).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/**
 * The number the authority signs (blindly) for a voting token: a full-domain hash of the election
 * id and the token, reduced modulo n. A token is bound to one election.
 */
export function tokenMessage(key: RsaPublicKey, electionId: string, tokenHex: string): bigint {
  const input = Buffer.from(
    `${TOKEN_MESSAGE_PREFIX}\u0000${electionId}\u0000${tokenHex.toLowerCase()}`,
    'utf8',
  );
  return bytesToBigInt(expandHash(input, key.k + FDH_EXTRA_BYTES)) % key.n;
}

/** RSA verification without padding: `signature^e ≡ message (mod n)`. */
export function verifyRaw(key: RsaPublicKey, message: bigint, signature: bigint): boolean {
  if (signature <= 0n || signature >= key.n) {
    return false;
  }
  return modPow(signature, key.e, key.n) === message % key.n;
}

/** Whether `signatureHex` is the authority's signature of the voting token `tokenHex` of `electionId`. */
export function verifyTokenSignature(
  key: RsaPublicKey,
  electionId: string,
  tokenHex: string,
  signature: bigint,
): boolean {
  return verifyRaw(key, tokenMessage(key, electionId, tokenHex), signature);
}
