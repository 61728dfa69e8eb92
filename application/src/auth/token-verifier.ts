import jwt from 'jsonwebtoken';
import { AuthenticationError } from '../errors/gateway-errors';
import { type Caller, tokenClaimsSchema } from './caller';
import type { JwtKeys } from './jwt-keys';
import { reservedSubjectProblem } from './service-identities';

export type TokenVerifier = (token: string) => Caller;

/**
 * Verifies bearer tokens with exactly one algorithm. Pinning matters: a verifier that accepts
 * what the token header asks for can be fooled with `alg: none` or by an HS256 token signed
 * with the (public) RSA key as secret.
 *
 * @param peerOrganizations MSP IDs a token's `org` may name.
 * @param serviceUserIds the gateway's own service users besides the defaults, which no `sub` may name.
 */
export function createTokenVerifier(
  keys: JwtKeys,
  peerOrganizations: ReadonlySet<string>,
  serviceUserIds: readonly string[] = [],
): TokenVerifier {
  return (token) => {
    const header = jwt.decode(token, { complete: true })?.header;
    if (!header) throw new AuthenticationError('INVALID_TOKEN', 'the bearer token is not a JWT');
    if (header.alg !== keys.algorithm) {
      throw new AuthenticationError(
        'INVALID_TOKEN',
        `tokens must be signed with ${keys.algorithm}, this one says ${header.alg}`,
      );
    }
    let payload: jwt.JwtPayload;
    try {
      const verified = jwt.verify(token, keys.verificationKey, {
        algorithms: [keys.algorithm],
        ...(keys.issuer ? { issuer: keys.issuer } : {}),
        ...(keys.audience ? { audience: keys.audience } : {}),
      });
      if (typeof verified === 'string') throw new jwt.JsonWebTokenError('the payload is not a JSON object');
      payload = verified;
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) {
        throw new AuthenticationError(
          'TOKEN_EXPIRED',
          `the token expired at ${error.expiredAt.toISOString()}`,
        );
      }
      const reason = error instanceof Error ? error.message : 'invalid';
      throw new AuthenticationError('INVALID_TOKEN', `the token is not valid: ${reason}`);
    }
    if (typeof payload.exp !== 'number') {
      throw new AuthenticationError('INVALID_TOKEN', 'the token has no exp (expiry) claim');
    }
    const claims = tokenClaimsSchema.safeParse(payload);
    if (!claims.success) {
      const issue = claims.error.issues[0]!;
      throw new AuthenticationError('INVALID_TOKEN', `claim ${issue.path.join('.')}: ${issue.message}`);
    }
    const reserved = reservedSubjectProblem(claims.data.sub, serviceUserIds);
    if (reserved) throw new AuthenticationError('INVALID_TOKEN', `claim sub: ${reserved}`);
    if (!peerOrganizations.has(claims.data.org)) {
      throw new AuthenticationError(
        'INVALID_TOKEN',
        `claim org: ${claims.data.org} is not an organisation of the consortium (${[...peerOrganizations].join(', ')})`,
      );
    }
    const { sub, org, role, did } = claims.data;
    return { userId: sub, mspId: org, role, ...(did ? { did } : {}) };
  };
}
