import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { resolveJwtKeys } from '../auth/jwt-keys';
import { MAX_RETRY_AFTER_MS } from '../http/return-schedule';
import { ConfigError, loadGatewayConfig } from './gateway-config';

describe('gateway configuration', () => {
  it('has defaults for everything, data in ./.cityledger', () => {
    const config = loadGatewayConfig({}, '/srv/app');
    expect(config.port).to.equal(3000);
    expect(config.dataDir).to.equal('/srv/app/.cityledger');
    expect(config.http.bodyLimitBytes).to.equal(1024 * 1024);
    expect(config.jwt.secret).to.equal(undefined);
    expect(config.http.frontDoor).to.equal('thread');
    // A client told to come back later finds its connection still open.
    expect(config.http.keepAliveTimeoutMs).to.be.greaterThan(MAX_RETRY_AFTER_MS);
  });

  it('lists every bad variable with what it must be', () => {
    let error: ConfigError | undefined;
    try {
      loadGatewayConfig({
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        JWT_SECRET: 'short',
        BODY_LIMIT: '1gb',
        HTTP_FRONT_DOOR: 'process',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const text = error!.problems.join('\n');
    expect(text).to.match(/^PORT="eighty": must be a whole number/m);
    expect(text).to.match(/^LOG_LEVEL="loud": /m);
    expect(text).to.match(/^JWT_SECRET="short": must be at least 32 characters/m);
    expect(text).to.match(/^BODY_LIMIT="1gb": must be a size/m);
    expect(text).to.match(/^HTTP_FRONT_DOOR="process": must be thread or off/m);
  });

  it('takes a page bookmark secret of at least 32 characters, and none by default', () => {
    expect(loadGatewayConfig({}).http.bookmarkSecret).to.equal(undefined);
    expect(loadGatewayConfig({ BOOKMARK_SECRET: 'b'.repeat(32) }).http.bookmarkSecret).to.equal(
      'b'.repeat(32),
    );
    expect(() => loadGatewayConfig({ BOOKMARK_SECRET: 'short' })).to.throw(
      ConfigError,
      /BOOKMARK_SECRET="short": must be at least 32 characters/,
    );
  });

  it('refuses two ways of verifying tokens at once', () => {
    expect(() =>
      loadGatewayConfig({ JWT_SECRET: 'x'.repeat(32), JWT_PUBLIC_KEY_FILE: '/keys/jwt.pem' }),
    ).to.throw(ConfigError, /set one of them, not both/);
    expect(() => loadGatewayConfig({ JWT_ALGORITHM: 'RS256' })).to.throw(
      ConfigError,
      /needs JWT_PUBLIC_KEY_FILE/,
    );
  });

  describe('with an identity provider (JWT_JWKS_URL)', () => {
    const provider = {
      JWT_JWKS_URL: 'https://id.city.example/realms/city/protocol/openid-connect/certs',
      JWT_ISSUER: 'https://id.city.example/realms/city',
      JWT_AUDIENCE: 'cityledger',
    };

    it('takes the JWK set URL with the issuer and audience tokens must carry', () => {
      const { jwt } = loadGatewayConfig(provider);
      expect(jwt).to.include({
        jwksUrl: provider.JWT_JWKS_URL,
        issuer: provider.JWT_ISSUER,
        audience: 'cityledger',
      });
      const keys = resolveJwtKeys(loadGatewayConfig(provider));
      expect(keys.kind).to.equal('provider');
      expect(keys.kind === 'provider' && keys.keySet.url).to.equal(provider.JWT_JWKS_URL);
      expect(
        loadGatewayConfig({ ...provider, JWT_JWKS_URL: 'http://127.0.0.1:8080/certs' }).jwt.jwksUrl,
      ).to.equal('http://127.0.0.1:8080/certs');
    });

    it('refuses it without the issuer or the audience, naming them', () => {
      expect(() => loadGatewayConfig({ JWT_JWKS_URL: provider.JWT_JWKS_URL })).to.throw(
        ConfigError,
        /^ {2}- JWT_JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE: /m,
      );
      expect(() => loadGatewayConfig({ ...provider, JWT_AUDIENCE: '' })).to.throw(
        ConfigError,
        /^ {2}- JWT_JWKS_URL needs JWT_AUDIENCE: /m,
      );
    });

    it('refuses it together with a secret, a key file or a fixed algorithm', () => {
      expect(() =>
        loadGatewayConfig({
          ...provider,
          JWT_SECRET: 'x'.repeat(32),
          JWT_PUBLIC_KEY_FILE: '/keys/jwt.pem',
          JWT_ALGORITHM: 'RS256',
        }),
      ).to.throw(ConfigError, /JWT_JWKS_URL excludes JWT_SECRET, JWT_PUBLIC_KEY_FILE, JWT_ALGORITHM: /);
    });

    it('refuses a URL that is not http or https', () => {
      for (const url of ['file:///etc/jwks.json', 'id.city.example/certs']) {
        expect(() => loadGatewayConfig({ ...provider, JWT_JWKS_URL: url })).to.throw(
          ConfigError,
          /JWT_JWKS_URL=".*": must be an http or https URL/,
        );
      }
    });
  });

  it('reads the caller from sub, org, role and did unless JWT_CLAIM_* name other claims', () => {
    expect(loadGatewayConfig({}).jwt.claims).to.deep.equal({
      user: 'sub',
      org: 'org',
      role: 'role',
      did: 'did',
    });
    expect(
      loadGatewayConfig({
        JWT_CLAIM_USER: 'preferred_username',
        JWT_CLAIM_ORG: 'cityledger_org',
        JWT_CLAIM_ROLE: 'realm_access.roles',
        JWT_CLAIM_DID: 'https://city.example/did',
      }).jwt.claims,
    ).to.deep.equal({
      user: 'preferred_username',
      org: 'cityledger_org',
      role: 'realm_access.roles',
      did: 'https://city.example/did',
    });
    for (const bad of ['realm access', 'realm_access..roles', '.roles']) {
      expect(() => loadGatewayConfig({ JWT_CLAIM_ROLE: bad })).to.throw(
        ConfigError,
        /JWT_CLAIM_ROLE=".*": must be a claim name or a dotted path/,
      );
    }
  });

  it('runs on the embedded network unless LEDGER=fabric names a network directory', () => {
    expect(loadGatewayConfig({}).ledger).to.deep.equal({ kind: 'embedded', chaincodeRuntime: 'worker' });
    expect(
      loadGatewayConfig({ LEDGER: 'fabric', FABRIC_NETWORK_DIR: 'net' }, '/srv/app').ledger,
    ).to.deep.equal({
      kind: 'fabric',
      networkDir: '/srv/app/net',
    });
    expect(() => loadGatewayConfig({ LEDGER: 'fabric' })).to.throw(
      ConfigError,
      /^ {2}- FABRIC_NETWORK_DIR is required when LEDGER=fabric/m,
    );
    expect(() => loadGatewayConfig({ LEDGER: 'besu' })).to.throw(ConfigError, /^ {2}- LEDGER="besu": /m);
  });

  it('runs embedded chaincode on the gateway thread when EMBEDDED_CHAINCODE_RUNTIME=in-process', () => {
    expect(loadGatewayConfig({ EMBEDDED_CHAINCODE_RUNTIME: 'in-process' }).ledger).to.deep.equal({
      kind: 'embedded',
      chaincodeRuntime: 'in-process',
    });
    expect(() => loadGatewayConfig({ EMBEDDED_CHAINCODE_RUNTIME: 'process' })).to.throw(
      ConfigError,
      /^ {2}- EMBEDDED_CHAINCODE_RUNTIME="process": /m,
    );
  });

  it('generates a JWT secret into the data directory once, readable only by its owner', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cityledger-config-'));
    try {
      const config = loadGatewayConfig({ CITYLEDGER_DATA_DIR: dataDir });
      const first = resolveJwtKeys(config);
      expect(first.secretFile?.created).to.equal(true);
      expect(statSync(first.secretFile!.path).mode & 0o777).to.equal(0o600);
      const second = resolveJwtKeys(config);
      expect(second.secretFile?.created).to.equal(false);
      expect(first.kind === 'pinned' && second.kind === 'pinned').to.equal(true);
      if (first.kind === 'pinned' && second.kind === 'pinned') {
        expect(second.verificationKey.equals(first.verificationKey)).to.equal(true);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
