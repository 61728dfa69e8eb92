/**
 * The hand-written RSA arithmetic checked against RFC 9474's own numbers (Appendix A).
 *
 * RFC 9474 is Prepare → EMSA-PSS-ENCODE → Blind → BlindSign → Finalize (an RSASSA-PSS verify).
 * Our voting tokens share the RSA core of that protocol — the blinding z = m·r^e mod n, the raw
 * private-key operation, the unblinding s = z·r⁻¹ mod n and the raw check s^e ≡ m — but encode
 * the message differently: `tokenMessage` is a full-domain hash, not EMSA-PSS. So each vector's
 * `encoded_msg` is fed in where the FDH would be, every number of the core is compared byte for
 * byte, and the one step without a counterpart is pinned by the last test of each vector.
 */
import { expect } from 'chai';
import { constants, createPrivateKey, createPublicKey, verify, type KeyObject } from 'node:crypto';
import {
  bigIntToHex,
  modInverse,
  modPow,
  parseRsaPublicKeyPem,
  verifyRaw,
  type RsaPublicKey,
} from './blind-rsa';
import rfc9474 from './blind-rsa.rfc9474-vectors.json';
import { signBlinded, unblindSignature } from './voting-token';

type Rfc9474Vector = (typeof rfc9474.vectors)[number];

function hexToBigInt(hex: string): bigint {
  return BigInt(`0x${hex}`);
}

function base64url(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return Buffer.from(hex, 'hex').toString('base64url');
}

/** The vector's key as Node key objects (the CRT values derived from p, q and d). */
function vectorKeys(vector: Rfc9474Vector): { publicKey: KeyObject; privateKey: KeyObject } {
  const [n, e, d, p, q] = [vector.n, vector.e, vector.d, vector.p, vector.q].map(hexToBigInt);
  const jwk = {
    kty: 'RSA',
    n: base64url(n),
    e: base64url(e),
    d: base64url(d),
    p: base64url(p),
    q: base64url(q),
    dp: base64url(d % (p - 1n)),
    dq: base64url(d % (q - 1n)),
    qi: base64url(modInverse(q, p)),
  };
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

describe('RSA blind signatures against the RFC 9474 test vectors', () => {
  for (const vector of rfc9474.vectors) {
    describe(vector.name, () => {
      let key: RsaPublicKey;
      let privateKey: KeyObject;
      let publicKey: KeyObject;
      /** RFC 9474 hands over inv = r⁻¹; voting-token.ts keeps r itself as the blinding factor. */
      let blindingFactor: bigint;

      before(() => {
        ({ privateKey, publicKey } = vectorKeys(vector));
        key = parseRsaPublicKeyPem('key', publicKey.export({ type: 'spki', format: 'pem' }));
        blindingFactor = modInverse(hexToBigInt(vector.inv), key.n);
      });

      it('reads the 4096-bit key with the modulus and exponent of the vector', () => {
        expect(bigIntToHex(key.n, key.k)).to.equal(vector.n);
        expect(key.e).to.equal(hexToBigInt(vector.e));
        expect(key.k).to.equal(512);
        expect(hexToBigInt(vector.p) * hexToBigInt(vector.q)).to.equal(key.n);
      });

      it('blinds the encoded message into blinded_msg (Blind, steps 3-9)', () => {
        const blinded = (hexToBigInt(vector.encoded_msg) * modPow(blindingFactor, key.e, key.n)) % key.n;
        expect(bigIntToHex(blinded, key.k)).to.equal(vector.blinded_msg);
      });

      it("signs blinded_msg into blind_sig with the authority's raw private-key operation (BlindSign)", () => {
        expect(signBlinded(privateKey, vector.blinded_msg)).to.equal(vector.blind_sig);
      });

      it('unblinds blind_sig into sig (Finalize, steps 2-4)', () => {
        const signature = (hexToBigInt(vector.blind_sig) * modInverse(blindingFactor, key.n)) % key.n;
        expect(bigIntToHex(signature, key.k)).to.equal(vector.sig);
      });

      it("accepts sig for encoded_msg with the contract's raw check, and nothing one off", () => {
        const encoded = hexToBigInt(vector.encoded_msg);
        const signature = hexToBigInt(vector.sig);
        expect(verifyRaw(key, encoded, signature)).to.equal(true);
        expect(verifyRaw(key, encoded + 1n, signature)).to.equal(false);
        expect(verifyRaw(key, encoded, signature + 1n)).to.equal(false);
      });

      it('agrees with a standard RSASSA-PSS verifier that sig signs prepared_msg', () => {
        const saltLength = vector.salt.length / 2;
        expect(
          verify(
            'sha384',
            Buffer.from(vector.prepared_msg, 'hex'),
            { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength },
            Buffer.from(vector.sig, 'hex'),
          ),
        ).to.equal(true);
      });

      it('cannot finalize an RFC 9474 signature: voting tokens are full-domain hashed, not PSS-encoded', () => {
        const request = {
          electionId: 'rfc9474',
          token: vector.msg,
          blindingFactor: bigIntToHex(blindingFactor, key.k),
          blindedMessage: vector.blinded_msg,
        };
        expect(() => unblindSignature(key, request, vector.blind_sig)).to.throw(/did not sign/);
      });
    });
  }
});
