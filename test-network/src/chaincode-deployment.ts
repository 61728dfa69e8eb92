import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  parseEndorsementPolicy,
  type ChaincodeDefinition,
  type ChannelDefinition,
} from '@cityledger/network';
import { buildCcaasPackage } from './chaincode-package';
import type { FabricCommands } from './fabric-commands';
import type { FabricTestNetwork } from './fabric-test-network';
import { HostNetwork } from './host-network';
import { type ChaincodeServerLayout, type PeerLayout, endpointOf } from './network-layout';
import { isHealthy, waitFor } from './readiness';

export interface CommittedChaincode {
  channel: string;
  name: string;
  version: string;
  sequence: number;
}

/** The workspace folder of a chaincode: `chaincode/<name>` holds its package.json and dist/. */
export function chaincodeDirectory(name: string): string {
  return resolve(__dirname, '..', '..', 'chaincode', name);
}

/**
 * Chaincode as a service, the Fabric lifecycle way: each org packages every chaincode its peer
 * hosts with the address of its own chaincode server, installs it, starts the server, then every
 * member org approves the definition (policy and collections from consortium.yaml) and one commit
 * makes it live. A definition already committed with the same version is left alone; a new
 * version is committed with the next sequence (an upgrade).
 */
export async function deployChaincodes(
  network: FabricTestNetwork,
  commands: FabricCommands,
  log: (line: string) => void,
): Promise<CommittedChaincode[]> {
  const { layout } = network;
  const packageIds = new Map<string, string>();
  await Promise.all(
    layout.chaincodeServers.map(async (server) => {
      const packageId = await installPackage(network, commands, server);
      packageIds.set(serverKey(server.mspId, server.chaincode), packageId);
      if (!network.supervisor.isRunning(server.name)) startChaincodeServer(network, server, packageId);
    }),
  );
  log(`installed ${layout.chaincodeServers.length} chaincode packages and started their servers`);

  const committed: CommittedChaincode[] = [];
  for (const channel of network.consortium.definition.channels) {
    await Promise.all(
      channel.chaincodes.map(async (chaincode) => {
        const sequence = await commitDefinition(network, commands, channel, chaincode, packageIds);
        committed.push({ channel: channel.name, name: chaincode.name, version: chaincode.version, sequence });
        log(`${channel.name}/${chaincode.name} ${chaincode.version} committed at sequence ${sequence}`);
      }),
    );
  }
  await waitForChaincodes(network, commands);
  return committed.sort((a, b) => `${a.channel}/${a.name}`.localeCompare(`${b.channel}/${b.name}`));
}

function serverKey(mspId: string, chaincode: string): string {
  return `${mspId}/${chaincode}`;
}

async function installPackage(
  network: FabricTestNetwork,
  commands: FabricCommands,
  server: ChaincodeServerLayout,
): Promise<string> {
  const version = versionOf(network, server.chaincode);
  const directory = join(network.layout.packagesDir, server.mspId);
  mkdirSync(directory, { recursive: true });
  const tls = await ensureChaincodeServerTls(network, server);
  const { file, packageId } = await buildCcaasPackage({
    chaincode: server.chaincode,
    label: `${server.chaincode}_${version}`,
    address: endpointOf(server),
    tlsRootCertPem: tls.caCertificatePem,
    outFile: join(directory, `${server.chaincode}.tar.gz`),
  });
  for (const peer of network.layout.peers.filter((p) => p.mspId === server.mspId)) {
    const installed = await commands.peer(peer, [
      'lifecycle',
      'chaincode',
      'queryinstalled',
      '--output',
      'json',
    ]);
    const ids = (
      (JSON.parse(installed || '{}') as { installed_chaincodes?: Array<{ package_id: string }> })
        .installed_chaincodes ?? []
    ).map((c) => c.package_id);
    if (!ids.includes(packageId)) await commands.peer(peer, ['lifecycle', 'chaincode', 'install', file]);
  }
  return packageId;
}

