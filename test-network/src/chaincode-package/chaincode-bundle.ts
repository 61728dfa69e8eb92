/**
 * Bundles a compiled chaincode with the workspace packages it imports (chaincode-common, proofs), which
 * exist in this repository only and which a peer's `npm install` could never fetch. Packages
 * installed from the registry stay `require` calls, to be installed as real dependencies.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join, sep } from 'node:path';

import { build, type Plugin } from 'esbuild';

import { ChaincodePackageError } from './errors';

export interface ChaincodeBundle {
  /** One CommonJS file holding the chaincode and the workspace packages it imports. */
  code: string;
  /** Registry packages the bundle `require`s at run time, by package name. */
  externals: string[];
  /** Folders of the workspace packages bundled into `code`, the chaincode's own first. */
  workspacePackageDirs: string[];
}

/**
 * Fabric v2.5's Node chaincode image runs Node 18; the bundle must not need anything newer.
 */
const TARGET = 'node18';

/**
 * Bundles `<chaincodeDir>/<main>`. The entry is tsc's output rather than the TypeScript source
 * because fabric-contract-api describes parameters and return types from `design:*` decorator
 * metadata, which tsc emits (`emitDecoratorMetadata`) and esbuild does not.
 */
export async function bundleChaincode(chaincodeDir: string, main: string): Promise<ChaincodeBundle> {
  const entry = join(chaincodeDir, main);
  if (!existsSync(entry)) {
    throw new ChaincodePackageError(
      'CHAINCODE_NOT_BUILT',
      `${entry} does not exist: build the chaincode first (npx tsc -b ${chaincodeDir})`,
    );
  }
  const externals = new Set<string>();
  const workspacePackageDirs = new Set<string>([chaincodeDir]);
  const result = await build({
    entryPoints: [entry],
    // Paths in the bundle's comments are relative to this folder, so they do not depend on where
    // the repository is checked out and the package id stays the same on every machine.
    absWorkingDir: chaincodeDir,
    bundle: true,
    platform: 'node',
    target: TARGET,
    format: 'cjs',
    // fabric-contract-api names contracts and schema types after their classes.
    keepNames: true,
    write: false,
    logLevel: 'silent',
    plugins: [splitWorkspaceFromRegistry(externals, workspacePackageDirs)],
  }).catch((error: unknown) => {
    throw new ChaincodePackageError('BUNDLE_FAILED', `could not bundle ${entry}: ${String(error)}`);
  });
  const [output] = result.outputFiles;
  return {
    code: output.text,
    externals: [...externals].sort(),
    workspacePackageDirs: [...workspacePackageDirs],
  };
}

/**
 * A bare import resolving into a `node_modules` folder is a registry package and stays external;
 * one resolving elsewhere (npm links workspaces into node_modules, esbuild follows the link) is
 * a workspace package and is bundled.
 */
function splitWorkspaceFromRegistry(externals: Set<string>, workspaceDirs: Set<string>): Plugin {
  return {
    name: 'cityledger-workspace-packages',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (isBuiltin(args.path) || args.pluginData === 'resolving') return undefined;
        const resolved = await pluginBuild.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: 'resolving',
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        if (resolved.path.split(sep).includes('node_modules')) {
          externals.add(packageName(args.path));
          return { path: args.path, external: true };
        }
        workspaceDirs.add(await packageDirOf(resolved.path));
        return { path: resolved.path };
      });
    },
  };
}

/** `@scope/name/sub/path` → `@scope/name`, `name/sub` → `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

async function packageDirOf(file: string): Promise<string> {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    // A package.json without a name (e.g. {"type": "module"} in dist/) does not start a package.
    if (existsSync(manifest) && (JSON.parse(await readFile(manifest, 'utf8')) as { name?: string }).name) {
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json above ${file}`);
  }
}
