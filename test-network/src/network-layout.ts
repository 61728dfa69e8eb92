import { join } from 'node:path';
import type { Consortium } from '@cityledger/network';

/** Where a node listens and how it is reached. */
export interface NodeAddresses {
  /** The address the node listens on, which the machine running the network reaches it at. */
  host: string;
  /** The name other nodes and the org's admin commands dial: `127.0.0.1`, or the node's host name. */
  dialHost: string;
  port: number;
  operationsPort: number;
  /** The network namespace (the org's host) the node runs in; none on loopback. */
  namespace?: string;
}

/**
 * An organisation's own host: a network namespace with one address on the network's bridge, where
 * its peer, orderer and chaincode servers run, as on a member's own machine.
 */
export interface HostLayout {
  mspId: string;
  namespace: string;
  address: string;
  /** The veth pair joining the namespace to the bridge: `hostSide` is on the bridge. */
  hostSide: string;
  namespaceSide: string;
  /** Host names of the nodes on this host. */
  hostnames: string[];
}

/**
 * Where the nodes run: all on 127.0.0.1 with ports from a base, or each org on its own host (a
 * network namespace on a private bridge) with Fabric's usual ports.
 */
export type NodePlacement =
  | { kind: 'loopback'; basePort: number }
  | {
      kind: 'hosts';
      /** The first three octets of the bridge's /24, e.g. `10.213.7`. */
      subnet: string;
      /** Prefix of the namespace, bridge and veth names (at most 6 characters). */
      prefix: string;
    };

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
  dialHost: string;
  port: number;
  namespace?: string;
  /** Process name, e.g. `cc-identity.city`. */
  name: string;
}

export interface NetworkLayout {
  workDir: string;
  placement: NodePlacement;
  /** The org hosts and their bridge; empty on loopback. */
  hosts: HostLayout[];
  bridge?: { name: string; address: string };
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

/** Fabric's customary ports, used on each org's own host. */
const HOST_PORTS = {
  orderer: 7050,
  ordererAdmin: 7053,
  ordererOperations: 9443,
  peer: 7051,
  peerOperations: 9444,
  chaincodeServer: 9999,
};
/** A second node of the same org on one host shifts all its ports by this much. */
const HOST_PORT_STRIDE = 100;

/**
 * Derives every address and folder of the network from the consortium, deterministically: the same
 * consortium and placement always give the same layout, so `up`, `deploy`, `status` and `down`
 * agree without sharing state beyond the work directory.
 */
export function networkLayout(
  consortium: Consortium,
  workDir: string,
  placement: NodePlacement | number = DEFAULT_BASE_PORT,
): NetworkLayout {
  const where: NodePlacement =
    typeof placement === 'number' ? { kind: 'loopback', basePort: placement } : placement;
  const organizations = consortium.definition.organizations;
  const nodesDir = join(workDir, 'nodes');
  const hosts = where.kind === 'hosts' ? hostsOf(consortium, where) : [];
  const hostOf = (mspId: string) => hosts.find((host) => host.mspId === consortium.operatorOf(mspId));
  /** Loopback ports come from the base in node order; an org's own host uses Fabric's ports. */
  const addresses = (mspId: string, hostname: string, loopbackPort: number, hostPort: number) => {
    const host = hostOf(mspId);
    if (!host) return { host: LOCALHOST, dialHost: LOCALHOST, port: loopbackPort };
    return { host: host.address, dialHost: hostname, port: hostPort, namespace: host.namespace };
  };
  const basePort = where.kind === 'loopback' ? where.basePort : 0;
  const orderers = organizations
    .flatMap((org) => org.orderers.map((name, indexInOrg) => ({ org, name, indexInOrg })))
    .map(({ org, name, indexInOrg }, index): OrdererLayout => {
      const hostname = `${name}.${org.domain}`;
      const shift = indexInOrg * HOST_PORT_STRIDE;
      const at = addresses(org.mspId, hostname, basePort + index * 10, HOST_PORTS.orderer + shift);
      return {
        kind: 'orderer',
        mspId: org.mspId,
        name,
        hostname,
        ...at,
        adminPort: at.namespace ? HOST_PORTS.ordererAdmin + shift : at.port + 1,
        operationsPort: at.namespace ? HOST_PORTS.ordererOperations + shift : at.port + 2,
        directory: join(nodesDir, hostname),
      };
    });
  const peers = organizations
    .flatMap((org) => org.peers.map((name, indexInOrg) => ({ org, name, indexInOrg })))
    .map(({ org, name, indexInOrg }, index): PeerLayout => {
      const hostname = `${name}.${org.domain}`;
      const shift = indexInOrg * HOST_PORT_STRIDE;
      const at = addresses(org.mspId, hostname, basePort + 100 + index * 10, HOST_PORTS.peer + shift);
      return {
        kind: 'peer',
        mspId: org.mspId,
        name,
        hostname,
        ...at,
        chaincodePort: at.port + 1,
        operationsPort: at.namespace ? HOST_PORTS.peerOperations + shift : at.port + 2,
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
    let indexInOrg = 0;
    for (const chaincode of chaincodes) {
      const host = hostOf(org.mspId);
      // The peer dials its chaincode servers by address: their certificates name it.
      const address = host?.address ?? LOCALHOST;
      chaincodeServers.push({
        mspId: org.mspId,
        chaincode,
        host: address,
        dialHost: address,
        port: host ? HOST_PORTS.chaincodeServer + indexInOrg : basePort + 200 + chaincodeServers.length,
        ...(host ? { namespace: host.namespace } : {}),
        name: `cc-${chaincode}.${org.domain.split('.')[0]}`,
      });
      indexInOrg += 1;
    }
  }
  return {
    workDir,
    placement: where,
    hosts,
    ...(where.kind === 'hosts'
      ? { bridge: { name: `${where.prefix}br`, address: `${where.subnet}.1` } }
      : {}),
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

/**
 * One host per organisation that runs nodes for itself, addresses from .10 up in consortium order;
 * an ordering organisation's nodes run on the host of the member that operates them.
 */
function hostsOf(consortium: Consortium, where: { subnet: string; prefix: string }): HostLayout[] {
  const organizations = consortium.definition.organizations;
  return organizations
    .filter((org) => consortium.operatorOf(org.mspId) === org.mspId)
    .filter((org) => org.peers.length + org.orderers.length > 0)
    .map((operator, index) => ({
      mspId: operator.mspId,
      namespace: `${where.prefix}-${operator.domain.split('.')[0]}`,
      address: `${where.subnet}.${10 + index}`,
      hostSide: `${where.prefix}h${index}`,
      namespaceSide: `${where.prefix}n${index}`,
      hostnames: organizations
        .filter((org) => consortium.operatorOf(org.mspId) === operator.mspId)
        .flatMap((org) => [...org.orderers, ...org.peers].map((name) => `${name}.${org.domain}`)),
    }));
}

/** What other nodes and the org's admin commands dial. */
export function endpointOf(node: { dialHost: string; port: number }): string {
  return `${node.dialHost}:${node.port}`;
}

/** What the machine running the network (tests, the gateway) dials. */
export function listenEndpointOf(node: { host: string; port: number }): string {
  return `${node.host}:${node.port}`;
}
