import { X509Certificate, generateKeyPairSync, verify } from 'node:crypto';
import { expect } from 'chai';
import { CertificateAuthority, SigningIdentity, isLowS } from '@cityledger/network';
import { gatewayCredentialsOf } from './gateway-identity';

describe('the Fabric gateway credentials of a consortium identity', () => {
  let identity: SigningIdentity;

  before(async () => {
    const ca = await CertificateAuthority.create(
      { mspId: 'CityMSP', name: 'City', domain: 'city.example' },
      'ca',
    );
    const issued = await ca.issue({
      commonName: 'alice',
      nodeOU: 'client',
      attributes: { role: 'registrar' },
    });
    identity = SigningIdentity.fromPem('CityMSP', issued.certificatePem, issued.privateKeyPem);
  });

  it('present the certificate under the MSP ID', () => {
    const { identity: presented } = gatewayCredentialsOf(identity);
    expect(presented.mspId).to.equal('CityMSP');
    expect(Buffer.from(presented.credentials).toString()).to.equal(identity.certificatePem);
  });

  it('pass the whole message to the signer, which signs its SHA-256 digest', async () => {
    const { hash, signer } = gatewayCredentialsOf(identity);
    const message = Buffer.from('a proposal, a transaction or a commit status request');
    expect(Buffer.from(hash(message))).to.deep.equal(message);
    const signature = await signer(hash(message));
    const { publicKey } = new X509Certificate(identity.certificatePem);
    expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature)).to.equal(true);
  });

  it('sign with a low S every time, as Fabric peers and orderers demand', async () => {
    const { signer } = gatewayCredentialsOf(identity);
    for (let i = 0; i < 64; i++) {
      const signature = await signer(Buffer.from(`message ${i}`));
      expect(isLowS(signature), `signature ${i}`).to.equal(true);
    }
  });

  it('refuse a key that is not P-256', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const other = new SigningIdentity('CityMSP', identity.certificatePem, privateKey);
    let failure: unknown;
    try {
      await gatewayCredentialsOf(other).signer(Buffer.from('x'));
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(TypeError);
  });
});
