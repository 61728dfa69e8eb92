import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { expect } from 'chai';

import { packageName } from './chaincode-bundle';
import { ChaincodePackageError } from './errors';
import type { ChaincodePackage } from './fabric-package';
import { buildNodePackage } from './node-package';
import {
  calculatePackageId,
  extractTarGz,
  listTarGz,
  peerCli,
  temporaryFolder,
} from './package-test-support';

const repoRoot = resolve(__dirname, '..', '..', '..');
const identityDir = join(repoRoot, 'chaincode', 'identity');

/** Prints what the installed package serves as GetMetadata, from inside the package folder. */
const LOAD_CONTRACTS = `
const chaincode = require('./');
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract');
const { JSONSerializer } = require('fabric-contract-api');
const metadata = new ChaincodeFromContract(chaincode.contracts,
  { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } }, {}, 'identity', '1.0').metadata;
console.log(JSON.stringify({
  contracts: Object.keys(metadata.contracts),
  transactions: metadata.contracts.identity.transactions.map((t) => t.name),
  schemas: Object.keys(metadata.components.schemas),
  classTransformer: require('class-transformer/package.json').version,
  classToPlain: typeof require('class-transformer').classToPlain,
  fabricShim: require.resolve('fabric-shim'),
  nobleHashes: require.resolve('@noble/hashes/sha2'),
}));
`;

