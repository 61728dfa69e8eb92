import { type KeyObject, createPrivateKey, createPublicKey, createSecretKey, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type GatewayConfig, type JwtAlgorithm } from '../config/gateway-config';
import type { ClaimMapping } from './claim-mapping';
import { ProviderKeySet } from './provider-key-set';

/** Where the default setup keeps its generated HS256 secret. */
export const GENERATED_SECRET_FILE = 'jwt-secret';

/** How tokens are verified: with one pinned key, or with the keys an identity provider publishes. */
export type JwtKeys = PinnedJwtKeys | ProviderJwtKeys;

/** What every token must carry besides a good signature, and where its claims are read. */
interface TokenRules {
  issuer?: string;
  audience?: string;
  claims: ClaimMapping;
}

/** The keys of the one pinned algorithm: what verifies tokens, and (when available) what signs them. */
export interface PinnedJwtKeys extends TokenRules {
  kind: 'pinned';
  algorithm: JwtAlgorithm;
  /**
   * Always a KeyObject: given an HS256 secret as a string, jsonwebtoken first tries it as a PEM
   * public key and catches the failure on every verification, ~0.4 ms a request here (40× the
   * verification itself).
   */
  verificationKey: KeyObject;
  /** The HS256 secret, or the private key from JWT_PRIVATE_KEY_FILE; absent when only verifying. */
  signingKey?: KeyObject | string;
  /** Set when the HS256 secret comes from (or was just written to) the data directory. */
  secretFile?: { path: string; created: boolean };
}

/**
 * An identity provider's JWK set (JWT_JWKS_URL): each key pins the algorithm of the tokens it
 * signs. Only the provider issues tokens, always for this gateway's issuer and audience.
 */
export interface ProviderJwtKeys extends TokenRules {
  kind: 'provider';
  keySet: ProviderKeySet;
  issuer: string;
  audience: string;
  /** Only the default setup generates a secret; absent here so that callers need not tell the kinds apart. */
  secretFile?: undefined;
}

function readKeyFile(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${variable}=${path}: cannot be read (${(error as NodeJS.ErrnoException).code})`]);
  }
}

function algorithmOfPublicKey(key: KeyObject): JwtAlgorithm | undefined {
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  return undefined;
}

/**
 * The default setup has no JWT_SECRET: one is generated once into the data directory (mode 0600),
 * so that the gateway and the token CLI agree without anyone handling a secret.
 */
function ensureGeneratedSecret(dataDir: string): { secret: string; path: string; created: boolean } {
  const path = join(dataDir, GENERATED_SECRET_FILE);
  if (existsSync(path)) {
    const secret = readFileSync(path, 'utf8').trim();
    if (secret.length < 32) throw new ConfigError([`${path}: the stored JWT secret is too short; delete it`]);
    return { secret, path, created: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { secret, path, created: true };
}

function secretKeyOf(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/**
 * The keys the configuration names. With JWT_JWKS_URL nothing is fetched yet: the token verifier
 * starts loading the set, so that commands that only sign development tokens never call the provider.
 */
export function resolveJwtKeys(config: GatewayConfig): JwtKeys {
  const { jwt } = config;
  if (jwt.jwksUrl) {
    return {
      kind: 'provider',
      keySet: new ProviderKeySet({ url: jwt.jwksUrl }),
      // The configuration refuses JWT_JWKS_URL without both.
      issuer: jwt.issuer!,
      audience: jwt.audience!,
      claims: jwt.claims,
    };
  }
  const rules = { issuer: jwt.issuer, audience: jwt.audience, claims: jwt.claims };
  if (!jwt.publicKeyFile) {
    if (jwt.secret) {
      return {
        kind: 'pinned',
        algorithm: 'HS256',
        verificationKey: secretKeyOf(jwt.secret),
        signingKey: jwt.secret,
        ...rules,
      };
    }
    const generated = ensureGeneratedSecret(config.dataDir);
    return {
      kind: 'pinned',
      algorithm: 'HS256',
      verificationKey: secretKeyOf(generated.secret),
      signingKey: generated.secret,
      secretFile: { path: generated.path, created: generated.created },
      ...rules,
    };
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(readKeyFile('JWT_PUBLIC_KEY_FILE', jwt.publicKeyFile));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([`JWT_PUBLIC_KEY_FILE=${jwt.publicKeyFile}: not a PEM public key`]);
  }
  const inferred = algorithmOfPublicKey(publicKey);
  const algorithm = jwt.algorithm ?? inferred;
  if (!algorithm || algorithm !== inferred) {
    throw new ConfigError([
      `JWT_PUBLIC_KEY_FILE=${jwt.publicKeyFile}: a ${publicKey.asymmetricKeyType} key does not fit ` +
        `${jwt.algorithm ?? 'ES256 (P-256) or RS256'}`,
    ]);
  }
  let signingKey: KeyObject | undefined;
  if (jwt.privateKeyFile) {
    try {
      signingKey = createPrivateKey(readKeyFile('JWT_PRIVATE_KEY_FILE', jwt.privateKeyFile));
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError([`JWT_PRIVATE_KEY_FILE=${jwt.privateKeyFile}: not a PEM private key`]);
    }
  }
  return { kind: 'pinned', algorithm, verificationKey: publicKey, signingKey, ...rules };
}