function versionOf(network: FabricTestNetwork, chaincode: string): string {
  const versions = new Set(
    network.consortium.definition.channels.flatMap((c) =>
      c.chaincodes.filter((cc) => cc.name === chaincode).map((cc) => cc.version),
    ),
  );
  if (versions.size !== 1) {
    throw new Error(
      `chaincode ${chaincode} has versions ${[...versions].join(', ')} on different channels; one package serves all, so use one version`,
    );
  }
  return [...versions][0];
}

function chaincodeServerTlsDir(network: FabricTestNetwork, server: ChaincodeServerLayout): string {
  return join(network.layout.workDir, 'chaincode-tls', server.name);
}

/**
 * The chaincode server's TLS certificate, issued once by its org's TLS CA for the address the peer
 * dials: peer and chaincode talk over TLS like every other link of the network.
 */
async function ensureChaincodeServerTls(
  network: FabricTestNetwork,
  server: ChaincodeServerLayout,
): Promise<{ caCertificatePem: string }> {
  const tlsCa = (await network.crypto()).organization(server.mspId).tlsCa;
  const dir = chaincodeServerTlsDir(network, server);
  if (!existsSync(join(dir, 'server.crt'))) {
    const issued = await tlsCa.issue({
      commonName: server.name,
      nodeOU: 'peer',
      hostnames: [server.host, 'localhost'],
      validityDays: 3650,
    });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'server.key'), issued.privateKeyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'server.crt'), issued.certificatePem);
  }
  return { caCertificatePem: tlsCa.certificatePem };
}

function startChaincodeServer(
  network: FabricTestNetwork,
  server: ChaincodeServerLayout,
  packageId: string,
): void {
  const shimCli = require.resolve('fabric-shim/cli.js');
  const chaincodeDir = chaincodeDirectory(server.chaincode);
  const tlsDir = chaincodeServerTlsDir(network, server);
  const [command, args] = HostNetwork.wrap(server.namespace, process.execPath, [
    shimCli,
    'server',
    '--chaincode-address',
    endpointOf(server),
    '--chaincode-id',
    packageId,
    '--module-path',
    chaincodeDir,
    '--chaincode-tls-cert-file',
    join(tlsDir, 'server.crt'),
    '--chaincode-tls-key-file',
    join(tlsDir, 'server.key'),
  ]);
  network.supervisor.start({
    name: server.name,
    command,
    args,
    cwd: chaincodeDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/',
      // What a peer sets for chaincode in production: contract routing logs only warnings.
      CORE_CHAINCODE_LOGGING_LEVEL: 'warning',
      CORE_CHAINCODE_LOGGING_SHIM: 'warning',
    },
  });
}

/**
 * The approve/commit arguments that carry the endorsement policy and the collections (written to
 * `<configDir>/collections-<channel>-<chaincode>.json`, the form `--collections-config` reads).
 */
export function chaincodeDefinitionArgs(
  configDir: string,
  channel: string,
  chaincode: ChaincodeDefinition,
  sequence: number,
): string[] {
  const policy = parseEndorsementPolicy(chaincode.endorsementPolicy);
  const policyArgs =
    policy.kind === 'signature'
      ? ['--signature-policy', chaincode.endorsementPolicy]
      : policy.rule === 'MAJORITY'
        ? ['--channel-config-policy', '/Channel/Application/Endorsement']
        : unsupported(chaincode.endorsementPolicy);
  const args = [
    '-C',
    channel,
    '-n',
    chaincode.name,
    '-v',
    chaincode.version,
    '--sequence',
    String(sequence),
    ...policyArgs,
  ];
  if (chaincode.collections.length > 0) {
    const file = join(configDir, `collections-${channel}-${chaincode.name}.json`);
    mkdirSync(configDir, { recursive: true });
    writeFileSync(
      file,
      JSON.stringify(
        chaincode.collections.map((c) => ({
          name: c.name,
          policy: c.policy,
          requiredPeerCount: c.requiredPeerCount,
          maxPeerCount: c.maxPeerCount,
          blockToLive: c.blockToLive,
          memberOnlyRead: c.memberOnlyRead,
          memberOnlyWrite: c.memberOnlyWrite,
          ...(c.endorsementPolicy ? { endorsementPolicy: { signaturePolicy: c.endorsementPolicy } } : {}),
        })),
        null,
        2,
      ),
    );
    args.push('--collections-config', file);
  }
  return args;
}

