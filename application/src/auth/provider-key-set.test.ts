import { createSecretKey } from 'node:crypto';
import { expect } from 'chai';
import { type ProviderKey, TestIdentityProvider, providerKey } from '../testing/identity-provider';
import { DEFAULT_REFRESH_INTERVAL_MS, ProviderKeySet } from './provider-key-set';
import { providerSigningKeyOf } from './provider-signing-key';

describe('identity provider key set', () => {
  let provider: TestIdentityProvider;
  let now: number;
  const first = providerKey('k1');
  const second = providerKey('k2');
  const cooldownMs = 30_000;

  beforeEach(async () => {
    provider = await TestIdentityProvider.start([first]);
    now = 1_000_000;
  });
  afterEach(() => provider.stop());

  const keySet = () =>
    new ProviderKeySet({ url: provider.url, now: () => now, refreshCooldownMs: cooldownMs });
  const rotateTo = (...keys: ProviderKey[]) => {
    provider.published = keys;
  };

  it('keeps the signing keys by kid, each with the algorithm its JWK declares or its type implies', async () => {
    const es = providerKey('ec-1', 'ES256');
    const ps = providerKey('ps-1', 'PS256');
    const entra = providerKey('entra-1');
    rotateTo(first, es, ps, entra);
    provider.withoutAlg.add('ec-1').add('entra-1');
    const keys = keySet();
    await keys.refresh();
    expect(keys.loaded).to.equal(true);
    expect(keys.kids()).to.deep.equal(['k1', 'ec-1', 'ps-1', 'entra-1']);
    expect(keys.cachedKey('k1')?.algorithm).to.equal('RS256');
    expect(keys.cachedKey('ec-1')?.algorithm).to.equal('ES256');
    expect(keys.cachedKey('ps-1')?.algorithm).to.equal('PS256');
    expect(keys.cachedKey('entra-1')?.algorithm).to.equal('RS256');
    expect(keys.cachedKey('k1')?.key.asymmetricKeyType).to.equal('rsa');
  });

  it('ignores keys without kid, encryption keys, symmetric keys and algorithms that do not fit the key', () => {
    const rsa = first.publicKey.export({ format: 'jwk' });
    const oct = createSecretKey(Buffer.alloc(32, 1)).export({ format: 'jwk' });
    expect(providerSigningKeyOf({ ...rsa })).to.deep.equal({ ignored: 'a key without kid' });
    expect(providerSigningKeyOf({ ...rsa, kid: 'e', use: 'enc', alg: 'RSA-OAEP' })).to.deep.equal({
      ignored: 'key e: use enc, not sig',
    });
    expect(providerSigningKeyOf({ ...oct, kid: 'h', alg: 'HS256' })).to.deep.equal({
      ignored: 'key h: oct keys are not supported',
    });
    expect(providerSigningKeyOf({ ...rsa, kid: 'x', alg: 'ES256' })).to.deep.equal({
      ignored: 'key x: alg ES256 does not fit a RSA key',
    });
    expect(providerSigningKeyOf({ ...rsa, kid: 'n', alg: 'none' })).to.deep.equal({
      ignored: 'key n: alg none does not fit a RSA key',
    });
  });

  it('fetches again for an unknown kid at most once per cooldown, however many tokens name one', async () => {
    const keys = keySet();
    await keys.refresh();
    expect(provider.requests).to.equal(1);
    now += cooldownMs;
    const burst = await Promise.all(
      Array.from({ length: 25 }, (_, i) => keys.keyAfterRefresh(`forged-${i}`)),
    );
    expect(burst.every((key) => key === undefined)).to.equal(true);
    expect(provider.requests).to.equal(2);
    now += cooldownMs - 1;
    expect(await keys.keyAfterRefresh('forged-again')).to.equal(undefined);
    expect(provider.requests).to.equal(2);
    now += 1;
    expect(await keys.keyAfterRefresh('forged-again')).to.equal(undefined);
    expect(provider.requests).to.equal(3);
  });

  it('finds the key of a rotation with the one fetch a new kid triggers, and drops keys no longer published', async () => {
    const keys = keySet();
    await keys.refresh();
    rotateTo(second);
    now += cooldownMs;
    expect(keys.cachedKey('k2')).to.equal(undefined);
    expect((await keys.keyAfterRefresh('k2'))?.kid).to.equal('k2');
    expect(provider.requests).to.equal(2);
    expect(keys.cachedKey('k1')).to.equal(undefined);
  });

  it('refreshes a stale set in the background while answering with the keys it has', async () => {
    const keys = keySet();
    await keys.refresh();
    rotateTo(first, second);
    now += DEFAULT_REFRESH_INTERVAL_MS - 1;
    expect(keys.cachedKey('k1')?.kid).to.equal('k1');
    expect(provider.requests).to.equal(1);
    now += 1;
    // Answered from the cache at once; the refresh runs behind it.
    expect(keys.cachedKey('k1')?.kid).to.equal('k1');
    expect(keys.cachedKey('k2')).to.equal(undefined);
    await keys.refresh();
    expect(provider.requests).to.equal(2);
    expect(keys.cachedKey('k2')?.kid).to.equal('k2');
  });

  it("keeps a set as long as the provider's Cache-Control max-age says, but no shorter than the cooldown", async () => {
    provider.cacheControl = 'public, max-age=120';
    const keys = keySet();
    await keys.refresh();
    now += 119_999;
    keys.cachedKey('k1');
    expect(provider.requests).to.equal(1);
    now += 1;
    keys.cachedKey('k1');
    await keys.refresh();
    expect(provider.requests).to.equal(2);

    provider.cacheControl = 'max-age=0';
    now += 120_000;
    keys.cachedKey('k1');
    await keys.refresh();
    expect(provider.requests).to.equal(3);
    now += cooldownMs - 1;
    keys.cachedKey('k1');
    expect(provider.requests).to.equal(3);
  });

  it('survives a provider that is down: nothing loaded, the problem kept, a retry after the cooldown', async () => {
    provider.failWith = 503;
    const keys = keySet();
    await keys.refresh();
    expect(keys.loaded).to.equal(false);
    expect(keys.lastProblem).to.equal('HTTP 503');
    expect(await keys.keyAfterRefresh('k1')).to.equal(undefined);
    expect(provider.requests).to.equal(1);
    provider.failWith = undefined;
    now += cooldownMs;
    expect((await keys.keyAfterRefresh('k1'))?.kid).to.equal('k1');
    expect(keys.lastProblem).to.equal(undefined);
  });

  it('keeps the keys it has when a refresh fails', async () => {
    const keys = keySet();
    await keys.refresh();
    provider.failWith = 500;
    now += DEFAULT_REFRESH_INTERVAL_MS;
    expect(keys.cachedKey('k1')?.kid).to.equal('k1');
    await keys.refresh();
    expect(keys.lastProblem).to.equal('HTTP 500');
    expect(keys.cachedKey('k1')?.kid).to.equal('k1');
  });

  it('says why a set could not be used: not JSON, not a JWK set, no usable key, no answer in time', async () => {
    const answering = (body: string) =>
      new ProviderKeySet({
        url: 'http://idp.invalid/certs',
        now: () => now,
        fetch: async () => new Response(body),
      });
    const problemOf = async (keys: ProviderKeySet) => {
      await keys.refresh();
      return keys.lastProblem;
    };
    expect(await problemOf(answering('<html>'))).to.equal('the answer is not JSON');
    expect(await problemOf(answering('{"issuer":"x"}'))).to.equal(
      'the answer is not a JWK set ({"keys": [...]})',
    );
    expect(await problemOf(answering('{"keys":[{"kty":"oct","kid":"h","k":"AAAA"}]}'))).to.equal(
      'no RS256, PS256 or ES256 signing key with a kid in the set (key h: oct keys are not supported)',
    );
    const timingOut = new ProviderKeySet({
      url: 'http://idp.invalid/certs',
      fetchTimeoutMs: 5000,
      fetch: async () => {
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      },
    });
    expect(await problemOf(timingOut)).to.equal('no answer within 5000 ms');
  });
});
