import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

/** The commands a CityLedger network needs from a Fabric release. */
export const FABRIC_COMMANDS = ['peer', 'orderer', 'configtxgen', 'osnadmin', 'configtxlator'] as const;
export type FabricCommand = (typeof FABRIC_COMMANDS)[number];

/** A Fabric release as members install it: `<home>/bin/<command>` and `<home>/config/{core,orderer}.yaml`. */
export interface FabricRelease {
  binDir: string;
  configDir: string;
  /** What `peer version` reports, e.g. `2.5.16`. */
  version: string;
  command(name: FabricCommand): string;
}

export class FabricReleaseNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FabricReleaseNotFoundError';
  }
}

/**
 * Finds the Fabric binaries the way a member's machine has them: `FABRIC_HOME` first, else the
 * `peer` on `PATH` with the release's `config/` beside its `bin/` (following a symlinked `peer` to
 * the release it belongs to).
 *
 * @throws FabricReleaseNotFoundError saying what is missing and where it looked.
 */
export function findFabricRelease(env: NodeJS.ProcessEnv = process.env): FabricRelease {
  const home = env.FABRIC_HOME;
  if (home) return releaseAt(resolve(home, 'bin'), resolve(home, 'config'), `FABRIC_HOME=${home}`);
  const peer = (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'peer'))
    .find((candidate) => existsSync(candidate));
  if (!peer) {
    throw new FabricReleaseNotFoundError(
      'no Fabric release found: set FABRIC_HOME to a release folder (bin/ and config/) or put its bin/ on PATH',
    );
  }
  const candidates = [dirname(peer), dirname(realpathSync(peer))];
  const withConfig = candidates.find((binDir) => existsSync(join(binDir, '..', 'config', 'core.yaml')));
  if (!withConfig) {
    throw new FabricReleaseNotFoundError(
      `found ${peer} on PATH but no release config beside it (${candidates
        .map((binDir) => join(binDir, '..', 'config', 'core.yaml'))
        .join(' or ')}); set FABRIC_HOME to the release folder`,
    );
  }
  return releaseAt(withConfig, resolve(withConfig, '..', 'config'), `peer on PATH (${peer})`);
}

function releaseAt(binDir: string, configDir: string, source: string): FabricRelease {
  // A symlinked command belongs to the release folder it points into.
  const binaries = new Map<FabricCommand, string>();
  for (const name of FABRIC_COMMANDS) {
    const onPath = join(binDir, name);
    if (!existsSync(onPath)) {
      throw new FabricReleaseNotFoundError(
        `${source}: ${onPath} is missing (a release has ${FABRIC_COMMANDS.join(', ')})`,
      );
    }
    binaries.set(name, onPath);
  }
  for (const file of ['core.yaml', 'orderer.yaml']) {
    if (!existsSync(join(configDir, file))) {
      throw new FabricReleaseNotFoundError(`${source}: ${join(configDir, file)} is missing`);
    }
  }
  const version = /Version:\s*(\S+)/.exec(
    execFileSync(binaries.get('peer')!, ['version'], { encoding: 'utf8' }),
  )?.[1];
  if (!version) throw new FabricReleaseNotFoundError(`${source}: \`peer version\` did not report a version`);
  if (!version.startsWith('2.5.')) {
    throw new FabricReleaseNotFoundError(`${source}: Fabric ${version} found, this network needs v2.5`);
  }
  return { binDir, configDir, version, command: (name) => binaries.get(name)! };
}
