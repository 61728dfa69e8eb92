import { expect } from 'chai';
import { generateKeyPairSync, verify } from 'node:crypto';
import { isLowS, signMessage, verifyMessage } from './ecdsa';

const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

function derSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function splitSignature(der: Buffer): { r: bigint; s: bigint } {
  const rLength = der[3];
  const r = BigInt('0x' + der.subarray(4, 4 + rLength).toString('hex'));
  const sLength = der[5 + rLength];
  const s = BigInt('0x' + der.subarray(6 + rLength, 6 + rLength + sLength).toString('hex'));
  return { r, s };
}

describe('ECDSA P-256 signatures', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const message = Buffer.from('transfer parcel 42 to CommunityMSP');

  it('always produces low-S DER signatures that node:crypto accepts', () => {
    for (let i = 0; i < 64; i++) {
      const signature = signMessage(privateKey, message);
      expect(isLowS(signature)).to.equal(true);
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature)).to.equal(true);
    }
  });

  it('verifies its own signatures', () => {
    expect(verifyMessage(publicKey, message, signMessage(privateKey, message))).to.equal(true);
  });

  it('rejects the high-S twin of a valid signature, as Fabric does', () => {
    const { r, s } = splitSignature(signMessage(privateKey, message));
    const highS = derSignature(r, P256_ORDER - s);
    // The twin is mathematically valid, so only the low-S rule can be what rejects it.
    expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, highS)).to.equal(true);
    expect(verifyMessage(publicKey, message, highS)).to.equal(false);
  });

  it('rejects a signature over a tampered message', () => {
    const signature = signMessage(privateKey, message);
    expect(verifyMessage(publicKey, Buffer.from('transfer parcel 43 to CommunityMSP'), signature)).to.equal(
      false,
    );
  });

  it('rejects a signature made by another key', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(verifyMessage(publicKey, message, signMessage(other.privateKey, message))).to.equal(false);
  });

  it('returns false instead of throwing for malformed signatures', () => {
    const valid = signMessage(privateKey, message);
    const malformed = [
      Buffer.alloc(0),
      Buffer.from([0x30, 0x00]),
      Buffer.from('not a signature'),
      valid.subarray(0, valid.length - 1),
      Buffer.concat([valid, Buffer.from([0x00])]),
      derSignature(0n, 1n),
      derSignature(P256_ORDER, 1n),
    ];
    for (const signature of malformed) {
      expect(verifyMessage(publicKey, message, signature), signature.toString('hex')).to.equal(false);
    }
  });

  it('rejects integers with a superfluous leading zero byte', () => {
    const { r, s } = splitSignature(signMessage(privateKey, message));
    const rBytes = derInteger(r).subarray(2);
    const padded = Buffer.concat([Buffer.from([0x02, rBytes.length + 1, 0x00]), rBytes, derInteger(s)]);
    const signature = Buffer.concat([Buffer.from([0x30, padded.length]), padded]);
    expect(verifyMessage(publicKey, message, signature)).to.equal(false);
  });

  it('refuses keys that are not P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => signMessage(rsa.privateKey, message)).to.throw(TypeError, /P-256/);
  });
});
