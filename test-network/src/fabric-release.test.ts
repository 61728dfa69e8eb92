import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FABRIC_3, FABRIC_COMMANDS, FabricReleaseNotFoundError, findFabricRelease } from './fabric-release';

/** A release-shaped folder whose `peer` reports `version`; the other commands only need to exist. */
function fakeRelease(root: string, version = '2.5.16'): string {
  const home = join(root, `fabric-${version}`);
  mkdirSync(join(home, 'bin'), { recursive: true });
  mkdirSync(join(home, 'config'), { recursive: true });
  for (const command of FABRIC_COMMANDS) {
    const file = join(home, 'bin', command);
    writeFileSync(file, `#!/bin/sh\necho "${command}:"\necho " Version: ${version}"\n`);
    chmodSync(file, 0o755);
  }
  writeFileSync(join(home, 'config', 'core.yaml'), 'peer: {}\n');
  writeFileSync(join(home, 'config', 'orderer.yaml'), 'General: {}\n');
  return home;
}

describe('finding the Fabric release', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'fabric-release-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('uses FABRIC_HOME first, with its bin/ and config/', () => {
    const home = fakeRelease(root);
    const release = findFabricRelease({ FABRIC_HOME: home, PATH: '' });
    expect(release.version).to.equal('2.5.16');
    expect(release.command('osnadmin')).to.equal(join(home, 'bin', 'osnadmin'));
    expect(release.configDir).to.equal(join(home, 'config'));
  });

  it('names the missing command when FABRIC_HOME is incomplete', () => {
    const home = fakeRelease(root);
    rmSync(join(home, 'bin', 'configtxgen'));
    expect(() => findFabricRelease({ FABRIC_HOME: home })).to.throw(
      FabricReleaseNotFoundError,
      /configtxgen is missing/,
    );
  });

  it('follows a symlinked peer on PATH to the release that holds config/', () => {
    const home = fakeRelease(root);
    const onPath = join(root, 'usr-local-bin');
    mkdirSync(onPath);
    for (const command of FABRIC_COMMANDS) symlinkSync(join(home, 'bin', command), join(onPath, command));
    const release = findFabricRelease({ PATH: `/nonexistent:${onPath}` }, { searchRoots: [] });
    expect(release.binDir).to.equal(join(home, 'bin'));
    expect(release.configDir).to.equal(join(home, 'config'));
  });

  it('says how to install one when neither FABRIC_HOME nor PATH has Fabric', () => {
    expect(() => findFabricRelease({ PATH: join(root, 'empty') }, { searchRoots: [] })).to.throw(
      FabricReleaseNotFoundError,
      /no Fabric v2\.5 release found: set FABRIC_HOME to a release folder \(bin\/ and config\/\) or put its bin\/ on PATH/,
    );
  });

  it('refuses a FABRIC_HOME of another line than the profile needs', () => {
    const home = fakeRelease(root, '3.1.5');
    expect(() => findFabricRelease({ FABRIC_HOME: home })).to.throw(
      FabricReleaseNotFoundError,
      /Fabric 3\.1\.5 found, this network needs v2\.5/,
    );
    expect(findFabricRelease({ FABRIC_HOME: home }, { line: FABRIC_3 }).version).to.equal('3.1.5');
  });

  it('finds a v3 release in a search root when the peer on PATH is v2.5', () => {
    const v25 = fakeRelease(root, '2.5.16');
    const roots = join(root, 'opt');
    mkdirSync(roots);
    const v3 = fakeRelease(roots, '3.1.5');
    const env = { PATH: join(v25, 'bin') };
    expect(findFabricRelease(env, { searchRoots: [roots] }).binDir).to.equal(join(v25, 'bin'));
    expect(findFabricRelease(env, { line: FABRIC_3, searchRoots: [roots] }).binDir).to.equal(join(v3, 'bin'));
  });

  it('lists what it found when no release of the wanted line is installed', () => {
    const v25 = fakeRelease(root, '2.5.16');
    expect(() => findFabricRelease({ PATH: join(v25, 'bin') }, { line: FABRIC_3, searchRoots: [] })).to.throw(
      FabricReleaseNotFoundError,
      /no Fabric v3 release found \(found only Fabric 2\.5\.16 in /,
    );
  });
});
