import { join } from 'node:path';
import type { Consortium } from '@cityledger/network';

/** Where a node listens. Every node is a local process today; a member's own host changes only `host`. */
export interface NodeAddresses {
  host: string;
  port: number;
  operationsPort: number;
}

export interface OrdererLayout extends NodeAddresses {
  kind: 'orderer';
  mspId: string;
  name: string;
  hostname: string;
  adminPort: number;
  directory: string;
}

export interface PeerLayout extends NodeAddresses {
  kind: 'peer';
  mspId: string;
  name: string;
  hostname: string;
  chaincodePort: number;
  channels: string[];
  directory: string;
}

/** One chaincode server process: an org runs one per chaincode its peer hosts (for all its channels). */
export interface ChaincodeServerLayout {
  mspId: string;
  chaincode: string;
  host: string;
  port: number;
  /** Process name, e.g. `cc-identity.city`. */
  name: string;
}

export interface NetworkLayout {
  workDir: string;
  basePort: number;
  cryptoDir: string;
  configDir: string;
  channelArtifactsDir: string;
  packagesDir: string;
  logsDir: string;
  processesDir: string;
  orderers: OrdererLayout[];
  peers: PeerLayout[];
  chaincodeServers: ChaincodeServerLayout[];
}

const LOCALHOST = '127.0.0.1';
/** Ports are laid out from one base so that two networks on one machine need only two bases. */
export const DEFAULT_BASE_PORT = 17000;

/**
 * Derives every address and folder of the network from the consortium, deterministically: the same
 * consortium and base port always give the same layout, so `up`, `deploy`, `status` and `down` agree
 * without sharing state beyond the work directory.
 */
export function networkLayout(
  consortium: Consortium,
  workDir: string,
  basePort = DEFAULT_BASE_PORT,
): NetworkLayout {
  const organizations = consortium.definition.organizations;
  const nodesDir = join(workDir, 'nodes');
  const orderers = organizations
    .flatMap((org) => org.orderers.map((name) => ({ org, name })))
    .map(({ org, name }, index): OrdererLayout => {
      const hostname = `${name}.${org.domain}`;
      const port = basePort + index * 10;
      return {
        kind: 'orderer',
        mspId: org.mspId,
        name,
        hostname,
        host: LOCALHOST,
        port,
        adminPort: port + 1,
        operationsPort: port + 2,
        directory: join(nodesDir, hostname),
      };
    });
  const peers = organizations
    .flatMap((org) => org.peers.map((name) => ({ org, name })))
    .map(({ org, name }, index): PeerLayout => {
      const hostname = `${name}.${org.domain}`;
      const port = basePort + 100 + index * 10;
      return {
        kind: 'peer',
        mspId: org.mspId,
        name,
        hostname,
        host: LOCALHOST,
        port,
        chaincodePort: port + 1,
        operationsPort: port + 2,
        channels: consortium.definition.channels
          .filter((channel) => channel.members.includes(org.mspId))
          .map((channel) => channel.name),
        directory: join(nodesDir, hostname),
      };
    });
  const chaincodeServers: ChaincodeServerLayout[] = [];
  for (const org of organizations.filter((o) => o.peers.length > 0)) {
    const chaincodes = new Set(
      consortium.definition.channels
        .filter((channel) => channel.members.includes(org.mspId))
        .flatMap((channel) => channel.chaincodes.map((cc) => cc.name)),
    );
    for (const chaincode of chaincodes) {
      chaincodeServers.push({
        mspId: org.mspId,
        chaincode,
        host: LOCALHOST,
        port: basePort + 200 + chaincodeServers.length,
        name: `cc-${chaincode}.${org.domain.split('.')[0]}`,
      });
    }
  }
  return {
    workDir,
    basePort,
    cryptoDir: join(workDir, 'crypto'),
    configDir: join(workDir, 'config'),
    channelArtifactsDir: join(workDir, 'channel-artifacts'),
    packagesDir: join(workDir, 'packages'),
    logsDir: join(workDir, 'logs'),
    processesDir: join(workDir, 'processes'),
    orderers,
    peers,
    chaincodeServers,
  };
}

export function endpointOf(node: { host: string; port: number }): string {
  return `${node.host}:${node.port}`;
}
