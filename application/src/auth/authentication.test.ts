import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConsortium } from '@cityledger/network';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { loadGatewayConfig } from '../config/gateway-config';
import { createGateway } from '../server/create-gateway';
import { createJsonLogger } from '../observability/logger';
import { type TestGateway, startTestGateway } from '../testing/test-gateway';
import { KNOWN_ROLES } from './caller';
import { DEFAULT_CLAIM_MAPPING } from './claim-mapping';
import type { JwtKeys } from './jwt-keys';

describe('gateway authentication', () => {
  let gateway: TestGateway;
  let secret: string;
  const claims = { sub: 'alice', org: 'CityMSP', role: 'citizen' };
  const channels = '/api/v1/channels';

  before(async () => {
    gateway = await startTestGateway();
    const keys = gateway.running.jwtKeys;
    if (keys.kind !== 'pinned') throw new Error('the test gateway verifies with its generated secret');
    secret = keys.signingKey as string;
  });
  after(() => gateway.stop());

  const get = (token?: string, headers: Record<string, string> = {}) =>
    gateway.request('GET', channels, { ...(token ? { token } : {}), headers });

  it('accepts a valid HS256 token from the generated data-directory secret', async () => {
    const answer = await get(gateway.token('alice', 'CityMSP', 'citizen'));
    expect(answer.status).to.equal(200);
    expect(answer.body.channels.map((c: { name: string }) => c.name)).to.deep.equal(['energy', 'civic']);
  });

  it('answers 401 MISSING_TOKEN without an Authorization header', async () => {
    const answer = await get();
    expect(answer.status).to.equal(401);
    expect(answer.body).to.deep.equal({
      error: { code: 'MISSING_TOKEN', message: 'send Authorization: Bearer <token>' },
    });
    expect(answer.headers.get('www-authenticate')).to.match(/^Bearer /);
  });

  it('answers 401 for an Authorization header that is not a bearer token', async () => {
    const answer = await get(undefined, { authorization: 'Basic YWxpY2U6cHc=' });
    expect(answer.status).to.equal(401);
    expect(answer.body.error.code).to.equal('INVALID_TOKEN');
  });

  it('answers 401 TOKEN_EXPIRED for an expired token', async () => {
    const expired = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, secret, {
      algorithm: 'HS256',
    });
    const answer = await get(expired);
    expect(answer.status).to.equal(401);
    expect(answer.body.error.code).to.equal('TOKEN_EXPIRED');
  });

  it('refuses a token signed with the wrong key', async () => {
    const forged = jwt.sign(claims, 'another-secret-that-is-long-enough-0123456789', {
      algorithm: 'HS256',
      expiresIn: 60,
    });
    const answer = await get(forged);
    expect(answer.status).to.equal(401);
    expect(answer.body.error).to.deep.equal({
      code: 'INVALID_TOKEN',
      message: 'the token is not valid: invalid signature',
    });
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    const answer = await get(unsigned);
    expect(answer.status).to.equal(401);
    expect(answer.body.error.message).to.equal('tokens must be signed with HS256, this one says none');
  });

  it('refuses a token without exp', async () => {
    const answer = await get(jwt.sign(claims, secret, { algorithm: 'HS256' }));
    expect(answer.status).to.equal(401);
    expect(answer.body.error.message).to.equal('the token has no exp (expiry) claim');
  });

  it('refuses a token whose org is not a peer organisation of the consortium', async () => {
    for (const org of ['EvilMSP', 'OrdererMSP']) {
      const answer = await get(jwt.sign({ ...claims, org }, secret, { algorithm: 'HS256', expiresIn: 60 }));
      expect(answer.status).to.equal(401);
      expect(answer.body.error.message).to.match(
        new RegExp(`^claim org: ${org} is not an organisation of the consortium`),
      );
    }
  });

  it('refuses a token with a missing or malformed role or sub, naming the claim', async () => {
    const noRole = await get(
      jwt.sign({ sub: 'alice', org: 'CityMSP' }, secret, { algorithm: 'HS256', expiresIn: 60 }),
    );
    expect(noRole.body.error.message).to.match(/^claim role: /);
    const badSub = await get(
      jwt.sign({ ...claims, sub: 'a/b' }, secret, { algorithm: 'HS256', expiresIn: 60 }),
    );
    expect(badSub.status).to.equal(401);
    expect(badSub.body.error.message).to.match(/^claim sub: /);
  });

  it('accepts an optional did claim and gives it to the ledger identity', async () => {
    const token = gateway.token('dora', 'CityMSP', 'citizen', 'did:cityledger:civic:dora');
    expect(jwt.decode(token)).to.include({ did: 'did:cityledger:civic:dora', role: 'citizen' });
    expect((await get(token)).status).to.equal(200);
  });

  it('refuses a did claim that is not did:cityledger:<channel>:<id>, naming the claim', async () => {
    for (const did of [
      'alice',
      'did:web:example.org',
      'did:cityledger:civic:',
      'did:cityledger:Civic:a',
      42,
    ]) {
      const answer = await get(jwt.sign({ ...claims, did }, secret, { algorithm: 'HS256', expiresIn: 60 }));
      expect(answer.status).to.equal(401);
      expect(answer.body.error.message).to.match(/^claim did: /);
    }
  });

  it('accepts the roles the contracts check, including election-authority and ballot-box', async () => {
    for (const role of KNOWN_ROLES) {
      expect((await get(gateway.token('rolf', 'CityMSP', role))).status).to.equal(200);
    }
  });

  describe('with RS256, issuer and audience configured', () => {
    let server: Server;
    let url: string;
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const options = {
      algorithm: 'RS256' as const,
      expiresIn: 60,
      issuer: 'https://id.city.example',
      audience: 'cityledger',
    };

    before(async () => {
      // A second app over the same ledger, configured the way a production deployment would be.
      const keys: JwtKeys = {
        kind: 'pinned',
        algorithm: 'RS256',
        verificationKey: publicKey,
        issuer: options.issuer,
        audience: options.audience,
        claims: DEFAULT_CLAIM_MAPPING,
      };
      const config = loadGatewayConfig({ CITYLEDGER_DATA_DIR: gateway.dataDir, LOG_LEVEL: 'silent' });
      const { app } = createGateway({
        config,
        consortium: loadConsortium(),
        ledger: gateway.running.ledger,
        jwtKeys: keys,
        logger: createJsonLogger('silent'),
      });
      server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${channels}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const status = async (token: string) => {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: (await response.json()) as { error?: { message: string } } };
    };

    it('accepts an RS256 token with the right issuer and audience', async () => {
      expect((await status(jwt.sign(claims, privateKey, options))).status).to.equal(200);
    });

    it('refuses an HS256 token signed with the RSA public key as secret (algorithm confusion)', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(
        JSON.stringify({
          ...claims,
          iss: options.issuer,
          aud: options.audience,
          exp: Math.floor(Date.now() / 1000) + 60,
        }),
      ).toString('base64url');
      const { createHmac } = await import('node:crypto');
      const signature = createHmac('sha256', publicPem).update(`${header}.${payload}`).digest('base64url');
      const answer = await status(`${header}.${payload}.${signature}`);
      expect(answer.status).to.equal(401);
      expect(answer.body.error?.message).to.equal('tokens must be signed with RS256, this one says HS256');
    });

    it('refuses a token for another audience or from another issuer', async () => {
      expect((await status(jwt.sign(claims, privateKey, { ...options, audience: 'other' }))).status).to.equal(
        401,
      );
      const wrongIssuer = await status(
        jwt.sign(claims, privateKey, { ...options, issuer: 'https://evil.example' }),
      );
      expect(wrongIssuer.status).to.equal(401);
      expect(wrongIssuer.body.error?.message).to.match(/jwt issuer invalid/);
    });
  });
});
