import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { type TestGateway, startTestGateway } from '../testing/test-gateway';
import { x509IdentityId } from './embedded-connector';

describe('ledger identities of gateway users', () => {
  let gateway: TestGateway;
  const channels = '/api/v1/channels/civic/dids?type=person';

  before(async () => {
    gateway = await startTestGateway();
  });
  after(() => gateway.stop());

  const certificateOf = (userId: string) =>
    readFileSync(
      join(
        gateway.dataDir,
        'crypto/peerOrganizations/city.cityledger.example/users',
        `${userId}@city.cityledger.example/msp/signcerts/${userId}-cert.pem`,
      ),
      'utf8',
    );

  /** The Fabric CA attribute extension holds `{"attrs": {...}}` as JSON text. */
  const attributesOf = (pem: string) => {
    const der = new X509Certificate(pem).raw.toString('latin1');
    const json = /\{"attrs":\{[^}]*\}\}/.exec(der);
    return (JSON.parse(json![0]) as { attrs: Record<string, string> }).attrs;
  };

  const callAs = (token: string) => gateway.request('GET', channels, { token });

  it('writes the did claim into the certificate and re-enrols when it changes or goes away', async () => {
    await callAs(gateway.token('ines', 'CityMSP', 'citizen', 'did:cityledger:civic:ines'));
    const first = certificateOf('ines');
    expect(attributesOf(first)).to.include({ role: 'citizen', did: 'did:cityledger:civic:ines' });

    await callAs(gateway.token('ines', 'CityMSP', 'citizen', 'did:cityledger:civic:ines'));
    expect(certificateOf('ines')).to.equal(first);

    await callAs(gateway.token('ines', 'CityMSP', 'citizen', 'did:cityledger:civic:ines-2'));
    const second = certificateOf('ines');
    expect(second).to.not.equal(first);
    expect(attributesOf(second)).to.include({ did: 'did:cityledger:civic:ines-2' });

    await callAs(gateway.token('ines', 'CityMSP', 'citizen'));
    expect(attributesOf(certificateOf('ines'))).to.not.have.property('did');
  });

  it("gives the id chaincode sees for a user, the same before and after the user's first call", async () => {
    const before = await gateway.running.ledger.clientIdentityId('CityMSP', 'jon');
    expect(before).to.match(
      /^x509::\/C=US\/ST=California\/L=San Francisco\/O=city\.cityledger\.example\/OU=client\/CN=jon::\/C=US\/.*\/CN=ca\.city\.cityledger\.example$/,
    );
    await callAs(gateway.token('jon', 'CityMSP', 'registrar'));
    expect(await gateway.running.ledger.clientIdentityId('CityMSP', 'jon')).to.equal(before);
    expect(x509IdentityId(certificateOf('jon'))).to.equal(before);
  });
});
