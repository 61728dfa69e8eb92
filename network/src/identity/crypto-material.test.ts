import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConsortiumDefinition, consortiumSchema } from '../consortium/consortium-schema';
import { ensureCryptoMaterial } from './crypto-material';
import { verifyMessage } from './ecdsa';
import { IdentityError } from './identity-error';
import { SigningIdentity } from './signing-identity';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ClientIdentity } = require('fabric-shim');

/** Reads a certificate the way chaincode does: through fabric-shim's own ClientIdentity. */
function clientIdentityOf(identity: SigningIdentity) {
  const stub = {
    getChannelID: () => 'civic',
    getTxID: () => '0123456789abcdef',
    getCreator: () => ({ mspid: identity.mspId, idBytes: Buffer.from(identity.certificatePem) }),
  };
  return new ClientIdentity(stub);
}

function loadConsortium(): ConsortiumDefinition {
  const text = readFileSync(join(__dirname, '..', '..', 'consortium.yaml'), 'utf8');
  return consortiumSchema.parse(parse(text));
}

function withOrganizations(consortium: ConsortiumDefinition, mspIds: string[]): ConsortiumDefinition {
  return {
    ...consortium,
    organizations: consortium.organizations.filter((org) => mspIds.includes(org.mspId)),
  };
}

async function expectRejection(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(IdentityError);
    expect((err as IdentityError).code).to.equal(code);
    expect((err as Error).message).to.match(message);
    return;
  }
  expect.fail(`expected an IdentityError ${code}`);
}

