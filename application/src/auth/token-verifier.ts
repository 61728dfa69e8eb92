import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AuthenticationError, SigningKeysUnavailableError } from '../errors/gateway-errors';
import { type Caller, KNOWN_ROLES, tokenClaimsSchema } from './caller';
import { type ClaimMapping, claimAt, roleOfClaim } from './claim-mapping';
import type { JwtKeys, ProviderJwtKeys } from './jwt-keys';
import { PROVIDER_ALGORITHMS, type ProviderSigningKey, isProviderAlgorithm } from './provider-signing-key';
import { reservedSubjectProblem } from './service-identities';

/**
 * The caller a bearer token stands for. Synchronous whenever the key is at hand (every request
 * but the first one under a new provider key), so the hot path never waits on a promise.
 */
export type TokenVerifier = (token: string) => Caller | Promise<Caller>;

/** The longest `kid` looked up; a longer one is no provider's. */
const MAX_KID_LENGTH = 256;

/**
 * Verifies bearer tokens with exactly one algorithm per key. Pinning matters: a verifier that
 * accepts what the token header asks for can be fooled with `alg: none` or by an HS256 token
 * signed with the (public) RSA key as secret.
 *
 * With an identity provider's keys, the verifier starts loading them at once.
 *
 * @param peerOrganizations MSP IDs a token's `org` may name.
 * @param serviceUserIds the gateway's own service users besides the defaults, which no `sub` may name.
 */
export function createTokenVerifier(
  keys: JwtKeys,
  peerOrganizations: ReadonlySet<string>,
  serviceUserIds: readonly string[] = [],
): TokenVerifier {
  const callerOf = callerFromClaims(keys.claims, peerOrganizations, serviceUserIds);
  const options: jwt.VerifyOptions = {
    ...(keys.issuer ? { issuer: keys.issuer } : {}),
    ...(keys.audience ? { audience: keys.audience } : {}),
  };
  const verifyWith = (token: string, algorithm: jwt.Algorithm, key: KeyObject): Caller =>
    callerOf(verifiedPayload(token, key, { ...options, algorithms: [algorithm] }));

  if (keys.kind === 'provider') return providerTokenVerifier(keys, verifyWith);
  return (token) => {
    const header = headerOf(token);
    if (header.alg !== keys.algorithm) {
      throw new AuthenticationError(
        'INVALID_TOKEN',
        `tokens must be signed with ${keys.algorithm}, this one says ${header.alg}`,
      );
    }
    return verifyWith(token, keys.algorithm, keys.verificationKey);
  };
}

function providerTokenVerifier(
  keys: ProviderJwtKeys,
  verifyWith: (token: string, algorithm: jwt.Algorithm, key: KeyObject) => Caller,
): TokenVerifier {
  const { keySet } = keys;
  void keySet.refresh();
  const verifyUnder = (token: string, alg: string, key: ProviderSigningKey): Caller => {
    if (alg !== key.algorithm) {
      throw new AuthenticationError(
        'INVALID_TOKEN',
        `key ${key.kid} signs ${key.algorithm} tokens, this one says ${alg}`,
      );
    }
    return verifyWith(token, key.algorithm, key.key);
  };
  return (token) => {
    const { alg, kid } = headerOf(token);
    // Refused before any key lookup, so that such tokens cannot spend the refresh budget either.
    if (!isProviderAlgorithm(alg)) {
      throw new AuthenticationError(
        'INVALID_TOKEN',
        `tokens must be signed with ${PROVIDER_ALGORITHMS.join(', ')} by the identity provider, this one says ${alg}`,
      );
    }
    if (typeof kid !== 'string' || kid === '' || kid.length > MAX_KID_LENGTH) {
      throw new AuthenticationError(
        'INVALID_TOKEN',
        "the token header names no signing key (kid) of the identity provider's",
      );
    }
    const cached = keySet.cachedKey(kid);
    if (cached) return verifyUnder(token, alg, cached);
    return keySet.keyAfterRefresh(kid).then((key) => {
      if (key) return verifyUnder(token, alg, key);
      if (!keySet.loaded) {
        throw new SigningKeysUnavailableError(
          `the identity provider's signing keys are not loaded yet (${keySet.lastProblem ?? 'loading'}); retry shortly`,
        );
      }
      throw new AuthenticationError(
        'UNKNOWN_SIGNING_KEY',
        `the identity provider publishes no signing key ${JSON.stringify(kid)} ` +
          `(keys are fetched again at most every ${keySet.refreshCooldownMs / 1000} s)`,
      );
    });
  };
}

function headerOf(token: string): jwt.JwtHeader {
  const header = jwt.decode(token, { complete: true })?.header;
  if (!header) throw new AuthenticationError('INVALID_TOKEN', 'the bearer token is not a JWT');
  return header;
}

function verifiedPayload(token: string, key: KeyObject, options: jwt.VerifyOptions): jwt.JwtPayload {
  let payload: jwt.JwtPayload;
  try {
    const verified = jwt.verify(token, key, options);
    if (typeof verified === 'string') throw new jwt.JsonWebTokenError('the payload is not a JSON object');
    payload = verified;
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) {
      throw new AuthenticationError('TOKEN_EXPIRED', `the token expired at ${error.expiredAt.toISOString()}`);
    }
    const reason = error instanceof Error ? error.message : 'invalid';
    throw new AuthenticationError('INVALID_TOKEN', `the token is not valid: ${reason}`);
  }
  if (typeof payload.exp !== 'number') {
    throw new AuthenticationError('INVALID_TOKEN', 'the token has no exp (expiry) claim');
  }
  return payload;
}

/** Reads the caller from a verified payload where the claim mapping says; errors name the token's claim. */
function callerFromClaims(
  mapping: ClaimMapping,
  peerOrganizations: ReadonlySet<string>,
  serviceUserIds: readonly string[],
): (payload: jwt.JwtPayload) => Caller {
  const claimNames = { sub: mapping.user, org: mapping.org, role: mapping.role, did: mapping.did };
  return (payload) => {
    const roleClaim = claimAt(payload, mapping.role);
    const role = roleOfClaim(roleClaim);
    if (Array.isArray(roleClaim) && role === undefined) {
      throw new AuthenticationError(
        'INVALID_TOKEN',
        `claim ${mapping.role}: names none of the roles the gateway knows (${KNOWN_ROLES.join(', ')})`,
      );
    }
    const claims = tokenClaimsSchema.safeParse({
      sub: claimAt(payload, mapping.user),
      org: claimAt(payload, mapping.org),
      role,
      did: claimAt(payload, mapping.did),
    });
    if (!claims.success) {
      const issue = claims.error.issues[0]!;
      const field = issue.path[0] as keyof typeof claimNames;
      const rest = issue.path.slice(1);
      throw new AuthenticationError(
        'INVALID_TOKEN',
        `claim ${[claimNames[field], ...rest].join('.')}: ${issue.message}`,
      );
    }
    const { sub, org, did } = claims.data;
    const reserved = reservedSubjectProblem(sub, serviceUserIds);
    if (reserved) throw new AuthenticationError('INVALID_TOKEN', `claim ${mapping.user}: ${reserved}`);
    if (!peerOrganizations.has(org)) {
      throw new AuthenticationError(
        'INVALID_TOKEN',
        `claim ${mapping.org}: ${org} is not an organisation of the consortium (${[...peerOrganizations].join(', ')})`,
      );
    }
    return { userId: sub, mspId: org, role: claims.data.role, ...(did ? { did } : {}) };
  };
}