function unsupported(policy: string): never {
  throw new Error(
    `endorsement policy "${policy}": the generated channels define only MAJORITY Endorsement; use it or a signature policy`,
  );
}

async function commitDefinition(
  network: FabricTestNetwork,
  commands: FabricCommands,
  channel: ChannelDefinition,
  chaincode: ChaincodeDefinition,
  packageIds: Map<string, string>,
): Promise<number> {
  const members = network.layout.peers.filter((peer) => peer.channels.includes(channel.name));
  const current = await committedDefinition(commands, members[0], channel.name, chaincode.name);
  if (current && current.version === chaincode.version) return current.sequence;
  const sequence = (current?.sequence ?? 0) + 1;
  const args = chaincodeDefinitionArgs(network.layout.configDir, channel.name, chaincode, sequence);
  const approved = await approvals(commands, members[0], args);
  for (const mspId of channel.members) {
    const peer = members.find((p) => p.mspId === mspId);
    // Approving the same definition twice is refused, so a deploy that stopped half way resumes.
    if (!peer || approved[mspId]) continue;
    const packageId = packageIds.get(serverKey(mspId, chaincode.name));
    await commands.peer(peer, [
      'lifecycle',
      'chaincode',
      'approveformyorg',
      ...commands.ordererArgs(),
      ...args,
      ...(packageId ? ['--package-id', packageId] : []),
    ]);
  }
  await commands.peer(members[0], [
    'lifecycle',
    'chaincode',
    'commit',
    ...commands.ordererArgs(),
    ...args,
    ...members.flatMap((peer) => [
      '--peerAddresses',
      endpointOf(peer),
      '--tlsRootCertFiles',
      commands.tlsRootCert(peer),
    ]),
  ]);
  return sequence;
}

/** Which orgs have approved exactly this definition (`checkcommitreadiness`). */
async function approvals(
  commands: FabricCommands,
  peer: PeerLayout,
  args: string[],
): Promise<Record<string, boolean>> {
  const out = await commands.peer(peer, [
    'lifecycle',
    'chaincode',
    'checkcommitreadiness',
    ...args,
    '--output',
    'json',
  ]);
  return (JSON.parse(out) as { approvals: Record<string, boolean> }).approvals;
}

async function committedDefinition(
  commands: FabricCommands,
  peer: PeerLayout,
  channel: string,
  name: string,
): Promise<{ version: string; sequence: number } | undefined> {
  try {
    const out = await commands.peer(peer, [
      'lifecycle',
      'chaincode',
      'querycommitted',
      '-C',
      channel,
      '-n',
      name,
      '--output',
      'json',
    ]);
    const parsed = JSON.parse(out) as { version: string; sequence: number };
    return { version: parsed.version, sequence: Number(parsed.sequence) };
  } catch (error) {
    if (error instanceof Error && /not found|does not exist|is not defined/i.test(error.message))
      return undefined;
    throw error;
  }
}

/** Every peer answers the contract metadata query of every chaincode of its channels: the servers are reachable. */
async function waitForChaincodes(network: FabricTestNetwork, commands: FabricCommands): Promise<void> {
  const checks = network.layout.peers.flatMap((peer) =>
    network.consortium.definition.channels
      .filter((channel) => peer.channels.includes(channel.name))
      .flatMap((channel) =>
        channel.chaincodes.map((cc) => ({ peer, channel: channel.name, chaincode: cc.name })),
      ),
  );
  await Promise.all(
    checks.map(({ peer, channel, chaincode }) =>
      waitFor(`${chaincode} on ${peer.hostname} (${channel}) to answer`, async () => {
        if (!(await isHealthy(`${peer.host}:${peer.operationsPort}`))) return false;
        await commands.peer(peer, [
          'chaincode',
          'query',
          '-C',
          channel,
          '-n',
          chaincode,
          '-c',
          '{"Args":["org.hyperledger.fabric:GetMetadata"]}',
        ]);
        return true;
      }),
    ),
  );
}
