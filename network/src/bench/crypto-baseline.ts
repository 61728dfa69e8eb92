import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';

export interface CryptoBaseline {
  signPerSecond: number;
  verifyPerSecond: number;
  sha256PerSecond: number;
}

function rate(durationMs: number, operation: () => void): number {
  let count = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(durationMs) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 100; i++) operation();
    count += 100;
    now = process.hrtime.bigint();
  }
  return count / (Number(now - start) / 1e9);
}

/** This machine's single-core limit for the operations a Fabric transaction is made of. */
export function measureCryptoBaseline(durationMs = 1500): CryptoBaseline {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const message = Buffer.alloc(512, 1);
  const signature = sign('sha256', message, privateKey);
  return {
    signPerSecond: rate(durationMs, () => sign('sha256', message, privateKey)),
    verifyPerSecond: rate(durationMs, () => verify('sha256', message, publicKey, signature)),
    sha256PerSecond: rate(durationMs, () => createHash('sha256').update(message.subarray(0, 256)).digest()),
  };
}