describe('ensureCryptoMaterial', () => {
  const consortium = loadConsortium();
  const small = withOrganizations(consortium, ['OrdererMSP', 'CityMSP']);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cityledger-crypto-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('lays out every organization of the consortium as cryptogen does', async () => {
    const material = await ensureCryptoMaterial(consortium, dir);
    expect(material.organizations().map((org) => org.mspId)).to.deep.equal(
      consortium.organizations.map((org) => org.mspId),
    );
    const city = join(dir, 'peerOrganizations', 'city.cityledger.example');
    const orderer = join(dir, 'ordererOrganizations', 'orderer.cityledger.example');
    const expected = [
      join(city, 'ca', 'ca.city.cityledger.example-cert.pem'),
      join(city, 'ca', 'priv_sk'),
      join(city, 'tlsca', 'tlsca.city.cityledger.example-cert.pem'),
      join(city, 'tlsca', 'priv_sk'),
      join(city, 'msp', 'cacerts', 'ca.city.cityledger.example-cert.pem'),
      join(city, 'msp', 'tlscacerts', 'tlsca.city.cityledger.example-cert.pem'),
      join(city, 'msp', 'config.yaml'),
      join(
        city,
        'peers',
        'peer0.city.cityledger.example',
        'msp',
        'signcerts',
        'peer0.city.cityledger.example-cert.pem',
      ),
      join(city, 'peers', 'peer0.city.cityledger.example', 'msp', 'keystore', 'priv_sk'),
      join(city, 'peers', 'peer0.city.cityledger.example', 'tls', 'server.crt'),
      join(
        city,
        'users',
        'Admin@city.cityledger.example',
        'msp',
        'signcerts',
        'Admin@city.cityledger.example-cert.pem',
      ),
      join(orderer, 'orderers', 'orderer0.orderer.cityledger.example', 'msp', 'config.yaml'),
      join(orderer, 'orderers', 'orderer0.orderer.cityledger.example', 'tls', 'server.key'),
      join(orderer, 'users', 'Admin@orderer.cityledger.example', 'msp', 'keystore', 'priv_sk'),
    ];
    for (const path of expected) expect(existsSync(path), path).to.equal(true);
    expect(existsSync(join(city, 'msp', 'keystore'))).to.equal(false);
    expect(statSync(join(city, 'ca', 'priv_sk')).mode & 0o777).to.equal(0o600);
  });

  it('gives admins, peers and orderers the NodeOU their role needs', async () => {
    const material = await ensureCryptoMaterial(small, dir);
    const city = material.organization('CityMSP');
    const ordering = material.organization('OrdererMSP');
    expect(city.msp.validateIdentity(city.admin.certificatePem)).to.include({
      role: 'admin',
      commonName: 'Admin@city.cityledger.example',
    });
    expect(city.peers.map((peer) => [peer.name, peer.hostname])).to.deep.equal([
      ['peer0', 'peer0.city.cityledger.example'],
    ]);
    expect(city.msp.validateIdentity(city.peers[0].identity.certificatePem).role).to.equal('peer');
    expect(ordering.msp.validateIdentity(ordering.orderers[0].identity.certificatePem).role).to.equal(
      'orderer',
    );
    expect(city.orderers).to.deep.equal([]);
  });

  it('issues node TLS certificates from the TLS CA for the node host name', async () => {
    const { X509Certificate } = await import('node:crypto');
    const city = (await ensureCryptoMaterial(small, dir)).organization('CityMSP');
    const tls = new X509Certificate(city.peers[0].tlsCertificatePem);
    expect(tls.checkIssued(new X509Certificate(city.tlsCa.certificatePem))).to.equal(true);
    expect(tls.checkHost('peer0.city.cityledger.example')).to.equal('peer0.city.cityledger.example');
    expect(tls.checkIP('127.0.0.1')).to.equal('127.0.0.1');
  });

  it('keeps the same keys and certificates when run again', async () => {
    const first = (await ensureCryptoMaterial(small, dir)).organization('CityMSP');
    const second = (await ensureCryptoMaterial(small, dir)).organization('CityMSP');
    expect(second.ca.privateKeyPem).to.equal(first.ca.privateKeyPem);
    expect(second.tlsCa.certificatePem).to.equal(first.tlsCa.certificatePem);
    expect(second.admin.toJSON()).to.deep.equal(first.admin.toJSON());
    expect(second.peers[0].identity.toJSON()).to.deep.equal(first.peers[0].identity.toJSON());
    expect(second.peers[0].tlsPrivateKeyPem).to.equal(first.peers[0].tlsPrivateKeyPem);
  });

  it('generates an organization added to the consortium and leaves the others untouched', async () => {
    const before = (await ensureCryptoMaterial(small, dir)).organization('CityMSP');
    const after = await ensureCryptoMaterial(
      withOrganizations(consortium, ['OrdererMSP', 'CityMSP', 'AuditorMSP']),
      dir,
    );
    expect(after.organization('CityMSP').ca.privateKeyPem).to.equal(before.ca.privateKeyPem);
    expect(after.organization('CityMSP').peers[0].identity.certificatePem).to.equal(
      before.peers[0].identity.certificatePem,
    );
    const auditor = after.organization('AuditorMSP');
    expect(auditor.domain).to.equal('auditor.cityledger.example');
    expect(existsSync(join(dir, 'peerOrganizations', 'auditor.cityledger.example', 'peers'))).to.equal(true);
  });

  it('generates a peer added to an existing organization with the existing CA', async () => {
    const before = (await ensureCryptoMaterial(small, dir)).organization('CityMSP');
    const grown = {
      ...small,
      organizations: small.organizations.map((org) =>
        org.mspId === 'CityMSP' ? { ...org, peers: ['peer0', 'peer1'] } : org,
      ),
    };
    const after = (await ensureCryptoMaterial(grown, dir)).organization('CityMSP');
    expect(after.peers.map((peer) => peer.name)).to.deep.equal(['peer0', 'peer1']);
    expect(after.peers[0].identity.certificatePem).to.equal(before.peers[0].identity.certificatePem);
    expect(before.msp.validateIdentity(after.peers[1].identity.certificatePem).role).to.equal('peer');
  });

  it('refuses stored node material that its organization CA did not issue', async () => {
    await ensureCryptoMaterial(small, dir);
    // Losing the CA folder makes the next run create a new CA, which no longer vouches for the peer.
    rmSync(join(dir, 'peerOrganizations', 'city.cityledger.example', 'ca'), { recursive: true });
    await expectRejection(ensureCryptoMaterial(small, dir), 'NOT_ISSUED_BY_MSP', /CityMSP/);
  });

  it('names the unknown MSP ID when asked for an organization outside the consortium', async () => {
    const material = await ensureCryptoMaterial(small, dir);
    expect(() => material.organization('NopeMSP'))
      .to.throw(IdentityError, /NopeMSP/)
      .with.property('code', 'UNKNOWN_MSP');
  });

  it("makes an MSP reject the certificates of another organization's members", async () => {
    const material = await ensureCryptoMaterial(small, dir);
    const ordererAdmin = material.organization('OrdererMSP').admin;
    expect(() => material.organization('CityMSP').msp.validateIdentity(ordererAdmin.certificatePem))
      .to.throw(IdentityError, /not issued by the CA of CityMSP/)
      .with.property('code', 'NOT_ISSUED_BY_MSP');
  });
});

