import { type KeyObject, generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';

export const PROVIDER_ISSUER = 'https://id.city.example/realms/city';
export const PROVIDER_AUDIENCE = 'cityledger';

/** A key pair of the test provider, published in its JWK set under `kid`. */
export interface ProviderKey {
  kid: string;
  alg: 'RS256' | 'PS256' | 'ES256';
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function providerKey(kid: string, alg: ProviderKey['alg'] = 'RS256'): ProviderKey {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, alg, ...pair };
}

/**
 * An identity provider for tests: a JWKS endpoint on 127.0.0.1 (port 0) that serves the keys it
 * is told to, counts its requests, and signs tokens the way Keycloak does.
 */
export class TestIdentityProvider {
  /** Requests the JWKS endpoint answered. */
  requests = 0;
  /** Answer with this status instead of the set (a provider that is down). */
  failWith: number | undefined;
  /** Keys as published; `alg` is left out for keys in `withoutAlg` (as Entra ID does). */
  published: ProviderKey[];
  withoutAlg = new Set<string>();
  cacheControl: string | undefined;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    keys: ProviderKey[],
  ) {
    this.published = keys;
  }

  static async start(keys: ProviderKey[]): Promise<TestIdentityProvider> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const provider = new TestIdentityProvider(server, `http://127.0.0.1:${port}/certs`, keys);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => provider.answer(req.url ?? '', res));
    return provider;
  }

  /** Signs a token under `key` with the issuer and audience the gateway expects unless `options` say otherwise. */
  sign(key: ProviderKey, claims: object, options: jwt.SignOptions = {}): string {
    return jwt.sign(claims, key.privateKey, {
      algorithm: key.alg,
      keyid: key.kid,
      expiresIn: 300,
      issuer: PROVIDER_ISSUER,
      audience: PROVIDER_AUDIENCE,
      ...options,
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private answer(path: string, res: ServerResponse): void {
    if (path !== '/certs') {
      res.writeHead(404).end();
      return;
    }
    this.requests += 1;
    if (this.failWith !== undefined) {
      res.writeHead(this.failWith).end();
      return;
    }
    const keys = this.published.map((key) => ({
      ...(key.publicKey.export({ format: 'jwk' }) as object),
      kid: key.kid,
      use: 'sig',
      ...(this.withoutAlg.has(key.kid) ? {} : { alg: key.alg }),
    }));
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(this.cacheControl ? { 'cache-control': this.cacheControl } : {}),
    });
    res.end(JSON.stringify({ keys }));
  }
}
