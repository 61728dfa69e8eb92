import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FabricTestNetwork,
  NETWORK_PROFILES,
  type NetworkProfileName,
  runsOnLoopback,
} from '../fabric-test-network';
import { freeBasePort } from './port-range';
import { processAlive } from '../process-supervisor';

/**
 * The one network of a `npm run test:fabric` run, stood up from nothing before the first test and
 * taken down after the last (mocha root hooks, loaded with `--require`). Suites find it through
 * `FABRIC_NETWORK_DIR`, as the gateway does; `down` must leave no process behind.
 */
let network: FabricTestNetwork | undefined;
const pids = new Set<number>();

/** The running network; remembers its processes so the final check can tell nothing survived. */
export function sharedNetwork(): FabricTestNetwork {
  if (!network)
    throw new Error('the Fabric network fixture is not loaded (mocha --require …/fabric-network-fixture.js)');
  return network;
}

/** Call after restarting a process, so its new PID is checked at the end too. */
export function rememberProcesses(): void {
  for (const name of network?.supervisor.names() ?? []) {
    const pid = network!.supervisor.pid(name);
    if (pid) pids.add(pid);
  }
}

/** `npm run test:fabric -- --profile bft` sets FABRIC_PROFILE; the default is Raft. */
export function fixtureProfile(): NetworkProfileName {
  const profile = process.env.FABRIC_PROFILE ?? 'raft';
  if (!NETWORK_PROFILES.includes(profile as NetworkProfileName)) {
    throw new Error(`FABRIC_PROFILE must be one of ${NETWORK_PROFILES.join(', ')}, got ${profile}`);
  }
  return profile as NetworkProfileName;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(5 * 60_000);
    const workDir = mkdtempSync(join(tmpdir(), 'cityledger-fabric-'));
    const profile = fixtureProfile();
    network = FabricTestNetwork.open({
      workDir,
      profile,
      // Org hosts have addresses of their own; only loopback needs free ports.
      ...(runsOnLoopback(profile) ? { basePort: await freeBasePort() } : {}),
    });
    process.env.FABRIC_NETWORK_DIR = workDir;
    await network.up();
    await network.deploy();
    rememberProcesses();
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(2 * 60_000);
    if (!network) return;
    rememberProcesses();
    await network.down();
    rmSync(network.layout.workDir, { recursive: true, force: true });
    const survivors = [...pids].filter(processAlive);
    if (survivors.length > 0) throw new Error(`processes left behind by down: ${survivors.join(', ')}`);
    const hosts = network.layout.bridge ? await network.hostNetwork.leftovers() : [];
    if (hosts.length > 0)
      throw new Error(`namespaces, bridge or files left behind by down: ${hosts.join(', ')}`);
  },
};