describe('CryptoMaterial.enrollUser', () => {
  const consortium = withOrganizations(loadConsortium(), ['CityMSP', 'AuditorMSP']);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cityledger-enroll-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("issues a client certificate whose attributes fabric-shim's ClientIdentity reads", async () => {
    const material = await ensureCryptoMaterial(consortium, dir);
    const alice = await material.enrollUser('CityMSP', 'alice', { role: 'registrar' });
    const clientIdentity = clientIdentityOf(alice);
    expect(clientIdentity.getMSPID()).to.equal('CityMSP');
    expect(clientIdentity.getAttributeValue('role')).to.equal('registrar');
    expect(clientIdentity.getAttributeValue('hf.EnrollmentID')).to.equal('alice');
    expect(clientIdentity.assertAttributeValue('role', 'registrar')).to.equal(true);
    expect(clientIdentity.assertAttributeValue('role', 'auditor')).to.equal(false);
    expect(clientIdentity.getAttributeValue('missing')).to.equal(null);
    expect(clientIdentity.getID()).to.match(
      /^x509::\/C=US.*\/OU=client\/CN=alice::\/C=US.*\/CN=ca\.city\.cityledger\.example$/,
    );
  });

  it('persists the user as a local MSP under users/<userId>@<domain>', async () => {
    const material = await ensureCryptoMaterial(consortium, dir);
    const alice = await material.enrollUser('CityMSP', 'alice', { role: 'registrar' });
    const msp = join(
      dir,
      'peerOrganizations',
      'city.cityledger.example',
      'users',
      'alice@city.cityledger.example',
      'msp',
    );
    expect(readFileSync(join(msp, 'signcerts', 'alice-cert.pem'), 'utf8')).to.equal(alice.certificatePem);
    expect(statSync(join(msp, 'keystore', 'priv_sk')).mode & 0o777).to.equal(0o600);
    expect(existsSync(join(msp, 'config.yaml'))).to.equal(true);
  });

  it("signs transactions that verify with the public key from the organization's MSP", async () => {
    const material = await ensureCryptoMaterial(consortium, dir);
    const city = material.organization('CityMSP');
    const alice = await material.enrollUser('CityMSP', 'alice', { role: 'registrar' });
    const validated = city.msp.validateIdentity(alice.certificatePem);
    expect(validated).to.include({ role: 'client', commonName: 'alice' });
    expect(validated.attributes).to.deep.equal({ role: 'registrar', 'hf.EnrollmentID': 'alice' });
    const proposal = Buffer.from('register parcel 17');
    expect(verifyMessage(validated.publicKey, proposal, alice.sign(proposal))).to.equal(true);
    expect(() => material.organization('AuditorMSP').msp.validateIdentity(alice.certificatePem)).to.throw(
      IdentityError,
      /not issued/,
    );
  });

  it('returns the stored identity when the same user enrolls again with the same attributes', async () => {
    const material = await ensureCryptoMaterial(consortium, dir);
    const first = await material.enrollUser('CityMSP', 'alice', { role: 'registrar' });
    const again = await material.enrollUser('CityMSP', 'alice', { role: 'registrar' });
    expect(again.toJSON()).to.deep.equal(first.toJSON());
    const reloaded = await ensureCryptoMaterial(consortium, dir);
    const afterRestart = await reloaded.enrollUser('CityMSP', 'alice', { role: 'registrar' });
    expect(afterRestart.toJSON()).to.deep.equal(first.toJSON());
  });

  it('re-enrolls with a new certificate when the attributes change, and persists it', async () => {
    const material = await ensureCryptoMaterial(consortium, dir);
    const registrar = await material.enrollUser('CityMSP', 'alice', { role: 'registrar' });
    const auditor = await material.enrollUser('CityMSP', 'alice', { role: 'auditor' });
    expect(auditor.certificatePem).to.not.equal(registrar.certificatePem);
    expect(clientIdentityOf(auditor).getAttributeValue('role')).to.equal('auditor');
    const reloaded = await ensureCryptoMaterial(consortium, dir);
    const stored = await reloaded.enrollUser('CityMSP', 'alice', { role: 'auditor' });
    expect(stored.certificatePem).to.equal(auditor.certificatePem);
  });

  it('issues one certificate when the same user enrolls concurrently', async () => {
    const material = await ensureCryptoMaterial(consortium, dir);
    const identities = await Promise.all(
      [1, 2, 3].map(() => material.enrollUser('CityMSP', 'bob', { role: 'citizen' })),
    );
    expect(new Set(identities.map((identity) => identity.certificatePem)).size).to.equal(1);
  });

  it('rejects user IDs outside letters, digits and . _ - @ or longer than 64 characters', async () => {
    const material = await ensureCryptoMaterial(consortium, dir);
    for (const userId of ['', 'a b', '../etc', 'x'.repeat(65), 'alice/1']) {
      await expectRejection(material.enrollUser('CityMSP', userId, {}), 'INVALID_USER_ID', /userId/);
    }
    expect((await material.enrollUser('CityMSP', 'jane.doe_1-x@example.org', {})).mspId).to.equal('CityMSP');
  });

  it("refuses to enroll a user under the organization admin's name", async () => {
    const material = await ensureCryptoMaterial(consortium, dir);
    await expectRejection(material.enrollUser('CityMSP', 'admin', {}), 'INVALID_USER_ID', /reserved/);
  });

  it('rejects invalid or reserved attribute names, naming the attribute', async () => {
    const material = await ensureCryptoMaterial(consortium, dir);
    await expectRejection(
      material.enrollUser('CityMSP', 'alice', { 'bad name': 'x' }),
      'INVALID_ATTRIBUTE',
      /attributes\.bad name/,
    );
    await expectRejection(
      material.enrollUser('CityMSP', 'alice', { 'hf.EnrollmentID': 'mallory' }),
      'INVALID_ATTRIBUTE',
      /attributes\.hf\.EnrollmentID/,
    );
    await expectRejection(
      material.enrollUser('CityMSP', 'alice', { role: 42 as unknown as string }),
      'INVALID_ATTRIBUTE',
      /attributes\.role/,
    );
  });

  it('names the unknown MSP ID when enrolling into an organization outside the consortium', async () => {
    const material = await ensureCryptoMaterial(consortium, dir);
    await expectRejection(material.enrollUser('UtilityMSP', 'alice', {}), 'UNKNOWN_MSP', /UtilityMSP/);
  });
});
