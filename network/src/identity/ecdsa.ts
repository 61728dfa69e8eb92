import { KeyObject, sign, verify } from 'node:crypto';

/** Order n of the NIST P-256 group. */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
/** Fabric accepts only signatures with s ≤ n/2 (floor), as its `IsLowS` check does. */
const P256_HALF_ORDER = P256_ORDER >> 1n;
const P256_FIELD_BYTES = 32;

/** Keys already checked to be P-256: reading `asymmetricKeyDetails` on every signature costs throughput. */
const p256Keys = new WeakSet<KeyObject>();

function assertP256(key: KeyObject, role: string): void {
  if (p256Keys.has(key)) return;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError(`${role} must be an ECDSA P-256 key`);
  }
  p256Keys.add(key);
}

/**
 * Signs a message with ECDSA P-256 over SHA-256 the way Fabric expects it: an ASN.1 DER
 * `SEQUENCE { r INTEGER, s INTEGER }` with s normalized to the lower half of the group order.
 *
 * @example
 * ```ts
 * const signature = signMessage(identity.privateKey, proposalBytes);
 * ```
 * @param privateKey - an EC P-256 private key.
 * @param message - the bytes to sign; they are hashed with SHA-256 here.
 * @returns the DER-encoded low-S signature.
 */
export function signMessage(privateKey: KeyObject, message: Uint8Array): Buffer {
  assertP256(privateKey, 'privateKey');
  // The fixed-width r||s form is simpler to normalize than DER; we encode DER ourselves afterwards.
  return lowSDer(sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
}

/** {@link signMessage} on libuv's thread pool, so signing does not hold up the event loop. */
export function signMessageAsync(privateKey: KeyObject, message: Uint8Array): Promise<Buffer> {
  assertP256(privateKey, 'privateKey');
  return new Promise((resolve, reject) => {
    sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' }, (error, raw) =>
      error ? reject(error) : resolve(lowSDer(raw)),
    );
  });
}

function lowSDer(raw: Uint8Array): Buffer {
  const r = bytesToBigInt(raw.subarray(0, P256_FIELD_BYTES));
  let s = bytesToBigInt(raw.subarray(P256_FIELD_BYTES));
  // (r, n - s) is an equally valid signature; Fabric rejects the high-S twin to stop malleability.
  if (s > P256_HALF_ORDER) s = P256_ORDER - s;
  return encodeSignatureDer(r, s);
}

/**
 * Verifies an ECDSA P-256/SHA-256 DER signature with Fabric's rules: strict DER, 0 < r < n and
 * 0 < s ≤ n/2. High-S signatures are rejected even though they are mathematically valid.
 *
 * @returns `true` only for a valid low-S signature of `message`; `false` for anything else,
 * including malformed signature bytes, so callers can treat a bad signature as data, not a crash.
 */
export function verifyMessage(publicKey: KeyObject, message: Uint8Array, signatureDer: Uint8Array): boolean {
  if (!isCanonicalSignature(publicKey, signatureDer)) return false;
  try {
    return verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signatureDer);
  } catch {
    return false;
  }
}

/**
 * {@link verifyMessage} on libuv's thread pool, so that a block's many signatures are checked on
 * every core while the event loop goes on.
 */
export function verifyMessageAsync(
  publicKey: KeyObject,
  message: Uint8Array,
  signatureDer: Uint8Array,
): Promise<boolean> {
  if (!isCanonicalSignature(publicKey, signatureDer)) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signatureDer, (error, valid) =>
        resolve(!error && valid),
      );
    } catch {
      resolve(false);
    }
  });
}

function isCanonicalSignature(publicKey: KeyObject, signatureDer: Uint8Array): boolean {
  assertP256(publicKey, 'publicKey');
  const signature = decodeSignatureDer(signatureDer);
  if (!signature) return false;
  const { r, s } = signature;
  return r > 0n && r < P256_ORDER && s > 0n && s <= P256_HALF_ORDER;
}

/** Tells whether a DER signature is in Fabric's canonical low-S form (false when malformed). */
export function isLowS(signatureDer: Uint8Array): boolean {
  const signature = decodeSignatureDer(signatureDer);
  return signature !== undefined && signature.s <= P256_HALF_ORDER;
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + Buffer.from(bytes).toString('hex'));
}

/** Minimal two's-complement encoding of a non-negative integer, as DER requires. */
function encodeDerInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = '0' + hex;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0x00]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

function encodeSignatureDer(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([encodeDerInteger(r), encodeDerInteger(s)]);
  // For P-256 the body is at most 70 bytes, so the short length form always suffices.
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** Parses a DER INTEGER at `offset`; undefined unless it is minimal and non-negative. */
function readDerInteger(der: Uint8Array, offset: number): { value: bigint; next: number } | undefined {
  if (der[offset] !== 0x02) return undefined;
  const length = der[offset + 1];
  // P-256 integers fit in 33 bytes, so a long-form length can only mean a malformed signature.
  if (length === undefined || length === 0 || length > P256_FIELD_BYTES + 1) return undefined;
  const start = offset + 2;
  const end = start + length;
  if (end > der.length) return undefined;
  if (der[start] & 0x80) return undefined;
  if (der[start] === 0x00 && length > 1 && !(der[start + 1] & 0x80)) return undefined;
  return { value: bytesToBigInt(der.subarray(start, end)), next: end };
}

function decodeSignatureDer(der: Uint8Array): { r: bigint; s: bigint } | undefined {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const r = readDerInteger(der, 2);
  if (!r) return undefined;
  const s = readDerInteger(der, r.next);
  if (!s || s.next !== der.length) return undefined;
  return { r: r.value, s: s.value };
}
