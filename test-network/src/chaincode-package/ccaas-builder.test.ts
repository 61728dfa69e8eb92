import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'chai';

import { ccaasBuilderPath, ccaasExternalBuilder } from './ccaas-builder';
import { buildCcaasPackage } from './ccaas-package';
import { extractTarGz, temporaryFolder } from './package-test-support';

/** Runs a builder script the way a peer does: by its path, with positional folders. */
function run(script: 'detect' | 'build' | 'release', ...args: string[]) {
  const result = spawnSync(join(ccaasBuilderPath(), 'bin', script), args, { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('the ccaas external builder', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  let source: string;
  let metadata: string;
  let output: string;
  let release: string;
  beforeEach(() => {
    folder = temporaryFolder('builder');
    [source, metadata, output, release] = ['source', 'metadata', 'output', 'release'].map((name) => {
      mkdirSync(join(folder.dir, name));
      return join(folder.dir, name);
    });
  });
  afterEach(() => folder.remove());

  const write = (dir: string, name: string, content: string) => {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  };

  it('is an absolute folder whose bin scripts are executable, named for core.yaml', () => {
    const builder = ccaasExternalBuilder();
    expect(builder.name).to.equal('cityledger-ccaas');
    expect(builder.path).to.equal(ccaasBuilderPath());
    for (const script of ['detect', 'build', 'release']) {
      expect(statSync(join(builder.path, 'bin', script)).mode & 0o111, script).to.equal(0o111);
    }
  });

  describe('detect', () => {
    it('claims a package whose metadata type is ccaas', () => {
      write(metadata, 'metadata.json', JSON.stringify({ type: 'ccaas', label: 'identity_1.0' }));
      expect(run('detect', source, metadata).status).to.equal(0);
    });

    it('leaves a node package to another builder', () => {
      write(metadata, 'metadata.json', JSON.stringify({ path: 'x', type: 'node', label: 'identity_1.0' }));
      expect(run('detect', source, metadata).status).to.equal(1);
    });

    it('leaves a package without readable metadata to another builder', () => {
      expect(run('detect', source, metadata).status).to.equal(1);
      write(metadata, 'metadata.json', '{not json');
      expect(run('detect', source, metadata).status).to.equal(1);
    });
  });

  describe('build', () => {
    it('keeps connection.json and META-INF in the build output', () => {
      write(source, 'connection.json', JSON.stringify({ address: 'localhost:9999', dial_timeout: '10s' }));
      write(source, 'META-INF/statedb/couchdb/indexes/byOwner.json', '{"index":{}}');
      expect(run('build', source, metadata, output)).to.deep.equal({ status: 0, stderr: '' });
      expect(JSON.parse(readFileSync(join(output, 'connection.json'), 'utf8')).address).to.equal(
        'localhost:9999',
      );
      expect(existsSync(join(output, 'META-INF/statedb/couchdb/indexes/byOwner.json'))).to.equal(true);
    });

    it('fails with a message when connection.json is missing', () => {
      const result = run('build', source, metadata, output);
      expect(result.status).to.equal(1);
      expect(result.stderr).to.match(/connection\.json not found/);
    });

    it('fails with a message when connection.json is not JSON', () => {
      write(source, 'connection.json', 'address=localhost:9999');
      const result = run('build', source, metadata, output);
      expect(result.status).to.equal(1);
      expect(result.stderr).to.match(/is not JSON/);
    });

    it('fails with a message when connection.json has no host:port address', () => {
      for (const connection of [{ dial_timeout: '10s' }, { address: 'localhost' }, [1]]) {
        write(source, 'connection.json', JSON.stringify(connection));
        const result = run('build', source, metadata, output);
        expect(result.status, JSON.stringify(connection)).to.equal(1);
        expect(result.stderr).to.match(/address|JSON object/);
      }
      expect(existsSync(join(output, 'connection.json'))).to.equal(false);
    });
  });

  describe('release', () => {
    it('hands connection.json to the peer under chaincode/server and indexes under statedb', () => {
      write(output, 'connection.json', '{"address":"localhost:9999"}');
      write(output, 'META-INF/statedb/couchdb/indexes/byOwner.json', '{"index":{}}');
      expect(run('release', output, release).status).to.equal(0);
      expect(readFileSync(join(release, 'chaincode/server/connection.json'), 'utf8')).to.equal(
        '{"address":"localhost:9999"}',
      );
      expect(existsSync(join(release, 'statedb/couchdb/indexes/byOwner.json'))).to.equal(true);
    });

    it('fails with a message when the build output has no connection.json', () => {
      const result = run('release', output, release);
      expect(result.status).to.equal(1);
      expect(result.stderr).to.match(/connection\.json not found/);
    });
  });

  it('detects, builds and releases a package from buildCcaasPackage', async () => {
    const built = await buildCcaasPackage({
      chaincode: 'identity',
      label: 'identity_1.0',
      address: '127.0.0.1:9999',
      outFile: join(folder.dir, 'identity.tar.gz'),
    });
    extractTarGz(built.file, metadata);
    extractTarGz(join(metadata, 'code.tar.gz'), source);
    expect(run('detect', source, metadata).status).to.equal(0);
    expect(run('build', source, metadata, output).status).to.equal(0);
    expect(run('release', output, release).status).to.equal(0);
    expect(JSON.parse(readFileSync(join(release, 'chaincode/server/connection.json'), 'utf8'))).to.deep.equal(
      {
        address: '127.0.0.1:9999',
        dial_timeout: '10s',
        tls_required: false,
      },
    );
  });
});
