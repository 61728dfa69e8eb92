import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConsortium } from '@cityledger/network';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { loadGatewayConfig } from '../config/gateway-config';
import { type Gateway, createGateway } from '../server/create-gateway';
import { createJsonLogger } from '../observability/logger';
import {
  PROVIDER_AUDIENCE,
  PROVIDER_ISSUER,
  TestIdentityProvider,
  providerKey,
} from '../testing/identity-provider';
import { type TestGateway, personalDataOf, startTestGateway, uniqueId } from '../testing/test-gateway';
import { ProviderKeySet } from './provider-key-set';

/** Claims as a Keycloak realm writes them, with a user-attribute mapper for the organisation. */
function keycloakClaims(user: string, org: string, ...roles: string[]) {
  return {
    sub: `f1d3c0de-${user}`,
    preferred_username: user,
    cityledger_org: org,
    realm_access: { roles: ['offline_access', 'default-roles-city', ...roles] },
  };
}

const keycloakMapping = {
  JWT_CLAIM_USER: 'preferred_username',
  JWT_CLAIM_ORG: 'cityledger_org',
  JWT_CLAIM_ROLE: 'realm_access.roles',
};

describe('tokens from an identity provider (JWT_JWKS_URL)', () => {
  let provider: TestIdentityProvider;
  let gateway: TestGateway;
  const signing = providerKey('city-2026-1');
  const channels = '/api/v1/channels';

  before(async () => {
    provider = await TestIdentityProvider.start([signing]);
    gateway = await startTestGateway({
      JWT_JWKS_URL: provider.url,
      JWT_ISSUER: PROVIDER_ISSUER,
      JWT_AUDIENCE: PROVIDER_AUDIENCE,
      ...keycloakMapping,
    });
  });
  after(async () => {
    await gateway.stop();
    await provider.stop();
  });

  const get = (token: string) => gateway.request('GET', channels, { token });

  it("accepts a Keycloak token end to end: the user, org and realm role reach the chaincode's checks", async () => {
    const citizen = provider.sign(signing, keycloakClaims('alice', 'CityMSP', 'citizen'));
    const read = await get(citizen);
    expect(read.status).to.equal(200);
    expect(read.body.channels.map((c: { name: string }) => c.name)).to.deep.equal(['energy', 'civic']);

    const person = () => {
      const id = uniqueId('person');
      return { id, personalData: personalDataOf(id) };
    };
    const registrar = provider.sign(
      signing,
      keycloakClaims('rita', 'CityMSP', 'uma_authorization', 'registrar'),
    );
    const registered = await gateway.request('POST', '/api/v1/channels/civic/persons', {
      token: registrar,
      body: person(),
    });
    expect(registered.status).to.equal(201);
    // The citizen's realm role, not the registrar's, is what the identity chaincode sees.
    const refused = await gateway.request('POST', '/api/v1/channels/civic/persons', {
      token: citizen,
      body: person(),
    });
    expect(refused.status).to.equal(403);
  });

  it('refuses a token for another audience or from another issuer', async () => {
    const claims = keycloakClaims('alice', 'CityMSP', 'citizen');
    const otherAudience = await get(provider.sign(signing, claims, { audience: 'account' }));
    expect(otherAudience.status).to.equal(401);
    expect(otherAudience.body.error.message).to.match(/jwt audience invalid/);
    const otherIssuer = await get(
      provider.sign(signing, claims, { issuer: 'https://id.city.example/realms/other' }),
    );
    expect(otherIssuer.status).to.equal(401);
    expect(otherIssuer.body.error.message).to.match(/jwt issuer invalid/);
  });

  it("refuses a token whose algorithm is not its key's, and none or HS256 without looking up a key", async () => {
    const claims = keycloakClaims('alice', 'CityMSP', 'citizen');
    const before = provider.requests;
    const ps256 = jwt.sign(claims, signing.privateKey, {
      algorithm: 'PS256',
      keyid: signing.kid,
      expiresIn: 60,
      issuer: PROVIDER_ISSUER,
      audience: PROVIDER_AUDIENCE,
    });
    const mismatch = await get(ps256);
    expect(mismatch.status).to.equal(401);
    expect(mismatch.body.error).to.deep.equal({
      code: 'INVALID_TOKEN',
      message: 'key city-2026-1 signs RS256 tokens, this one says PS256',
    });

    const publicPem = signing.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const confused = jwt.sign(claims, publicPem, {
      algorithm: 'HS256',
      keyid: 'unknown-kid',
      expiresIn: 60,
      issuer: PROVIDER_ISSUER,
      audience: PROVIDER_AUDIENCE,
    });
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const unsigned = `${encode({ alg: 'none', kid: signing.kid })}.${encode({ ...claims, exp: Math.floor(Date.now() / 1000) + 60 })}.`;
    for (const [token, alg] of [
      [confused, 'HS256'],
      [unsigned, 'none'],
    ] as const) {
      const answer = await get(token);
      expect(answer.status).to.equal(401);
      expect(answer.body.error.message).to.equal(
        `tokens must be signed with RS256, PS256, ES256 by the identity provider, this one says ${alg}`,
      );
    }
    expect(provider.requests).to.equal(before);
  });

  it('answers 401 UNKNOWN_SIGNING_KEY naming a kid the provider does not publish', async () => {
    const stranger = providerKey('not-published');
    const answer = await get(provider.sign(stranger, keycloakClaims('alice', 'CityMSP', 'citizen')));
    expect(answer.status).to.equal(401);
    expect(answer.body.error.code).to.equal('UNKNOWN_SIGNING_KEY');
    expect(answer.body.error.message).to.match(
      /^the identity provider publishes no signing key "not-published"/,
    );
    expect(answer.headers.get('www-authenticate')).to.match(/UNKNOWN_SIGNING_KEY/);
  });

  it('refuses a token without kid, naming it', async () => {
    const answer = await get(
      jwt.sign(keycloakClaims('alice', 'CityMSP', 'citizen'), signing.privateKey, {
        algorithm: 'RS256',
        expiresIn: 60,
        issuer: PROVIDER_ISSUER,
        audience: PROVIDER_AUDIENCE,
      }),
    );
    expect(answer.status).to.equal(401);
    expect(answer.body.error.message).to.match(/no signing key \(kid\)/);
  });

  it('reads the claims where the mapping says and names them when they are wrong', async () => {
    const unknownRoles = await get(
      provider.sign(signing, keycloakClaims('alice', 'CityMSP', 'manage-account')),
    );
    expect(unknownRoles.status).to.equal(401);
    expect(unknownRoles.body.error.message).to.match(
      /^claim realm_access.roles: names none of the roles the gateway knows/,
    );

    const serviceIdentity = await get(
      provider.sign(signing, keycloakClaims('Ballot-Box', 'CityMSP', 'citizen')),
    );
    expect(serviceIdentity.status).to.equal(401);
    expect(serviceIdentity.body.error.message).to.match(
      /^claim preferred_username: "Ballot-Box" is reserved for /,
    );

    const foreignOrg = await get(provider.sign(signing, keycloakClaims('alice', 'EvilMSP', 'citizen')));
    expect(foreignOrg.body.error.message).to.match(/^claim cityledger_org: EvilMSP is not an organisation/);

    // The standard `org` claim means nothing under this mapping.
    const { cityledger_org: _org, ...withoutOrg } = keycloakClaims('alice', 'CityMSP', 'citizen');
    const unmapped = await get(provider.sign(signing, { ...withoutOrg, org: 'CityMSP' }));
    expect(unmapped.status).to.equal(401);
    expect(unmapped.body.error.message).to.match(/^claim cityledger_org: /);
  });

  describe('with a clock the test moves', () => {
    let now: number;
    let opened: Array<{ server: Server; app: Gateway }> = [];

    /** A second app over the same ledger whose key set runs on the test's clock. */
    async function clockedGateway(idp: TestIdentityProvider): Promise<string> {
      const keySet = new ProviderKeySet({ url: idp.url, now: () => now });
      const config = loadGatewayConfig({
        CITYLEDGER_DATA_DIR: gateway.dataDir,
        LOG_LEVEL: 'silent',
        ...keycloakMapping,
      });
      const app = createGateway({
        config,
        consortium: loadConsortium(),
        ledger: gateway.running.ledger,
        jwtKeys: {
          kind: 'provider',
          keySet,
          issuer: PROVIDER_ISSUER,
          audience: PROVIDER_AUDIENCE,
          claims: config.jwt.claims,
        },
        logger: createJsonLogger('silent'),
      });
      const server = app.app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      opened.push({ server, app });
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}${channels}`;
    }

    const call = async (url: string, token: string) => {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      return {
        status: response.status,
        body: (await response.json()) as { error?: { code: string; message: string } },
      };
    };

    beforeEach(() => {
      now = 5_000_000;
    });
    afterEach(async () => {
      for (const { server, app } of opened) {
        app.closeEventStreams();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      opened = [];
    });

    it('takes a rotated key with the one JWKS fetch its new kid triggers', async () => {
      const idp = await TestIdentityProvider.start([signing]);
      try {
        const url = await clockedGateway(idp);
        const claims = keycloakClaims('alice', 'CityMSP', 'citizen');
        expect((await call(url, idp.sign(signing, claims))).status).to.equal(200);
        expect(idp.requests).to.equal(1);

        const rotated = providerKey('city-2026-2', 'ES256');
        idp.published = [signing, rotated];
        now += 30_000;
        const fresh = await call(url, idp.sign(rotated, claims));
        expect(fresh.status).to.equal(200);
        expect(idp.requests).to.equal(2);
        for (let i = 0; i < 5; i++) expect((await call(url, idp.sign(rotated, claims))).status).to.equal(200);
        expect((await call(url, idp.sign(signing, claims))).status).to.equal(200);
        expect(idp.requests).to.equal(2);
      } finally {
        await idp.stop();
      }
    });

    it('lets a burst of unknown kids cost at most one JWKS fetch per cooldown', async () => {
      const idp = await TestIdentityProvider.start([signing]);
      try {
        const url = await clockedGateway(idp);
        const burst = () =>
          Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              call(
                url,
                idp.sign({ ...signing, kid: `forged-${i}` }, keycloakClaims('alice', 'CityMSP', 'citizen')),
              ),
            ),
          );
        expect(
          (await call(url, idp.sign(signing, keycloakClaims('alice', 'CityMSP', 'citizen')))).status,
        ).to.equal(200);
        expect(idp.requests).to.equal(1);
        now += 30_000;
        const answers = await burst();
        expect(answers.map((a) => a.status)).to.deep.equal(Array(20).fill(401));
        expect(answers.every((a) => a.body.error?.code === 'UNKNOWN_SIGNING_KEY')).to.equal(true);
        expect(answers[3]!.body.error?.message).to.match(/"forged-3"/);
        expect(idp.requests).to.equal(2);
        now += 29_999;
        await burst();
        expect(idp.requests).to.equal(2);
        now += 1;
        await burst();
        expect(idp.requests).to.equal(3);
      } finally {
        await idp.stop();
      }
    });

    it('answers 503 SIGNING_KEYS_UNAVAILABLE while the provider is down at start, then accepts tokens', async () => {
      const idp = await TestIdentityProvider.start([signing]);
      idp.failWith = 503;
      try {
        const url = await clockedGateway(idp);
        const token = idp.sign(signing, keycloakClaims('alice', 'CityMSP', 'citizen'));
        const down = await call(url, token);
        expect(down.status).to.equal(503);
        expect(down.body.error).to.deep.equal({
          code: 'SIGNING_KEYS_UNAVAILABLE',
          message: "the identity provider's signing keys are not loaded yet (HTTP 503); retry shortly",
        });
        expect(idp.requests).to.equal(1);
        idp.failWith = undefined;
        now += 30_000;
        expect((await call(url, token)).status).to.equal(200);
        expect(idp.requests).to.equal(2);
      } finally {
        await idp.stop();
      }
    });
  });
});
