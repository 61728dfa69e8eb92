import * as x509 from '@peculiar/x509';
import { expect } from 'chai';
import { createPrivateKey, webcrypto } from 'node:crypto';
import { CertificateAuthority } from './certificate-authority';
import { IdentityError, MembershipServiceProvider } from './msp';

const DAY_MS = 24 * 3600 * 1000;

/** A certificate signed by `ca` whose subject has no NodeOU, which CertificateAuthority never issues. */
async function certificateWithoutNodeOU(ca: CertificateAuthority): Promise<string> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
  const signingKey = await webcrypto.subtle.importKey(
    'pkcs8',
    createPrivateKey(ca.privateKeyPem).export({ format: 'der', type: 'pkcs8' }),
    algorithm,
    false,
    ['sign'],
  );
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.create({
    subject: 'O=city.cityledger.example, OU=department, CN=no-role',
    issuer: new x509.X509Certificate(ca.certificatePem).subjectName,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + DAY_MS),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    publicKey: keys.publicKey,
    signingKey,
  });
  return certificate.toString('pem');
}

function expectIdentityError(action: () => unknown, code: string, message: RegExp): void {
  try {
    action();
  } catch (err) {
    expect(err).to.be.instanceOf(IdentityError);
    expect((err as IdentityError).code).to.equal(code);
    expect((err as Error).message).to.match(message);
    return;
  }
  expect.fail(`expected an IdentityError ${code}`);
}

describe('MembershipServiceProvider', () => {
  const city = { mspId: 'CityMSP', name: 'Municipality', domain: 'city.cityledger.example' };
  const auditor = { mspId: 'AuditorMSP', name: 'Auditor', domain: 'auditor.cityledger.example' };
  let cityCa: CertificateAuthority;
  let auditorCa: CertificateAuthority;
  let registrar: string;

  before(async () => {
    [cityCa, auditorCa] = await Promise.all([
      CertificateAuthority.create(city, 'ca'),
      CertificateAuthority.create(auditor, 'ca'),
    ]);
    registrar = (
      await cityCa.issue({ commonName: 'registrar1', nodeOU: 'client', attributes: { role: 'registrar' } })
    ).certificatePem;
  });

  it('accepts a certificate from its CA and reports role, name and attributes', () => {
    const identity = new MembershipServiceProvider('CityMSP', cityCa.certificatePem).validateIdentity(
      registrar,
    );
    expect(identity).to.include({
      mspId: 'CityMSP',
      role: 'client',
      commonName: 'registrar1',
      certificatePem: registrar,
    });
    expect(identity.attributes).to.deep.equal({ role: 'registrar' });
    expect(identity.publicKey.asymmetricKeyType).to.equal('ec');
  });

  it('reports each NodeOU as the role', async () => {
    const msp = new MembershipServiceProvider('CityMSP', cityCa.certificatePem);
    for (const nodeOU of ['peer', 'orderer', 'admin'] as const) {
      const { certificatePem } = await cityCa.issue({ commonName: `${nodeOU}-node`, nodeOU });
      expect(msp.validateIdentity(certificatePem).role).to.equal(nodeOU);
    }
  });

  it("rejects a certificate issued by another organization's CA", async () => {
    const { certificatePem } = await auditorCa.issue({ commonName: 'auditor1', nodeOU: 'client' });
    const msp = new MembershipServiceProvider('CityMSP', cityCa.certificatePem);
    expectIdentityError(
      () => msp.validateIdentity(certificatePem),
      'NOT_ISSUED_BY_MSP',
      /not issued by the CA of CityMSP/,
    );
  });

  it('rejects a certificate whose issuer name matches but whose signature comes from another key', async () => {
    // A second CA for the same domain has the same subject name as the real one.
    const impostor = await CertificateAuthority.create(city, 'ca');
    const { certificatePem } = await impostor.issue({ commonName: 'mallory', nodeOU: 'admin' });
    const msp = new MembershipServiceProvider('CityMSP', cityCa.certificatePem);
    expectIdentityError(() => msp.validateIdentity(certificatePem), 'NOT_ISSUED_BY_MSP', /not issued/);
  });

  it('rejects an expired certificate according to its clock', async () => {
    const { certificatePem } = await cityCa.issue({ commonName: 'temp', nodeOU: 'client', validityDays: 1 });
    const msp = new MembershipServiceProvider('CityMSP', cityCa.certificatePem, {
      clock: () => new Date(Date.now() + 2 * DAY_MS),
    });
    expectIdentityError(() => msp.validateIdentity(certificatePem), 'EXPIRED', /expired/);
  });

  it('rejects a certificate that is not yet valid', () => {
    const msp = new MembershipServiceProvider('CityMSP', cityCa.certificatePem, {
      clock: () => new Date(Date.now() - DAY_MS),
    });
    expectIdentityError(() => msp.validateIdentity(registrar), 'NOT_YET_VALID', /not valid before/);
  });

  it('expires a certificate even after it was cached as valid', async () => {
    const { certificatePem } = await cityCa.issue({ commonName: 'temp2', nodeOU: 'client', validityDays: 1 });
    let now = new Date();
    const msp = new MembershipServiceProvider('CityMSP', cityCa.certificatePem, { clock: () => now });
    msp.validateIdentity(certificatePem);
    now = new Date(Date.now() + 2 * DAY_MS);
    expectIdentityError(() => msp.validateIdentity(certificatePem), 'EXPIRED', /expired/);
  });

  it('rejects a certificate without a NodeOU', async () => {
    const certificatePem = await certificateWithoutNodeOU(cityCa);
    const msp = new MembershipServiceProvider('CityMSP', cityCa.certificatePem);
    expectIdentityError(() => msp.validateIdentity(certificatePem), 'NO_NODE_OU', /no NodeOU/);
  });

  it('rejects the CA certificate itself as an identity', () => {
    const msp = new MembershipServiceProvider('CityMSP', cityCa.certificatePem);
    expectIdentityError(
      () => msp.validateIdentity(cityCa.certificatePem),
      'CA_CERTIFICATE',
      /CA certificate/,
    );
  });

  it('rejects text that is not a certificate', () => {
    const msp = new MembershipServiceProvider('CityMSP', cityCa.certificatePem);
    expectIdentityError(
      () => msp.validateIdentity('-----BEGIN CERTIFICATE-----\nAAAA\n'),
      'MALFORMED_CERTIFICATE',
      /PEM/,
    );
  });

  it('returns the cached result, with the same public KeyObject, for a certificate seen before', () => {
    const msp = new MembershipServiceProvider('CityMSP', cityCa.certificatePem);
    const first = msp.validateIdentity(registrar);
    const second = msp.validateIdentity(registrar);
    expect(second).to.equal(first);
    expect(second.publicKey).to.equal(first.publicKey);
    expect(Object.isFrozen(second.attributes)).to.equal(true);
  });

  it('keeps working when the cache is full by forgetting the oldest entries', async () => {
    const msp = new MembershipServiceProvider('CityMSP', cityCa.certificatePem, { cacheSize: 1 });
    const { certificatePem } = await cityCa.issue({ commonName: 'other', nodeOU: 'client' });
    const first = msp.validateIdentity(registrar);
    msp.validateIdentity(certificatePem);
    const again = msp.validateIdentity(registrar);
    expect(again).to.not.equal(first);
    expect(again.commonName).to.equal('registrar1');
  });
});
