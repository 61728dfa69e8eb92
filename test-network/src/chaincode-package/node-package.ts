/**
 * `type: node` packages, which a peer's Node builder installs (`npm install --production`, or
 * `npm ci` when a lockfile is present) and starts (`npm start`) itself.
 *
 * The package's `src/` holds:
 * - `index.js`: the chaincode bundled with the workspace packages it imports (chaincode-common,
 *   proofs, voter), which are not published anywhere a peer could install them from;
 * - `package.json`: the registry dependencies (fabric-contract-api, fabric-shim, and the bundled
 *   workspace packages' own, such as @noble/hashes for proofs) pinned to the
 *   versions installed here, `start` = `fabric-chaincode-node start`;
 * - `package-lock.json` + `vendor/*.tgz`: every registry package of the dependency tree, so the
 *   install needs no network.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

import { bundleChaincode } from './chaincode-bundle';
import { ChaincodePackageError } from './errors';
import { writeChaincodePackage, type ChaincodePackage } from './fabric-package';
import {
  installedDependencyTree,
  isRegistryPackage,
  readManifest,
  resolveInstalled,
  type InstalledPackage,
} from './installed-dependencies';
import type { ArchiveFile } from './tar-archive';
import { vendorDependencies, type LockedPackage } from './vendored-dependencies';

export interface NodePackageOptions {
  /** The chaincode's workspace folder, e.g. `<repo>/chaincode/identity`, built with tsc. */
  chaincodeDir: string;
  /** The package label, e.g. `identity_1.0`. */
  label: string;
  /** Where to write the package (parent folders are created). */
  outFile: string;
}

/**
 * Versions the package pins whatever its dependencies ask for. class-transformer 0.4.1 lacks
 * `classToPlain`, and fabric-contract-api 2.5.8 (asking for ^0.4.0) then fails every transaction
 * that returns an object, GetMetadata included. fabric-protos is the one copy the whole project
 * runs (the repository root overrides fabric-shim's ^0.2.2 so that the shim and the Fabric Gateway
 * client share it); the package ships and pins that same version.
 */
export const PINNED_VERSIONS: Readonly<Record<string, string>> = {
  'class-transformer': '0.4.0',
  '@hyperledger/fabric-protos': '0.3.7',
};

/** The scripts a peer (`start`) or a chaincode-as-a-service host (`server`) runs. */
const SCRIPTS = { start: 'fabric-chaincode-node start', server: 'fabric-chaincode-node server' };

/** The package never asks the registry anything, not even for an audit a peer has no use for. */
const NPMRC = 'audit=false\nfund=false\nupdate-notifier=false\n';

/**
 * Writes a `type: node` package of the chaincode in `chaincodeDir`. Needs the chaincode compiled
 * (`dist/`) and the workspace's dependencies installed; the bytes depend only on those files.
 *
 * @example
 * const { file, packageId } = await buildNodePackage({
 *   chaincodeDir: join(repoRoot, 'chaincode', 'identity'),
 *   label: 'identity_1.0',
 *   outFile: '/tmp/packages/identity-node.tar.gz',
 * });
 */
export async function buildNodePackage(options: NodePackageOptions): Promise<ChaincodePackage> {
  const chaincodeDir = resolve(options.chaincodeDir);
  const manifest = readManifest(chaincodeDir);
  const bundle = await bundleChaincode(chaincodeDir, manifest.main ?? 'index.js');

  const dependencies = registryDependencies(bundle.workspacePackageDirs);
  const undeclared = bundle.externals.filter((name) => !dependencies.has(name));
  if (undeclared.length > 0) {
    throw new ChaincodePackageError(
      'UNDECLARED_DEPENDENCY',
      `${manifest.name} imports ${undeclared.join(', ')}, which no bundled package.json declares`,
    );
  }
  const tree = installedDependencyTree(chaincodeDir, [...dependencies.keys()].sort());
  assertPinnedVersions(tree);
  const vendored = await vendorDependencies(tree);

  const topLevel = Object.fromEntries(
    [...dependencies.keys()].sort().map((name) => [name, versionAt(tree, `node_modules/${name}`)]),
  );
  const packageJson = {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    private: true,
    license: manifest.license,
    main: 'index.js',
    scripts: SCRIPTS,
    dependencies: topLevel,
    overrides: PINNED_VERSIONS,
  };
  const code: ArchiveFile[] = [
    { path: 'src/package.json', content: json(packageJson) },
    { path: 'src/package-lock.json', content: json(packageLock(packageJson, vendored.locked)) },
    { path: 'src/.npmrc', content: NPMRC },
    { path: 'src/index.js', content: bundle.code },
    ...vendored.tarballs.map((t) => ({ path: `src/${t.path}`, content: t.content })),
    ...(await metaInf(chaincodeDir)),
  ];
  return writeChaincodePackage(
    options.outFile,
    { path: `chaincode/${basename(chaincodeDir)}`, type: 'node', label: options.label },
    code,
  );
}

/**
 * Registry packages declared by the bundled packages, by name; workspace packages (bundled
 * themselves) are left out. Every declaring package must load the same installed copy, since
 * the bundle loads one for all.
 */
function registryDependencies(packageDirs: readonly string[]): Map<string, string> {
  const dependencies = new Map<string, string>();
  for (const dir of packageDirs) {
    for (const name of Object.keys(readManifest(dir).dependencies ?? {})) {
      const installed = resolveInstalled(name, dir);
      if (!installed) {
        throw new ChaincodePackageError(
          'DEPENDENCY_NOT_INSTALLED',
          `${name}, needed by ${dir}, is not installed`,
        );
      }
      if (!isRegistryPackage(installed)) continue;
      const seen = dependencies.get(name);
      if (seen && seen !== installed) {
        throw new ChaincodePackageError(
          'DEPENDENCY_LAYOUT_CONFLICT',
          `the bundle would load one ${name}, but the bundled packages use two: ${seen} and ${installed}`,
        );
      }
      dependencies.set(name, installed);
    }
  }
  return dependencies;
}

function assertPinnedVersions(tree: readonly InstalledPackage[]): void {
  for (const { manifest, dir } of tree) {
    const pinned = PINNED_VERSIONS[manifest.name];
    if (pinned && manifest.version !== pinned) {
      throw new ChaincodePackageError(
        'PINNED_VERSION_MISMATCH',
        `${dir} is ${manifest.name} ${manifest.version}; the package pins ${pinned} (npm overrides at the repository root)`,
      );
    }
  }
}

function versionAt(tree: readonly InstalledPackage[], location: string): string {
  const installed = tree.find((p) => p.location === location);
  if (!installed) throw new Error(`no package at ${location}`);
  return installed.manifest.version;
}

function packageLock(
  root: { name: string; version: string; license?: unknown; dependencies: Record<string, string> },
  locked: Record<string, LockedPackage>,
): unknown {
  const { name, version, license, dependencies } = root;
  return {
    name,
    version,
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name, version, license, dependencies }, ...locked },
  };
}

/** CouchDB index definitions and other chaincode metadata, when the chaincode has any. */
async function metaInf(chaincodeDir: string): Promise<ArchiveFile[]> {
  const root = join(chaincodeDir, 'META-INF');
  if (!existsSync(root)) return [];
  const files: ArchiveFile[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.push({
      path: `META-INF/${path
        .slice(root.length + 1)
        .split('\\')
        .join('/')}`,
      content: await readFile(path),
    });
  }
  return files;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
