import jwt from 'jsonwebtoken';
import type { Caller } from './caller';
import { setClaim } from './claim-mapping';
import type { JwtKeys } from './jwt-keys';

/** Signs a gateway token for development and tests; production tokens come from an identity provider. */
export function issueToken(keys: JwtKeys, caller: Caller, ttlSeconds: number): string {
  if (keys.kind === 'provider') {
    throw new Error(
      `tokens come from the identity provider of JWT_JWKS_URL (${keys.keySet.url}); the gateway signs none`,
    );
  }
  if (!keys.signingKey) {
    throw new Error(
      `no signing key for ${keys.algorithm}: set JWT_PRIVATE_KEY_FILE to issue development tokens`,
    );
  }
  // Written where the claim mapping reads them, so development tokens pass a custom mapping too.
  const claims: Record<string, unknown> = {};
  setClaim(claims, keys.claims.org, caller.mspId);
  setClaim(claims, keys.claims.role, caller.role);
  if (caller.did) setClaim(claims, keys.claims.did, caller.did);
  if (keys.claims.user !== 'sub') setClaim(claims, keys.claims.user, caller.userId);
  return jwt.sign(claims, keys.signingKey, {
    algorithm: keys.algorithm,
    subject: caller.userId,
    expiresIn: ttlSeconds,
    ...(keys.issuer ? { issuer: keys.issuer } : {}),
    ...(keys.audience ? { audience: keys.audience } : {}),
  });
}
