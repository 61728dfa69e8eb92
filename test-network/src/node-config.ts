import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OrganizationCrypto } from '@cityledger/network';
import { parse, stringify } from 'yaml';
import type { FabricRelease } from './fabric-release';
import { type OrdererLayout, type PeerLayout, endpointOf } from './network-layout';

/** The cryptogen folder of a node: `<org>/{peers,orderers}/<hostname>/{msp,tls}`. */
export function nodeCryptoDir(org: OrganizationCrypto, node: PeerLayout | OrdererLayout): string {
  return join(org.directory, `${node.kind}s`, node.hostname);
}

export interface PeerConfigOptions {
  /** The external builder folder (bin/detect, bin/build, bin/release) for chaincode as a service. */
  ccaasBuilderDir: string;
  /** Addresses of the org's other peers, for gossip bootstrap; the peer itself when alone. */
  bootstrapPeers: string[];
}

/**
 * Writes `<peer dir>/core.yaml`: the release's own core.yaml with what this node needs set in the
 * file, so that `FABRIC_CFG_PATH=<peer dir>` is the whole configuration and an operator can read it.
 */
export function writePeerConfig(
  release: FabricRelease,
  org: OrganizationCrypto,
  peer: PeerLayout,
  options: PeerConfigOptions,
): string {
  const config = parse(readFileSync(join(release.configDir, 'core.yaml'), 'utf8'));
  const cryptoDir = nodeCryptoDir(org, peer);
  const address = endpointOf(peer);
  Object.assign(config.peer, {
    id: peer.hostname,
    networkId: 'cityledger',
    listenAddress: `${peer.host}:${peer.port}`,
    address,
    chaincodeListenAddress: `${peer.host}:${peer.chaincodePort}`,
    chaincodeAddress: `${peer.host}:${peer.chaincodePort}`,
    fileSystemPath: join(peer.directory, 'data'),
    mspConfigPath: join(cryptoDir, 'msp'),
    localMspId: peer.mspId,
  });
  Object.assign(config.peer.gossip, {
    bootstrap: options.bootstrapPeers.join(' ') || address,
    externalEndpoint: address,
    useLeaderElection: true,
    orgLeader: false,
    // The default 25 s leaves the peer Gateway without the other orgs' peers for that long after
    // a channel join or a restart; 2 s makes discovery complete within a second here.
    reconnectInterval: '2s',
    // A peer that dials another org's anchor peer before its channel's TLS roots are loaded marks
    // it dead; with the defaults (5 s alive messages, 25 s expiry) it is seen again only ~40 s
    // later. Faster alive messages make a join, a restart and a healed partition visible in seconds.
    aliveTimeInterval: '1s',
    aliveExpirationTimeout: '5s',
  });
  Object.assign(config.peer.tls, {
    enabled: true,
    clientAuthRequired: false,
    cert: { file: join(cryptoDir, 'tls', 'server.crt') },
    key: { file: join(cryptoDir, 'tls', 'server.key') },
    rootcert: { file: join(cryptoDir, 'tls', 'ca.crt') },
  });
  config.peer.profile = { enabled: false, listenAddress: `${peer.host}:0` };
  // The peer Gateway tries one orderer at a time and waits this long for each; with the 30 s
  // default a stopped orderer stalls every submission that picks it first beyond any client's
  // deadline, instead of failing over to the next orderer.
  config.peer.gateway.broadcastTimeout = '5s';
  // No Docker engine: an empty endpoint keeps the peer from probing the Docker socket (its
  // /healthz would stay 503); chaincode runs as a service through the external builder.
  config.vm.endpoint = '';
  config.chaincode.externalBuilders = [
    {
      name: 'cityledger-ccaas',
      path: options.ccaasBuilderDir,
      propagateEnvironment: ['HOME', 'PATH'],
    },
  ];
  config.operations.listenAddress = `${peer.host}:${peer.operationsPort}`;
  config.operations.tls.enabled = false;
  config.metrics.provider = 'prometheus';
  mkdirSync(peer.directory, { recursive: true });
  writeFileSync(join(peer.directory, 'core.yaml'), stringify(config));
  return peer.directory;
}

/** Writes `<orderer dir>/orderer.yaml`: Raft or SmartBFT over mutual TLS, channel participation, no system channel. */
export function writeOrdererConfig(
  release: FabricRelease,
  org: OrganizationCrypto,
  orderer: OrdererLayout,
): string {
  const config = parse(readFileSync(join(release.configDir, 'orderer.yaml'), 'utf8'));
  const cryptoDir = nodeCryptoDir(org, orderer);
  const tls = {
    certificate: join(cryptoDir, 'tls', 'server.crt'),
    privateKey: join(cryptoDir, 'tls', 'server.key'),
    rootCa: join(cryptoDir, 'tls', 'ca.crt'),
  };
  const data = join(orderer.directory, 'data');
  Object.assign(config.General, {
    ListenAddress: orderer.host,
    ListenPort: orderer.port,
    LocalMSPDir: join(cryptoDir, 'msp'),
    LocalMSPID: orderer.mspId,
  });
  // v2.5 still offers a system channel; v3 has none and no such key.
  if ('BootstrapMethod' in config.General) config.General.BootstrapMethod = 'none';
  Object.assign(config.General.TLS, {
    Enabled: true,
    PrivateKey: tls.privateKey,
    Certificate: tls.certificate,
    RootCAs: [tls.rootCa],
    ClientAuthRequired: false,
  });
  // Consensus traffic shares the general listener and authenticates with the node's TLS certificate.
  Object.assign(config.General.Cluster, {
    ClientCertificate: tls.certificate,
    ClientPrivateKey: tls.privateKey,
  });
  config.FileLedger.Location = join(data, 'ledger');
  // Raft keeps a WAL and snapshots per channel; SmartBFT reads only WALDir.
  config.Consensus = { WALDir: join(data, 'consensus', 'wal'), SnapDir: join(data, 'consensus', 'snapshot') };
  config.Operations.ListenAddress = `${orderer.host}:${orderer.operationsPort}`;
  config.Operations.TLS.Enabled = false;
  config.Metrics.Provider = 'prometheus';
  config.Admin.ListenAddress = `${orderer.host}:${orderer.adminPort}`;
  Object.assign(config.Admin.TLS, {
    Enabled: true,
    PrivateKey: tls.privateKey,
    Certificate: tls.certificate,
    RootCAs: [tls.rootCa],
    // Only holders of a certificate from the ordering org's TLS CA may join or remove channels.
    ClientAuthRequired: true,
    ClientRootCAs: [tls.rootCa],
  });
  config.ChannelParticipation.Enabled = true;
  mkdirSync(orderer.directory, { recursive: true });
  writeFileSync(join(orderer.directory, 'orderer.yaml'), stringify(config));
  return orderer.directory;
}
