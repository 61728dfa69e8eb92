/**
 * The registry packages a chaincode needs at run time, found where npm installed them in this
 * workspace, with the place each one takes in the package's own `node_modules` tree.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';

import { ChaincodePackageError } from './errors';

/** The package.json fields that matter to installing a package. */
export interface PackageManifest {
  name: string;
  version: string;
  description?: string;
  license?: unknown;
  main?: string;
  bin?: string | Record<string, string>;
  scripts?: Record<string, string>;
  engines?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** One installed package in the dependency tree of a chaincode package. */
export interface InstalledPackage {
  manifest: PackageManifest;
  /** Real folder of the installed copy. */
  dir: string;
  /** Its place in the package's tree, a lockfile key: `node_modules/a/node_modules/b`. */
  location: string;
}

export function readManifest(dir: string): PackageManifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageManifest;
}

/**
 * Where Node resolves package `name` from folder `from`, or undefined when it is not installed.
 */
export function resolveInstalled(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    // Node never looks for node_modules/node_modules.
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** A package npm installed from a registry, as opposed to a workspace npm linked into node_modules. */
export function isRegistryPackage(realDir: string): boolean {
  return realDir.split(sep).includes('node_modules');
}

/**
 * The tree of registry packages that `topLevel` (resolved from `fromDir`) need at run time:
 * dependencies, installed optional dependencies and required peer dependencies.
 *
 * The tree copies the workspace's own layout below its top level, so every package finds the
 * very copy it uses in the workspace; the result is checked by resolving every dependency again
 * inside the new tree.
 */
export function installedDependencyTree(fromDir: string, topLevel: readonly string[]): InstalledPackage[] {
  const byLocation = new Map<string, InstalledPackage>();
  const queue: InstalledPackage[] = [];
  const place = (dir: string, location: string): void => {
    const existing = byLocation.get(location);
    if (existing) {
      if (existing.dir !== dir) {
        throw new ChaincodePackageError(
          'DEPENDENCY_LAYOUT_CONFLICT',
          `two installed copies would take ${location} in the package: ${existing.dir} and ${dir}`,
        );
      }
      return;
    }
    const installed = { manifest: readManifest(dir), dir, location };
    byLocation.set(location, installed);
    queue.push(installed);
  };

  for (const name of topLevel) {
    const dir = resolveInstalled(name, fromDir);
    if (!dir) throw notInstalled(name, fromDir);
    place(dir, `node_modules/${name}`);
  }
  while (queue.length > 0) {
    const parent = queue.shift() as InstalledPackage;
    for (const [name, optional] of runtimeDependencies(parent.manifest)) {
      const dir = resolveInstalled(name, parent.dir);
      if (!dir) {
        if (optional) continue;
        throw notInstalled(name, parent.dir);
      }
      place(dir, mirroredLocation(parent, dir, name));
    }
  }

  const tree = [...byLocation.values()].sort((a, b) => (a.location < b.location ? -1 : 1));
  assertResolvesAsInWorkspace(tree, byLocation);
  return tree;
}

/** Dependency names with whether a missing copy is acceptable. */
function runtimeDependencies(manifest: PackageManifest): Map<string, boolean> {
  const names = new Map<string, boolean>();
  for (const name of Object.keys(manifest.peerDependencies ?? {})) {
    names.set(name, manifest.peerDependenciesMeta?.[name]?.optional === true);
  }
  for (const name of Object.keys(manifest.optionalDependencies ?? {})) names.set(name, true);
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    if (!names.has(name)) names.set(name, false);
  }
  return names;
}

/**
 * The location of `name`, installed at `dir`, as seen from `parent`: the same path relative to
 * the parent as in the workspace, or the top level when the workspace copy sits above the part
 * of the workspace tree the package mirrors (the hoisted root node_modules).
 */
function mirroredLocation(parent: InstalledPackage, dir: string, name: string): string {
  const holder = dirname(name.startsWith('@') ? dirname(dirname(dir)) : dirname(dir));
  const fromHolder = relative(holder, parent.dir).split(sep).join('/');
  const parentSegments = parent.location.split('/');
  const holderSegments = fromHolder === '' ? [] : fromHolder.split('/');
  const tail = parentSegments.slice(parentSegments.length - holderSegments.length).join('/');
  if (holderSegments.length < parentSegments.length && tail === holderSegments.join('/')) {
    const holderLocation = parentSegments.slice(0, parentSegments.length - holderSegments.length).join('/');
    return `${holderLocation}/node_modules/${name}`;
  }
  return `node_modules/${name}`;
}

function assertResolvesAsInWorkspace(
  tree: InstalledPackage[],
  byLocation: Map<string, InstalledPackage>,
): void {
  for (const installed of tree) {
    for (const [name] of runtimeDependencies(installed.manifest)) {
      const expected = resolveInstalled(name, installed.dir);
      if (!expected) continue;
      const found = resolveInTree(byLocation, installed.location, name);
      if (found?.dir !== expected) {
        throw new ChaincodePackageError(
          'DEPENDENCY_LAYOUT_CONFLICT',
          `${installed.manifest.name} at ${installed.location} would load ${name} from ` +
            `${found?.location ?? 'nowhere'} in the package instead of ${expected}`,
        );
      }
    }
  }
}

function resolveInTree(
  byLocation: Map<string, InstalledPackage>,
  from: string,
  name: string,
): InstalledPackage | undefined {
  const segments = from.split('/');
  for (let length = segments.length; length >= 0; length--) {
    const dir = segments.slice(0, length);
    if (dir[dir.length - 1] === 'node_modules') continue;
    const found = byLocation.get([...dir, 'node_modules', name].join('/'));
    if (found) return found;
  }
  return undefined;
}

function notInstalled(name: string, from: string): ChaincodePackageError {
  return new ChaincodePackageError(
    'DEPENDENCY_NOT_INSTALLED',
    `${name} is not installed where ${from} would load it (run npm install at the repository root)`,
  );
}
