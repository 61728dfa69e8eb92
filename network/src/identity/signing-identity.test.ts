import { msp } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { CertificateAuthority } from './certificate-authority';
import { isLowS, verifyMessage } from './ecdsa';
import { IdentityError } from './identity-error';
import { MembershipServiceProvider } from './msp';
import { SigningIdentity } from './signing-identity';

describe('SigningIdentity', () => {
  const org = { mspId: 'UtilityMSP', name: 'Utility', domain: 'utility.cityledger.example' };
  let ca: CertificateAuthority;
  let files: { certificatePem: string; privateKeyPem: string };

  before(async () => {
    ca = await CertificateAuthority.create(org, 'ca');
    files = await ca.issue({
      commonName: 'meter-operator',
      nodeOU: 'client',
      attributes: { role: 'operator' },
    });
  });

  it('serializes to the msp.SerializedIdentity bytes Fabric uses as the creator', () => {
    const identity = SigningIdentity.fromPem('UtilityMSP', files.certificatePem, files.privateKeyPem);
    const decoded = msp.SerializedIdentity.deserializeBinary(identity.serialize());
    expect(decoded.getMspid()).to.equal('UtilityMSP');
    expect(Buffer.from(decoded.getIdBytes_asU8()).toString('utf8')).to.equal(files.certificatePem);
  });

  it('hands out a fresh copy of the serialized bytes each time', () => {
    const identity = SigningIdentity.fromPem('UtilityMSP', files.certificatePem, files.privateKeyPem);
    identity.serialize().fill(0);
    expect(msp.SerializedIdentity.deserializeBinary(identity.serialize()).getMspid()).to.equal('UtilityMSP');
  });

  it('signs so that the public key from MSP validation verifies it', () => {
    const identity = SigningIdentity.fromPem('UtilityMSP', files.certificatePem, files.privateKeyPem);
    const validated = new MembershipServiceProvider('UtilityMSP', ca.certificatePem).validateIdentity(
      identity.certificatePem,
    );
    const message = Buffer.from('meter 7 reading 42 kWh');
    const signature = identity.sign(message);
    expect(isLowS(signature)).to.equal(true);
    expect(verifyMessage(validated.publicKey, message, signature)).to.equal(true);
  });

  it('refuses a private key that does not belong to the certificate', async () => {
    const other = await ca.issue({ commonName: 'someone-else', nodeOU: 'client' });
    expect(() => SigningIdentity.fromPem('UtilityMSP', files.certificatePem, other.privateKeyPem))
      .to.throw(IdentityError)
      .with.property('code', 'KEY_MISMATCH');
  });

  it('refuses text that is not a certificate', () => {
    expect(() => SigningIdentity.fromPem('UtilityMSP', 'hello', files.privateKeyPem))
      .to.throw(IdentityError)
      .with.property('code', 'MALFORMED_CERTIFICATE');
  });

  it('converts to the PEM files of a wallet entry', () => {
    const identity = SigningIdentity.fromPem('UtilityMSP', files.certificatePem, files.privateKeyPem);
    expect(JSON.parse(JSON.stringify(identity))).to.deep.equal({ mspId: 'UtilityMSP', ...files });
  });
});
