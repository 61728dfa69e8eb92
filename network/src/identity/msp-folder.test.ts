import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CertificateAuthority } from './certificate-authority';
import {
  readCaFolder,
  readMspFolder,
  readTlsFolder,
  writeCaFolder,
  writeLocalMsp,
  writeOrganizationMsp,
  writeTlsFolder,
} from './msp-folder';

const domain = 'community.cityledger.example';

describe('MSP folders', () => {
  let dir: string;
  let ca: CertificateAuthority;
  let tlsCa: CertificateAuthority;

  before(async () => {
    const org = { mspId: 'CommunityMSP', name: 'Community', domain };
    [ca, tlsCa] = await Promise.all([
      CertificateAuthority.create(org, 'ca'),
      CertificateAuthority.create(org, 'tlsca'),
    ]);
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cityledger-msp-folder-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const mode = (path: string) => statSync(path).mode & 0o777;

  it('writes a local MSP with the file names cryptogen uses and a private key readable only by its owner', async () => {
    const issued = await ca.issue({ commonName: `peer0.${domain}`, nodeOU: 'peer' });
    const msp = join(dir, 'msp');
    writeLocalMsp(msp, {
      name: `peer0.${domain}`,
      domain,
      caCertificatePem: ca.certificatePem,
      tlsCaCertificatePem: tlsCa.certificatePem,
      ...issued,
    });
    expect(readdirSync(msp).sort()).to.deep.equal([
      'cacerts',
      'config.yaml',
      'keystore',
      'signcerts',
      'tlscacerts',
    ]);
    expect(readFileSync(join(msp, 'cacerts', `ca.${domain}-cert.pem`), 'utf8')).to.equal(ca.certificatePem);
    expect(readFileSync(join(msp, 'tlscacerts', `tlsca.${domain}-cert.pem`), 'utf8')).to.equal(
      tlsCa.certificatePem,
    );
    expect(readFileSync(join(msp, 'signcerts', `peer0.${domain}-cert.pem`), 'utf8')).to.equal(
      issued.certificatePem,
    );
    expect(readFileSync(join(msp, 'keystore', 'priv_sk'), 'utf8')).to.equal(issued.privateKeyPem);
    expect(mode(join(msp, 'keystore', 'priv_sk'))).to.equal(0o600);
    expect(readdirSync(join(msp, 'keystore'))).to.deep.equal(['priv_sk']);
  });

  it('enables NodeOUs in config.yaml, each pointing at the CA certificate', () => {
    const msp = join(dir, 'msp');
    writeOrganizationMsp(msp, {
      domain,
      caCertificatePem: ca.certificatePem,
      tlsCaCertificatePem: tlsCa.certificatePem,
    });
    const config = parse(readFileSync(join(msp, 'config.yaml'), 'utf8'));
    const certificate = `cacerts/ca.${domain}-cert.pem`;
    expect(config).to.deep.equal({
      NodeOUs: {
        Enable: true,
        ClientOUIdentifier: { Certificate: certificate, OrganizationalUnitIdentifier: 'client' },
        PeerOUIdentifier: { Certificate: certificate, OrganizationalUnitIdentifier: 'peer' },
        AdminOUIdentifier: { Certificate: certificate, OrganizationalUnitIdentifier: 'admin' },
        OrdererOUIdentifier: { Certificate: certificate, OrganizationalUnitIdentifier: 'orderer' },
      },
    });
  });

  it('writes an organization MSP without signing certificate or keystore', () => {
    const msp = join(dir, 'msp');
    writeOrganizationMsp(msp, {
      domain,
      caCertificatePem: ca.certificatePem,
      tlsCaCertificatePem: tlsCa.certificatePem,
    });
    expect(readdirSync(msp).sort()).to.deep.equal(['cacerts', 'config.yaml', 'tlscacerts']);
    expect(readMspFolder(msp)).to.deep.equal({
      caCertificatePem: ca.certificatePem,
      tlsCaCertificatePem: tlsCa.certificatePem,
      certificatePem: undefined,
      privateKeyPem: undefined,
      nodeOUsEnabled: true,
    });
  });

  it('reads back what it wrote for a local MSP', async () => {
    const issued = await ca.issue({ commonName: `Admin@${domain}`, nodeOU: 'admin' });
    const msp = join(dir, 'users', `Admin@${domain}`, 'msp');
    writeLocalMsp(msp, {
      name: `Admin@${domain}`,
      domain,
      caCertificatePem: ca.certificatePem,
      tlsCaCertificatePem: tlsCa.certificatePem,
      ...issued,
    });
    expect(readMspFolder(msp)).to.include({
      ...issued,
      caCertificatePem: ca.certificatePem,
      nodeOUsEnabled: true,
    });
  });

  it('reports a missing MSP folder as undefined', () => {
    expect(readMspFolder(join(dir, 'nowhere'))).to.equal(undefined);
  });

  it('writes and reads a cryptogen tls folder with a private server key', async () => {
    const issued = await tlsCa.issue({
      commonName: `peer0.${domain}`,
      nodeOU: 'peer',
      hostnames: [`peer0.${domain}`],
    });
    const tls = join(dir, 'tls');
    writeTlsFolder(tls, { caCertificatePem: tlsCa.certificatePem, ...issued });
    expect(readdirSync(tls).sort()).to.deep.equal(['ca.crt', 'server.crt', 'server.key']);
    expect(mode(join(tls, 'server.key'))).to.equal(0o600);
    expect(readTlsFolder(tls)).to.deep.equal({ caCertificatePem: tlsCa.certificatePem, ...issued });
  });

  it('treats a tls folder without its certificate as missing', async () => {
    const issued = await tlsCa.issue({ commonName: 'x', nodeOU: 'peer' });
    const tls = join(dir, 'tls');
    writeTlsFolder(tls, { caCertificatePem: tlsCa.certificatePem, ...issued });
    rmSync(join(tls, 'server.crt'));
    expect(readTlsFolder(tls)).to.equal(undefined);
  });

  it('keeps a CA key private and reads the CA folder back', () => {
    const caDir = join(dir, 'ca');
    const files = {
      certificateFileName: `ca.${domain}-cert.pem`,
      certificatePem: ca.certificatePem,
      privateKeyPem: ca.privateKeyPem,
    };
    writeCaFolder(caDir, files);
    expect(mode(join(caDir, 'priv_sk'))).to.equal(0o600);
    expect(readCaFolder(caDir, files.certificateFileName)).to.deep.equal(files);
    expect(readCaFolder(join(dir, 'tlsca'), 'x')).to.equal(undefined);
  });

  it('leaves no temporary files behind', () => {
    writeOrganizationMsp(join(dir, 'msp'), {
      domain,
      caCertificatePem: ca.certificatePem,
      tlsCaCertificatePem: tlsCa.certificatePem,
    });
    expect(readdirSync(join(dir, 'msp', 'cacerts'))).to.deep.equal([`ca.${domain}-cert.pem`]);
    expect(existsSync(join(dir, 'msp', 'config.yaml'))).to.equal(true);
  });
});
