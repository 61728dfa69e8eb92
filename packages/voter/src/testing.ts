/** Authority keys for tests, generated once per run (key generation is the slow part). */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { parseRsaPublicKeyPem, type RsaPublicKey } from './blind-rsa';

export interface AuthorityKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  key: RsaPublicKey;
}

const cachedKeys: AuthorityKey[] = [];

/** The `index`-th 2048-bit authority key of this run. */
export function authorityKey(index = 0): AuthorityKey {
  while (cachedKeys.length <= index) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    cachedKeys.push({ privateKey, publicKeyPem, key: parseRsaPublicKeyPem('key', publicKeyPem) });
  }
  return cachedKeys[index];
}
