import { type KeyObject, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { signedBytesOf } from './canonical-reading';
import type { DeviceReading } from './reading-schema';

/**
 * Parsing a PEM costs several times a verification (FABRIC-NOTES: ~3k/s against ~10k/s), so device
 * keys are turned into `KeyObject`s once. Bounded: the oldest entries go first.
 */
export class PublicKeyCache {
  private readonly keys = new Map<string, KeyObject>();

  constructor(private readonly limit = 100_000) {}

  keyOf(publicKeyPem: string): KeyObject {
    let key = this.keys.get(publicKeyPem);
    if (!key) {
      key = createPublicKey(publicKeyPem);
      if (this.keys.size >= this.limit) this.keys.delete(this.keys.keys().next().value!);
      this.keys.set(publicKeyPem, key);
    }
    return key;
  }
}

/**
 * Whether `reading.signature` (ECDSA P-256 / SHA-256, base64 DER) verifies over the reading's
 * canonical JSON without the signature.
 */
export function verifyReadingSignature(reading: DeviceReading, key: KeyObject): boolean {
  try {
    return verify(
      'sha256',
      signedBytesOf(reading),
      { key, dsaEncoding: 'der' },
      Buffer.from(reading.signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/**
 * {@link verifyReadingSignature} on libuv's thread pool, so ingest verifies on every core. The
 * pool is shared with LevelDB's writes and the ledger's signatures; the gateway sizes it to the
 * cores (server/thread-pool-size.ts), since more threads than that take CPU from the event loop.
 */
export function verifyReadingSignatureAsync(reading: DeviceReading, key: KeyObject): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      verify(
        'sha256',
        signedBytesOf(reading),
        { key, dsaEncoding: 'der' },
        Buffer.from(reading.signature, 'base64'),
        (error, valid) => resolve(!error && valid),
      );
    } catch {
      resolve(false);
    }
  });
}

/** Signs a reading as a device does (used by the simulator, the tests and the docs' example). */
export function signReading(
  reading: Omit<DeviceReading, 'signature'>,
  privateKey: KeyObject | string,
): DeviceReading {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const signature = sign('sha256', signedBytesOf(reading), { key, dsaEncoding: 'der' });
  return { ...reading, signature: signature.toString('base64') };
}
