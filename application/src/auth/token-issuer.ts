import jwt from 'jsonwebtoken';
import type { Caller } from './caller';
import type { JwtKeys } from './jwt-keys';

/** Signs a gateway token for development and tests; production tokens come from an identity provider. */
export function issueToken(keys: JwtKeys, caller: Caller, ttlSeconds: number): string {
  if (!keys.signingKey) {
    throw new Error(
      `no signing key for ${keys.algorithm}: set JWT_PRIVATE_KEY_FILE to issue development tokens`,
    );
  }
  const claims = { org: caller.mspId, role: caller.role, ...(caller.did ? { did: caller.did } : {}) };
  return jwt.sign(claims, keys.signingKey, {
    algorithm: keys.algorithm,
    subject: caller.userId,
    expiresIn: ttlSeconds,
    ...(keys.issuer ? { issuer: keys.issuer } : {}),
    ...(keys.audience ? { audience: keys.audience } : {}),
  });
}
