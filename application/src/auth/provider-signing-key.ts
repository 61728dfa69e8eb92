import { type JsonWebKey, type KeyObject, createPublicKey } from 'node:crypto';

/** What a provider's key may sign with. HS* never: a published key is public. */
export const PROVIDER_ALGORITHMS = ['RS256', 'PS256', 'ES256'] as const;
export type ProviderAlgorithm = (typeof PROVIDER_ALGORITHMS)[number];

export function isProviderAlgorithm(alg: unknown): alg is ProviderAlgorithm {
  return (PROVIDER_ALGORITHMS as readonly unknown[]).includes(alg);
}

/** One signing key of the identity provider, with the one algorithm tokens under it may use. */
export interface ProviderSigningKey {
  kid: string;
  algorithm: ProviderAlgorithm;
  /** Parsed once, when the key set is loaded: verification on the request path reuses it. */
  key: KeyObject;
}

/** Which algorithms a key type may declare; the first is assumed when the JWK has no `alg` (Entra ID omits it). */
const ALGORITHMS_OF_KEY_TYPE: Record<string, readonly ProviderAlgorithm[]> = {
  RSA: ['RS256', 'PS256'],
  'EC/P-256': ['ES256'],
};

/**
 * The signing key a JWK describes, or why the gateway does not use it: no `kid`, an encryption
 * key (`use: enc`), or an algorithm or key type outside RS256, PS256 and ES256.
 */
export function providerSigningKeyOf(jwk: unknown): ProviderSigningKey | { ignored: string } {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return { ignored: 'not a JWK object' };
  const { kid, kty, crv, alg, use } = jwk as Record<string, unknown>;
  if (typeof kid !== 'string' || kid === '') return { ignored: 'a key without kid' };
  if (use !== undefined && use !== 'sig') return { ignored: `key ${kid}: use ${String(use)}, not sig` };
  const keyType = kty === 'EC' ? `EC/${String(crv)}` : String(kty);
  const allowed = ALGORITHMS_OF_KEY_TYPE[keyType];
  if (!allowed) return { ignored: `key ${kid}: ${keyType} keys are not supported` };
  const algorithm = alg === undefined ? allowed[0]! : allowed.find((a) => a === alg);
  if (!algorithm) return { ignored: `key ${kid}: alg ${String(alg)} does not fit a ${keyType} key` };
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return { ignored: `key ${kid}: not a valid ${keyType} JWK` };
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (keyType === 'RSA' && (bits === undefined || bits < 2048)) {
    return { ignored: `key ${kid}: RSA keys must have at least 2048 bits` };
  }
  return { kid, algorithm, key };
}
