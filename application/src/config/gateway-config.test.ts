import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { resolveJwtKeys } from '../auth/jwt-keys';
import { MAX_RETRY_AFTER_MS } from '../ledger/submission-limiter';
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

  it('runs on the embedded network unless LEDGER=fabric names a network directory', () => {
    expect(loadGatewayConfig({}).ledger).to.deep.equal({ kind: 'embedded' });
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

  it('generates a JWT secret into the data directory once, readable only by its owner', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cityledger-config-'));
    try {
      const config = loadGatewayConfig({ CITYLEDGER_DATA_DIR: dataDir });
      const first = resolveJwtKeys(config);
      expect(first.secretFile?.created).to.equal(true);
      expect(statSync(first.secretFile!.path).mode & 0o777).to.equal(0o600);
      const second = resolveJwtKeys(config);
      expect(second.secretFile?.created).to.equal(false);
      expect(second.verificationKey.equals(first.verificationKey)).to.equal(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
