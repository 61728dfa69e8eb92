/**
 * Registry dependencies carried inside a chaincode package as npm tarballs, with the
 * package-lock.json that points npm at them, so `npm install` / `npm ci` in the package folder
 * needs no registry at all.
 *
 * Why tarballs and a lockfile rather than a ready node_modules folder: Fabric's Node platform
 * accepts only regular files of mode 0644/0666 in a code package (no symlinks, no executable
 * bits), so `node_modules/.bin/fabric-chaincode-node` cannot be shipped; and npm, finding a
 * package whose bin links are missing, fetches it again from the registry. From a tarball npm
 * installs the package itself, links its bins, and checks the integrity recorded in the lockfile.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { InstalledPackage, PackageManifest } from './installed-dependencies';
import { tarGz, type ArchiveFile } from './tar-archive';

/** Folder of the tarballs inside the package's `src/`. */
export const VENDOR_DIR = 'vendor';

/** A `packages` entry of package-lock.json (lockfileVersion 3). */
export interface LockedPackage {
  version: string;
  resolved: string;
  integrity: string;
  license?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  hasInstallScript?: true;
}

export interface VendoredDependencies {
  /** The tarballs, at `vendor/<name>-<version>.tgz`. */
  tarballs: ArchiveFile[];
  /** Lockfile entries by location (`node_modules/...`). */
  locked: Record<string, LockedPackage>;
}

/**
 * Packs every package of `tree` as an npm tarball (`package/` + the installed files, without its
 * nested node_modules) and locks each location to its tarball. Copies of the same name and
 * version share one tarball.
 */
export async function vendorDependencies(tree: readonly InstalledPackage[]): Promise<VendoredDependencies> {
  const tarballs = new Map<string, ArchiveFile & { integrity: string }>();
  const locked: Record<string, LockedPackage> = {};
  for (const installed of tree) {
    const { manifest } = installed;
    const path = `${VENDOR_DIR}/${tarballName(manifest)}`;
    let tarball = tarballs.get(path);
    if (!tarball) {
      const content = tarGz(await packageFiles(installed.dir));
      tarball = {
        path,
        content,
        integrity: `sha512-${createHash('sha512').update(content).digest('base64')}`,
      };
      tarballs.set(path, tarball);
    }
    locked[installed.location] = lockedPackage(manifest, `file:${path}`, tarball.integrity);
  }
  return { tarballs: [...tarballs.values()].map(({ path, content }) => ({ path, content })), locked };
}

/** The name `npm pack` gives: `@grpc/grpc-js@1.2.3` → `grpc-grpc-js-1.2.3.tgz`. */
function tarballName(manifest: PackageManifest): string {
  return `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`;
}

async function packageFiles(dir: string): Promise<ArchiveFile[]> {
  const files: ArchiveFile[] = [];
  const walk = async (relativeDir: string): Promise<void> => {
    for (const name of await readdir(join(dir, relativeDir))) {
      const relativePath = relativeDir === '' ? name : `${relativeDir}/${name}`;
      // The package's own dependencies are separate entries of the tree.
      if (relativePath === 'node_modules') continue;
      const stats = await lstat(join(dir, relativePath));
      if (stats.isDirectory()) await walk(relativePath);
      else if (stats.isFile())
        files.push({ path: `package/${relativePath}`, content: await readFile(join(dir, relativePath)) });
      else throw new Error(`${join(dir, relativePath)} is neither a file nor a folder; it cannot be packed`);
    }
  };
  await walk('');
  return files;
}

function lockedPackage(manifest: PackageManifest, resolved: string, integrity: string): LockedPackage {
  const entry: LockedPackage = { version: manifest.version, resolved, integrity };
  if (typeof manifest.license === 'string') entry.license = manifest.license;
  for (const field of [
    'dependencies',
    'optionalDependencies',
    'peerDependencies',
    'peerDependenciesMeta',
  ] as const) {
    const value = manifest[field];
    if (value && Object.keys(value).length > 0) Object.assign(entry, { [field]: value });
  }
  const bin = binLinks(manifest);
  if (bin) entry.bin = bin;
  if (manifest.engines) entry.engines = manifest.engines;
  if (manifest.os) entry.os = manifest.os;
  if (manifest.cpu) entry.cpu = manifest.cpu;
  const scripts = manifest.scripts ?? {};
  if (scripts.preinstall || scripts.install || scripts.postinstall) entry.hasInstallScript = true;
  return entry;
}

/** `bin` as npm records it: a string names one command after the unscoped package name. */
function binLinks(manifest: PackageManifest): Record<string, string> | undefined {
  const bin =
    typeof manifest.bin === 'string'
      ? { [manifest.name.replace(/^@[^/]+\//, '')]: manifest.bin }
      : manifest.bin;
  if (!bin || Object.keys(bin).length === 0) return undefined;
  return Object.fromEntries(
    Object.entries(bin).map(([command, file]) => [command, file.replace(/^\.\//, '')]),
  );
}