function runIn(cwd: string, command: string, args: string[]) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CORE_CHAINCODE_LOGGING_LEVEL: 'critical' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('buildNodePackage', function () {
  // Bundling and packing ~90 dependencies takes a few seconds on a shared 2-core machine.
  this.timeout(60_000);
  let folder: ReturnType<typeof temporaryFolder>;
  let built: ChaincodePackage;
  let code: string;

  before(async () => {
    folder = temporaryFolder('node-package');
    built = await buildNodePackage({
      chaincodeDir: identityDir,
      label: 'identity_1.0',
      outFile: join(folder.dir, 'identity.tar.gz'),
    });
    mkdirSync(join(folder.dir, 'package'));
    extractTarGz(built.file, join(folder.dir, 'package'));
    code = join(folder.dir, 'code');
    mkdirSync(code);
    extractTarGz(join(folder.dir, 'package', 'code.tar.gz'), code);
  });
  after(() => folder.remove());

  it('labels metadata.json type node with the chaincode folder as path', () => {
    expect(JSON.parse(readFileSync(join(folder.dir, 'package', 'metadata.json'), 'utf8'))).to.deep.equal({
      path: 'chaincode/identity',
      type: 'node',
      label: 'identity_1.0',
    });
  });

  it("holds only regular 0644 files under src/ and META-INF/, as Fabric's Node platform requires", () => {
    const lines = listTarGz(join(folder.dir, 'package', 'code.tar.gz'));
    expect(lines.length).to.be.greaterThan(4);
    for (const line of lines) expect(line).to.match(/^-rw-r--r-- 0\/0 .* (src|META-INF)\//);
  });

  it('starts with fabric-chaincode-node and pins @noble/hashes, fabric-contract-api, fabric-shim, class-transformer 0.4.0 and fabric-protos 0.3.7', () => {
    const manifest = JSON.parse(readFileSync(join(code, 'src', 'package.json'), 'utf8'));
    expect(manifest.main).to.equal('index.js');
    expect(manifest.scripts).to.deep.equal({
      start: 'fabric-chaincode-node start',
      server: 'fabric-chaincode-node server',
    });
    // @noble/hashes: what @cityledger/proofs, bundled through chaincode-common's canonical JSON, hashes with.
    expect(Object.keys(manifest.dependencies)).to.deep.equal([
      '@noble/hashes',
      'fabric-contract-api',
      'fabric-shim',
    ]);
    expect(Object.values(manifest.dependencies)).to.satisfy((versions: string[]) =>
      versions.every((v) => /^\d+\.\d+\.\d+$/.test(v)),
    );
    expect(manifest.overrides).to.deep.equal({
      'class-transformer': '0.4.0',
      '@hyperledger/fabric-protos': '0.3.7',
    });
    expect(manifest.dependencies).not.to.have.property('@cityledger/chaincode-common');
    expect(manifest.dependencies).not.to.have.property('@cityledger/proofs');
  });

  it('bundles chaincode-common and @cityledger/proofs into index.js and leaves only registry packages to require', () => {
    const bundle = readFileSync(join(code, 'src', 'index.js'), 'utf8');
    expect(bundle).not.to.match(/require\(["']@cityledger\//);
    expect(bundle).to.include('../common/dist/');
    expect(bundle).to.include('../../packages/proofs/dist/');
    const required = new Set(
      [...bundle.matchAll(/require\("([^".][^"]*)"\)/g)].map((m) => packageName(m[1])),
    );
    expect(
      [...required].filter((name) => !name.startsWith('node:') && !['crypto', 'util'].includes(name)),
    ).to.have.members(['@noble/hashes', 'fabric-contract-api']);
  });

  it('locks every dependency to a tarball inside the package, with its integrity', () => {
    const lock = JSON.parse(readFileSync(join(code, 'src', 'package-lock.json'), 'utf8'));
    expect(lock.lockfileVersion).to.equal(3);
    const entries = Object.entries(
      lock.packages as Record<string, { resolved: string; integrity: string; version: string }>,
    );
    expect(entries.length).to.be.greaterThan(20);
    for (const [location, entry] of entries) {
      if (location === '') continue;
      expect(entry.resolved, location).to.match(/^file:vendor\/.+\.tgz$/);
      const tarball = readFileSync(join(code, 'src', entry.resolved.slice('file:'.length)));
      expect(entry.integrity, location).to.equal(
        `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
      );
    }
    expect(lock.packages['node_modules/class-transformer'].version).to.equal('0.4.0');
  });

  it('has the package id the peer CLI calculates', function () {
    const cli = peerCli();
    if ('missing' in cli) {
      console.log(`      skipped: ${cli.missing}`);
      this.skip();
    }
    const sha256 = createHash('sha256').update(readFileSync(built.file)).digest('hex');
    expect(calculatePackageId(cli, built.file)).to.equal(`identity_1.0:${sha256}`);
    expect(built.packageId).to.equal(`identity_1.0:${sha256}`);
  });

  it('writes the same bytes when built again', async () => {
    const again = await buildNodePackage({
      chaincodeDir: identityDir,
      label: 'identity_1.0',
      outFile: join(folder.dir, 'again.tar.gz'),
    });
    expect(readFileSync(again.file).equals(readFileSync(built.file))).to.equal(true);
  });

  for (const install of [
    { title: 'npm install --omit=dev', args: ['install', '--omit=dev'] },
    {
      title: 'npm ci --omit=dev, as the Node chaincode image runs when a lockfile is present',
      args: ['ci', '--omit=dev'],
    },
  ]) {
    it(`installs offline from its own contents with ${install.title}, and the contracts and their metadata load`, function () {
      this.timeout(120_000);
      const clean = temporaryFolder('node-install');
      try {
        extractTarGz(join(folder.dir, 'package', 'code.tar.gz'), clean.dir);
        const src = join(clean.dir, 'src');
        const npm = runIn(src, 'npm', [
          ...install.args,
          '--offline',
          '--no-audit',
          '--no-fund',
          '--cache',
          join(clean.dir, 'empty-npm-cache'),
        ]);
        expect(npm.status, npm.stderr).to.equal(0);
        expect(existsSync(join(src, 'node_modules', '.bin', 'fabric-chaincode-node'))).to.equal(true);

        const loaded = runIn(src, process.execPath, ['-e', LOAD_CONTRACTS]);
        expect(loaded.status, loaded.stderr).to.equal(0);
        const result = JSON.parse(loaded.stdout.trim().split('\n').pop() as string);
        expect(result.contracts).to.have.members(['identity', 'org.hyperledger.fabric']);
        expect(result.transactions).to.include.members(['RegisterPerson', 'IssueCredential', 'GetDid']);
        expect(result.schemas).to.include('DidDocument');
        expect(result).to.include({ classTransformer: '0.4.0', classToPlain: 'function' });
        expect(result.fabricShim).to.equal(join(src, 'node_modules', 'fabric-shim', 'index.js'));
        expect(result.nobleHashes).to.equal(join(src, 'node_modules', '@noble', 'hashes', 'sha2.js'));

        const start = runIn(src, 'npm', ['start', '--', '--help']);
        expect(start.status, start.stderr).to.equal(0);
        expect(start.stdout).to.include('--peer.address');
      } finally {
        clean.remove();
      }
    });
  }
});

describe('buildNodePackage refusals', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => (folder = temporaryFolder('node-refusal')));
  afterEach(() => folder.remove());

  const refusal = (chaincodeDir: string) =>
    buildNodePackage({ chaincodeDir, label: 'x_1', outFile: join(folder.dir, 'x.tar.gz') }).then(
      () => expect.fail('the package was built'),
      (error: unknown) => error as ChaincodePackageError,
    );

  it('refuses a chaincode that is not compiled yet', async () => {
    writeFileSync(
      join(folder.dir, 'package.json'),
      JSON.stringify({ name: 'x', version: '1.0.0', main: 'dist/index.js' }),
    );
    const error = await refusal(folder.dir);
    expect(error.code).to.equal('CHAINCODE_NOT_BUILT');
    expect(error.message).to.include('npx tsc -b');
  });

  it('refuses a chaincode importing a registry package that its package.json does not declare', async () => {
    writeFileSync(
      join(folder.dir, 'package.json'),
      JSON.stringify({ name: 'x', version: '1.0.0', main: 'index.js' }),
    );
    writeFileSync(
      join(folder.dir, 'index.js'),
      "module.exports.contracts = [require('fabric-contract-api').Contract];\n",
    );
    mkdirSync(join(folder.dir, 'node_modules'));
    symlinkSync(
      join(repoRoot, 'node_modules', 'fabric-contract-api'),
      join(folder.dir, 'node_modules', 'fabric-contract-api'),
    );
    const error = await refusal(folder.dir);
    expect(error.code).to.equal('UNDECLARED_DEPENDENCY');
    expect(error.message).to.include('fabric-contract-api');
  });
});
