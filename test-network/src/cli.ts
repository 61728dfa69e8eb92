#!/usr/bin/env node
import { resolve } from 'node:path';
import {
  FabricTestNetwork,
  NETWORK_PROFILES,
  type NetworkProfileName,
  fabricLineOf,
} from './fabric-test-network';
import { FabricReleaseNotFoundError, findFabricRelease } from './fabric-release';

const USAGE = `usage: network.sh <up|deploy|down|status|stop NODE|start NODE|release> [--profile raft|bft] [--dir DIR] [--base-port N]

  up        generate crypto, configtx and genesis blocks from network/consortium.yaml, start the
            orderers and one peer per member org, create both channels and join the peers
  deploy    package, install, approve and commit every chaincode (chaincode as a service) and
            start each org's chaincode servers
  down      stop every process and remove the work directory
  status    processes and, per peer and channel, the block height
  stop/start NODE   stop or restart one process (a node's host name or a chaincode server name)
  release   which Fabric release the profile would use (FABRIC_HOME, else the peer on PATH, else
            a fabric* release folder in /opt, /usr/local or your home folder)

  --profile P     raft (default): Fabric v2.5, three Raft orderers of the ordering org, on loopback
                  bft: Fabric v3, one SmartBFT orderer per member org, each org's nodes on its own
                  host (a network namespace on a private bridge; needs root)
                  Only up and release take it; other commands use the work directory's.
  --dir DIR       work directory (default: $FABRIC_NETWORK_DIR, else ./.fabric-network)
  --base-port N   first port of the raft layout (default: $FABRIC_BASE_PORT, else 17000)`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  let profile: NetworkProfileName | undefined;
  const profileAt = rest.indexOf('--profile');
  if (profileAt >= 0) {
    const value = rest.splice(profileAt, 2)[1];
    if (!NETWORK_PROFILES.includes(value as NetworkProfileName)) {
      throw new UsageError(
        `--profile must be one of ${NETWORK_PROFILES.join(', ')}, got ${value ?? 'nothing'}`,
      );
    }
    if (command !== 'up' && command !== 'release') {
      throw new UsageError(`--profile is chosen by up; ${command} uses the work directory's`);
    }
    profile = value as NetworkProfileName;
  }
  if (command === 'release') {
    const release = findFabricRelease(process.env, { line: fabricLineOf(profile ?? 'raft') });
    console.log(`Fabric ${release.version} (${release.binDir}, ${release.configDir})`);
    return;
  }
  let workDir = process.env.FABRIC_NETWORK_DIR ?? '.fabric-network';
  // Only `up` chooses ports; every other command uses those recorded in the work directory.
  let basePort =
    process.env.FABRIC_BASE_PORT && command === 'up' ? Number(process.env.FABRIC_BASE_PORT) : undefined;
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--dir') workDir = rest[++i];
    else if (rest[i] === '--base-port') basePort = Number(rest[++i]);
    else positional.push(rest[i]);
  }
  if (basePort !== undefined && !(Number.isInteger(basePort) && basePort > 1024 && basePort < 65000)) {
    throw new UsageError(`--base-port must be an integer between 1025 and 64999`);
  }
  const network = FabricTestNetwork.open({
    workDir: resolve(workDir),
    ...(basePort ? { basePort } : {}),
    ...(profile ? { profile } : {}),
    log: (line) => console.log(line),
  });
  switch (command) {
    case 'up':
      await network.up();
      console.log(`network up; FABRIC_NETWORK_DIR=${network.layout.workDir}`);
      return;
    case 'deploy':
      await network.deploy();
      console.log('chaincodes deployed');
      return;
    case 'down':
      await network.down();
      console.log(`network down; ${network.layout.workDir} removed`);
      return;
    case 'status':
      for (const name of network.supervisor.names()) {
        const pid = network.supervisor.pid(name);
        console.log(
          `${name.padEnd(40)} ${network.supervisor.isRunning(name) ? `running (pid ${pid})` : 'stopped'}`,
        );
      }
      for (const row of await network.heights()) {
        console.log(`${row.peer.padEnd(40)} ${row.channel.padEnd(8)} height ${row.height ?? 'unavailable'}`);
      }
      return;
    case 'stop':
    case 'start': {
      const name = positional[0];
      if (!name || !network.supervisor.names().includes(name)) {
        throw new UsageError(
          `${command} needs a process name, one of: ${network.supervisor.names().join(', ')}`,
        );
      }
      if (command === 'stop') await network.supervisor.stop(name);
      else network.supervisor.restart(name);
      console.log(`${name} ${command === 'stop' ? 'stopped' : 'started'}`);
      return;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`${error.message}\n\n${USAGE}`);
  else if (error instanceof FabricReleaseNotFoundError) console.error(error.message);
  else console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
