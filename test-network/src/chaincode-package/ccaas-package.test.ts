import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'chai';

import { buildCcaasPackage } from './ccaas-package';
import { ChaincodePackageError } from './errors';
import {
  calculatePackageId,
  extractTarGz,
  listTarGz,
  peerCli,
  temporaryFolder,
} from './package-test-support';

describe('buildCcaasPackage', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => (folder = temporaryFolder('ccaas')));
  afterEach(() => folder.remove());

  const options = (outFile: string) => ({
    chaincode: 'identity',
    label: 'identity_1.0',
    address: '127.0.0.1:9999',
    outFile: join(folder.dir, outFile),
  });

  it('writes the same bytes, and so the same package id, for the same inputs', async () => {
    const first = await buildCcaasPackage(options('first.tar.gz'));
    const second = await buildCcaasPackage(options('second.tar.gz'));
    expect(readFileSync(first.file).equals(readFileSync(second.file))).to.equal(true);
    expect(first.packageId).to.equal(second.packageId);
  });

  it('gives a different package id for a different address', async () => {
    const first = await buildCcaasPackage(options('first.tar.gz'));
    const moved = await buildCcaasPackage({ ...options('moved.tar.gz'), address: '127.0.0.1:9998' });
    expect(moved.packageId).not.to.equal(first.packageId);
  });

  it('has the package id the peer CLI calculates: the label and the SHA-256 of the file', async function () {
    const cli = peerCli();
    if ('missing' in cli) {
      console.log(`      skipped: ${cli.missing}`);
      this.skip();
    }
    const built = await buildCcaasPackage(options('identity.tar.gz'));
    const sha256 = createHash('sha256').update(readFileSync(built.file)).digest('hex');
    expect(calculatePackageId(cli, built.file)).to.equal(`identity_1.0:${sha256}`);
    expect(built.packageId).to.equal(`identity_1.0:${sha256}`);
  });

  it('holds metadata.json of type ccaas and a code.tar.gz with connection.json only', async () => {
    const built = await buildCcaasPackage(options('identity.tar.gz'));
    expect(listTarGz(built.file).map((line) => line.split(' ').pop())).to.deep.equal([
      'code.tar.gz',
      'metadata.json',
    ]);
    extractTarGz(built.file, folder.dir);
    expect(JSON.parse(readFileSync(join(folder.dir, 'metadata.json'), 'utf8'))).to.deep.equal({
      type: 'ccaas',
      label: 'identity_1.0',
    });
    expect(listTarGz(join(folder.dir, 'code.tar.gz')).map((line) => line.split(' ').pop())).to.deep.equal([
      'connection.json',
    ]);
    extractTarGz(join(folder.dir, 'code.tar.gz'), folder.dir);
    expect(JSON.parse(readFileSync(join(folder.dir, 'connection.json'), 'utf8'))).to.deep.equal({
      address: '127.0.0.1:9999',
      dial_timeout: '10s',
      tls_required: false,
    });
  });

  it('asks the peer for TLS to the chaincode server, trusting the given CA, when one is given', async () => {
    const built = await buildCcaasPackage({ ...options('tls.tar.gz'), tlsRootCertPem: 'PEM OF THE TLS CA' });
    extractTarGz(built.file, folder.dir);
    extractTarGz(join(folder.dir, 'code.tar.gz'), folder.dir);
    expect(JSON.parse(readFileSync(join(folder.dir, 'connection.json'), 'utf8'))).to.deep.equal({
      address: '127.0.0.1:9999',
      dial_timeout: '10s',
      tls_required: true,
      client_auth_required: false,
      root_cert: 'PEM OF THE TLS CA',
    });
  });

  it('refuses a label, chaincode name or address that Fabric would refuse', async () => {
    const refusals = [
      { ...options('a.tar.gz'), label: 'identity 1.0' },
      { ...options('b.tar.gz'), label: '_identity' },
      { ...options('c.tar.gz'), chaincode: 'identity!' },
      { ...options('d.tar.gz'), address: '127.0.0.1' },
      { ...options('e.tar.gz'), address: '127.0.0.1:70000' },
      { ...options('f.tar.gz'), address: 'http://127.0.0.1:9999' },
    ];
    for (const refused of refusals) {
      const error = await buildCcaasPackage(refused).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(refused)).to.be.instanceOf(ChaincodePackageError);
      expect((error as ChaincodePackageError).code).to.equal('INVALID_ARGUMENT');
    }
  });
});
