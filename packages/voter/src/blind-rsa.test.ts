import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import * as fc from 'fast-check';
import {
  bigIntToHex,
  gcd,
  modInverse,
  modPow,
  parseRsaPublicKeyPem,
  TokenKeyError,
  tokenMessage,
  verifyRaw,
  verifyTokenSignature,
} from './blind-rsa';
import { authorityKey } from './testing';
import { prepareVotingToken, signBlinded, unblindSignature } from './voting-token';

describe('RSA blind signatures', () => {
  it('computes modular powers and inverses like the textbook examples', () => {
    expect(modPow(4n, 13n, 497n)).to.equal(445n);
    expect(modInverse(3n, 11n)).to.equal(4n);
    expect(gcd(462n, 1071n)).to.equal(21n);
    expect(() => modInverse(6n, 9n)).to.throw(/not invertible/);
  });

  it('keeps modPow consistent with repeated multiplication', () => {
    fc.assert(
      fc.property(
        fc.bigInt(0n, 10n ** 12n),
        fc.integer({ min: 0, max: 40 }),
        fc.bigInt(2n, 10n ** 9n),
        (b, x, m) => {
          let expected = 1n % m;
          for (let i = 0; i < x; i += 1) expected = (expected * b) % m;
          return modPow(b, BigInt(x), m) === expected;
        },
      ),
    );
  });

  it('lets a voter unblind the signature of a blinded token into a signature the contract accepts', () => {
    const { key, privateKey } = authorityKey();
    const request = prepareVotingToken(key, 'pb-2025');
    expect(request.token).to.match(/^[0-9a-f]{64}$/);
    expect(request.blindedMessage).to.have.length(key.k * 2);
    const blindSignature = signBlinded(privateKey, request.blindedMessage);
    expect(verifyRaw(key, BigInt(`0x${request.blindedMessage}`), BigInt(`0x${blindSignature}`))).to.equal(
      true,
    );
    const signature = unblindSignature(key, request, blindSignature);
    expect(verifyTokenSignature(key, 'pb-2025', request.token, BigInt(`0x${signature}`))).to.equal(true);
  });

  it('refuses to sign a blinded message that is not 2k hex digits of a number in 1..n-1', () => {
    const { key, privateKey } = authorityKey();
    const digits = key.k * 2;
    for (const bad of ['', 'zz'.repeat(key.k), '01', `${'0'.repeat(digits - 2)}0100`, '0'.repeat(digits)]) {
      expect(() => signBlinded(privateKey, bad), bad.slice(0, 8)).to.throw(
        /signBlinded: blindedMessage must be/,
      );
    }
    expect(() => signBlinded(privateKey, bigIntToHex(key.n, key.k))).to.throw(
      /from 1 to the modulus minus 1/,
    );
    expect(() => signBlinded(privateKey, bigIntToHex(key.n - 1n, key.k))).not.to.throw();
  });

  it('signs with the private key it is given: the signature verifies only under its public half', () => {
    const { key, privateKey } = authorityKey();
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const request = prepareVotingToken(key, 'pb-2025');
    const blinded = BigInt(`0x${request.blindedMessage}`);
    expect(verifyRaw(key, blinded, BigInt(`0x${signBlinded(privateKey, request.blindedMessage)}`))).to.equal(
      true,
    );
    const foreign = signBlinded(other, bigIntToHex(blinded % 2n ** 2000n, 256));
    expect(verifyRaw(key, blinded, BigInt(`0x${foreign}`))).to.equal(false);
  });

  it('hides the token from the authority: the blinded message is not the token message', () => {
    const { key } = authorityKey();
    const request = prepareVotingToken(key, 'pb-2025');
    const message = bigIntToHex(tokenMessage(key, 'pb-2025', request.token), key.k);
    expect(request.blindedMessage).to.not.equal(message);
    expect(request.blindedMessage).to.not.include(request.token);
  });

  it('binds a token signature to its election', () => {
    const { key, privateKey } = authorityKey();
    const request = prepareVotingToken(key, 'pb-2025');
    const signature = BigInt(
      `0x${unblindSignature(key, request, signBlinded(privateKey, request.blindedMessage))}`,
    );
    expect(verifyTokenSignature(key, 'pb-2026', request.token, signature)).to.equal(false);
  });

  it('refuses a signature made with another key, or a token it was not made for', () => {
    const { key, privateKey } = authorityKey();
    const other = authorityKey(1);
    const request = prepareVotingToken(key, 'pb-2025');
    // The other authority signs the same number, reduced into its own modulus as it must be.
    const inOtherModulus = bigIntToHex(
      BigInt(`0x${request.blindedMessage}`) % other.key.n || 1n,
      other.key.k,
    );
    expect(() => unblindSignature(key, request, signBlinded(other.privateKey, inOtherModulus))).to.throw(
      /did not sign/,
    );
    const signature = BigInt(
      `0x${unblindSignature(key, request, signBlinded(privateKey, request.blindedMessage))}`,
    );
    expect(verifyTokenSignature(key, 'pb-2025', 'ab'.repeat(32), signature)).to.equal(false);
  });

  it('refuses signatures outside 1..n-1', () => {
    const { key } = authorityKey();
    expect(verifyRaw(key, 1n, 0n)).to.equal(false);
    expect(verifyRaw(key, 1n, key.n + 1n)).to.equal(false);
  });

  it('accepts 2048-bit RSA public keys and refuses EC keys, short moduli and private keys', () => {
    const { key, publicKeyPem } = authorityKey();
    expect(key.k).to.equal(256);
    expect(key.e).to.equal(65537n);
    expect(parseRsaPublicKeyPem('k', publicKeyPem).pem).to.equal(key.pem);
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    expect(() => parseRsaPublicKeyPem('tokenKeyPem', ec)).to.throw(
      TokenKeyError,
      'tokenKeyPem: must be an RSA key',
    );
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    expect(() => parseRsaPublicKeyPem('tokenKeyPem', short)).to.throw(/2048 to 4096 bits, got 1024/);
    const secret = authorityKey().privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => parseRsaPublicKeyPem('tokenKeyPem', secret)).to.throw(/BEGIN PUBLIC KEY/);
    expect(() =>
      parseRsaPublicKeyPem('tokenKeyPem', '-----BEGIN PUBLIC KEY-----xx-----END PUBLIC KEY-----'),
    ).to.throw(/not a readable/);
  });
});
