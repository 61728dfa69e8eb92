import * as x509 from '@peculiar/x509';
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { CertificateAuthority, FABRIC_ATTRIBUTES_OID } from './certificate-authority';
import { IdentityError } from './identity-error';

const city = { mspId: 'CityMSP', name: 'Municipality', domain: 'city.cityledger.example' };

describe('CertificateAuthority', () => {
  let ca: CertificateAuthority;
  let tlsCa: CertificateAuthority;

  before(async () => {
    ca = await CertificateAuthority.create(city, 'ca');
    tlsCa = await CertificateAuthority.create(city, 'tlsca');
  });

  it('creates a self-signed CA certificate named like cryptogen does', () => {
    const certificate = new X509Certificate(ca.certificatePem);
    expect(certificate.ca).to.equal(true);
    expect(certificate.subject.split('\n')).to.deep.equal([
      'C=US',
      'ST=California',
      'L=San Francisco',
      'O=city.cityledger.example',
      'CN=ca.city.cityledger.example',
    ]);
    expect(certificate.verify(certificate.publicKey)).to.equal(true);
    expect(new X509Certificate(tlsCa.certificatePem).subject).to.contain('CN=tlsca.city.cityledger.example');
  });

  it('exposes its private key as PKCS#8 PEM', () => {
    expect(ca.privateKeyPem).to.match(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('issues certificates with the NodeOU and CN in the subject, signed by the CA key', async () => {
    const issued = await ca.issue({ commonName: 'alice', nodeOU: 'client' });
    const certificate = new X509Certificate(issued.certificatePem);
    expect(certificate.subject).to.contain('O=city.cityledger.example\nOU=client\nCN=alice');
    expect(certificate.ca).to.equal(false);
    expect(certificate.checkIssued(new X509Certificate(ca.certificatePem))).to.equal(true);
    expect(certificate.verify(new X509Certificate(ca.certificatePem).publicKey)).to.equal(true);
    expect(issued.privateKeyPem).to.match(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('stores attributes as the raw JSON bytes Fabric CA uses, in a non-critical extension', async () => {
    const issued = await ca.issue({
      commonName: 'bob',
      nodeOU: 'client',
      attributes: { role: 'registrar', zone: 'north' },
    });
    const extension = new x509.X509Certificate(issued.certificatePem).getExtension(FABRIC_ATTRIBUTES_OID);
    expect(extension?.critical).to.equal(false);
    expect(Buffer.from(extension!.value).toString('utf8')).to.equal(
      '{"attrs":{"role":"registrar","zone":"north"}}',
    );
  });

  it('omits the attribute extension when there are no attributes', async () => {
    const issued = await ca.issue({ commonName: 'carol', nodeOU: 'client' });
    expect(new x509.X509Certificate(issued.certificatePem).getExtension(FABRIC_ATTRIBUTES_OID)).to.equal(
      null,
    );
  });

  it('limits enrollment certificates to digital signatures and links them to the CA key', async () => {
    const issued = new x509.X509Certificate(
      (await ca.issue({ commonName: 'peer0', nodeOU: 'peer' })).certificatePem,
    );
    const keyUsage = issued.getExtension(x509.KeyUsagesExtension)!;
    expect(keyUsage.usages).to.equal(x509.KeyUsageFlags.digitalSignature);
    expect(issued.getExtension(x509.ExtendedKeyUsageExtension)).to.equal(null);
    const caKeyId = new x509.X509Certificate(ca.certificatePem).getExtension(
      x509.SubjectKeyIdentifierExtension,
    )!.keyId;
    expect(issued.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId).to.equal(caKeyId);
    expect(issued.getExtension(x509.SubjectKeyIdentifierExtension)).to.not.equal(null);
  });

  it('issues TLS certificates for both server and client authentication with the host names as SANs', async () => {
    const issued = await tlsCa.issue({
      commonName: 'peer0.city.cityledger.example',
      nodeOU: 'peer',
      hostnames: ['peer0.city.cityledger.example', 'localhost', '127.0.0.1'],
    });
    const certificate = new X509Certificate(issued.certificatePem);
    expect(certificate.subjectAltName).to.equal(
      'DNS:peer0.city.cityledger.example, DNS:localhost, IP Address:127.0.0.1',
    );
    expect(certificate.keyUsage).to.have.members(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(certificate.checkHost('localhost')).to.equal('localhost');
  });

  it('gives every certificate a distinct positive serial number', async () => {
    const serials = await Promise.all(
      [1, 2, 3, 4].map(
        async (n) =>
          new X509Certificate((await ca.issue({ commonName: `u${n}`, nodeOU: 'client' })).certificatePem)
            .serialNumber,
      ),
    );
    expect(new Set(serials).size).to.equal(4);
    for (const serial of serials) expect(parseInt(serial.slice(0, 2), 16)).to.be.within(0x40, 0x7f);
  });

  it('honours the requested validity period', async () => {
    const issued = await ca.issue({ commonName: 'shortlived', nodeOU: 'client', validityDays: 1 });
    const certificate = new X509Certificate(issued.certificatePem);
    const lifetimeMs = Date.parse(certificate.validTo) - Date.parse(certificate.validFrom);
    expect(lifetimeMs).to.be.closeTo(24 * 3600 * 1000 + 5 * 60 * 1000, 2000);
  });

  it('keeps issuing chained certificates after being loaded from PEM', async () => {
    const loaded = CertificateAuthority.fromPem(ca.certificatePem, ca.privateKeyPem);
    expect(loaded.kind).to.equal('ca');
    expect(loaded.domain).to.equal('city.cityledger.example');
    expect(CertificateAuthority.fromPem(tlsCa.certificatePem, tlsCa.privateKeyPem).kind).to.equal('tlsca');
    const issued = await loaded.issue({ commonName: 'dave', nodeOU: 'client' });
    expect(
      new X509Certificate(issued.certificatePem).verify(new X509Certificate(ca.certificatePem).publicKey),
    ).to.equal(true);
  });

  it('refuses to load a CA whose key belongs to another certificate', () => {
    expect(() => CertificateAuthority.fromPem(ca.certificatePem, tlsCa.privateKeyPem))
      .to.throw(IdentityError)
      .with.property('code', 'KEY_MISMATCH');
  });

  it('refuses to load an end-entity certificate as a CA', async () => {
    const issued = await ca.issue({ commonName: 'eve', nodeOU: 'client' });
    expect(() => CertificateAuthority.fromPem(issued.certificatePem, issued.privateKeyPem)).to.throw(
      IdentityError,
      /not a CA/,
    );
  });
});
