import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
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

/** Which Fabric line a network profile runs on: Raft on v2.5, SmartBFT on v3. */
export interface FabricLine {
  /** As people say it, e.g. `v2.5`. */
  name: string;
  accepts(version: string): boolean;
}

export const FABRIC_2_5: FabricLine = { name: 'v2.5', accepts: (version) => version.startsWith('2.5.') };
export const FABRIC_3: FabricLine = { name: 'v3', accepts: (version) => /^3\.\d+\.\d+/.test(version) };

export interface FindFabricReleaseOptions {
  line?: FabricLine;
  /**
   * Folders where release folders named `fabric*` (e.g. `/opt/fabric-3.1`, `~/fabric-samples`) are
   * looked for after `PATH`, so a machine with a v2.5 and a v3 release finds each for its profile.
   */
  searchRoots?: string[];
}

/**
 * Finds the Fabric binaries the way a member's machine has them: `FABRIC_HOME` when set (it must
 * be of the wanted line), else the `peer` on `PATH` with the release's `config/` beside its `bin/`
 * (following a symlinked `peer` to the release it belongs to), else a release folder named
 * `fabric*` in `/opt`, `/usr/local` or the home folder — the first of the wanted line.
 *
 * @throws FabricReleaseNotFoundError saying what is missing and where it looked.
 */
export function findFabricRelease(
  env: NodeJS.ProcessEnv = process.env,
  options: FindFabricReleaseOptions = {},
): FabricRelease {
  const line = options.line ?? FABRIC_2_5;
  const home = env.FABRIC_HOME;
  if (home) {
    const release = releaseAt(resolve(home, 'bin'), resolve(home, 'config'), `FABRIC_HOME=${home}`);
    if (!line.accepts(release.version)) {
      throw new FabricReleaseNotFoundError(
        `FABRIC_HOME=${home}: Fabric ${release.version} found, this network needs ${line.name}; ` +
          `point FABRIC_HOME at a ${line.name} release`,
      );
    }
    return release;
  }
  const seen: string[] = [];
  const problems: string[] = [];
  for (const candidate of candidates(env, options.searchRoots ?? defaultSearchRoots(env))) {
    try {
      const release = candidate();
      if (line.accepts(release.version)) return release;
      seen.push(`Fabric ${release.version} in ${dirname(release.binDir)}`);
    } catch (error) {
      if (!(error instanceof FabricReleaseNotFoundError)) throw error;
      problems.push(error.message);
    }
  }
  const found = seen.length > 0 ? ` (found only ${seen.join(', ')})` : '';
  const why = problems.length > 0 ? `; ${problems.join('; ')}` : '';
  throw new FabricReleaseNotFoundError(
    `no Fabric ${line.name} release found${found}: set FABRIC_HOME to a release folder ` +
      `(bin/ and config/) or put its bin/ on PATH${why}`,
  );
}

function defaultSearchRoots(env: NodeJS.ProcessEnv): string[] {
  return ['/opt', '/usr/local', ...(env.HOME ? [env.HOME] : [])];
}

/** Each candidate release, in search order, as a thunk so that a broken one does not hide the next. */
function* candidates(env: NodeJS.ProcessEnv, searchRoots: string[]): Generator<() => FabricRelease> {
  const peer = (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'peer'))
    .find((candidate) => existsSync(candidate));
  if (peer) {
    yield () => {
      const binDirs = [dirname(peer), dirname(realpathSync(peer))];
      const withConfig = binDirs.find((binDir) => existsSync(join(binDir, '..', 'config', 'core.yaml')));
      if (!withConfig) {
        throw new FabricReleaseNotFoundError(
          `found ${peer} on PATH but no release config beside it (${binDirs
            .map((binDir) => join(binDir, '..', 'config', 'core.yaml'))
            .join(' or ')})`,
        );
      }
      return releaseAt(withConfig, resolve(withConfig, '..', 'config'), `peer on PATH (${peer})`);
    };
  }
  for (const root of searchRoots) {
    if (!existsSync(root)) continue;
    const folders = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name.startsWith('fabric'))
      .map((entry) => join(root, entry.name))
      .filter((folder) => existsSync(join(folder, 'bin', 'peer')))
      .sort()
      .reverse();
    for (const folder of folders) {
      yield () => releaseAt(join(folder, 'bin'), join(folder, 'config'), folder);
    }
  }
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
  return { binDir, configDir, version, command: (name) => binaries.get(name)! };
}
