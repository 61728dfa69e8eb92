import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type Consortium,
  type CryptoMaterial,
  type FabricNetworkProfile,
  consortiumAsRun,
  ensureCryptoMaterial,
  loadConsortium,
  readFabricNetworkProfile,
  writeFabricNetworkProfile,
} from '@cityledger/network';
import { deployChaincodes } from './chaincode-deployment';
import { ccaasBuilderPath } from './chaincode-package';
import { type Consensus, writeConfigtx } from './configtx';
import { writeConnectionProfiles } from './connection-profiles';
import { FabricCommands } from './fabric-commands';
import {
  FABRIC_2_5,
  FABRIC_3,
  type FabricLine,
  type FabricRelease,
  findFabricRelease,
} from './fabric-release';
import { HostNetwork } from './host-network';
import {
  DEFAULT_BASE_PORT,
  type NetworkLayout,
  type NodePlacement,
  type OrdererLayout,
  type PeerLayout,
  endpointOf,
  listenEndpointOf,
  networkLayout,
} from './network-layout';
import { writeOrdererConfig, writePeerConfig } from './node-config';
import { ProcessSupervisor } from './process-supervisor';
import { NodeExitedError, isHealthy, metricSamples, waitFor } from './readiness';

export type NetworkProfileName = FabricNetworkProfile['profile'];

/** What each profile runs; every choice that differs between them is read from here. */
const PROFILES: Record<
  NetworkProfileName,
  { line: FabricLine; consensus: Consensus; placement: NodePlacement['kind']; legacySdk: boolean }
> = {
  // Fabric v2.5, the ordering org's three Raft orderers, every node on loopback.
  raft: { line: FABRIC_2_5, consensus: 'etcdraft', placement: 'loopback', legacySdk: true },
  // Fabric v3, one SmartBFT node per member, each org on its own host. fabric-network sends each
  // transaction to one orderer and does not support BFT, so no legacy profiles are written.
  bft: { line: FABRIC_3, consensus: 'BFT', placement: 'hosts', legacySdk: false },
};
export const NETWORK_PROFILES = Object.keys(PROFILES) as NetworkProfileName[];

/** The Fabric release line a profile needs (`network.sh release --profile`). */
export function fabricLineOf(profile: NetworkProfileName): FabricLine {
  return PROFILES[profile].line;
}

/** Whether a profile's nodes share 127.0.0.1, so that it needs a free base port. */
export function runsOnLoopback(profile: NetworkProfileName): boolean {
  return PROFILES[profile].placement === 'loopback';
}

export interface FabricTestNetworkOptions {
  /** Where all state lives (crypto, configs, ledgers, logs, PID files, network.json). */
  workDir: string;
  consortiumFile?: string;
  /** Default: the profile the work directory was stood up with, else `raft`. */
  profile?: NetworkProfileName;
  /** Loopback layouts only. */
  basePort?: number;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** The peers' chaincode-as-a-service external builder; default: the project's (test-network/builders/ccaas). */
  ccaasBuilderDir?: string;
}

/** What `up` chose, kept in the work directory so every later command (and `down` after a failed `up`) agrees. */
interface NetworkSettings {
  profile: NetworkProfileName;
  placement: NodePlacement;
}

const SETTINGS_FILE = 'settings.json';

/**
 * An explicit choice wins; otherwise a work directory that holds a network keeps the profile and
 * placement it was started with, so `status`, `stop` and `down` find its nodes whatever the
 * environment says.
 */
function settingsOf(options: FabricTestNetworkOptions, workDir: string): NetworkSettings {
  const stored = existsSync(join(workDir, SETTINGS_FILE))
    ? (JSON.parse(readFileSync(join(workDir, SETTINGS_FILE), 'utf8')) as NetworkSettings)
    : undefined;
  const profile = options.profile ?? stored?.profile ?? 'raft';
  if (stored && stored.profile === profile && options.basePort === undefined) return stored;
  if (!runsOnLoopback(profile)) return { profile, placement: orgHostsPlacement(workDir) };
  return { profile, placement: { kind: 'loopback', basePort: options.basePort ?? DEFAULT_BASE_PORT } };
}

/**
 * Names and subnet derived from the work directory, so two networks on one machine do not meet and
 * the same directory always finds its own namespaces again.
 */
function orgHostsPlacement(workDir: string): NodePlacement {
  const digest = createHash('sha256').update(workDir).digest();
  return {
    kind: 'hosts',
    subnet: `10.${200 + (digest[0] % 50)}.${digest[1]}`,
    prefix: `c${digest.subarray(2, 4).toString('hex')}`,
  };
}

export interface ChannelHeight {
  peer: string;
  channel: string;
  /** Undefined when the peer did not answer. */
  height?: number;
  /** Hash of the peer's last block header (base64), as `peer channel getinfo` reports it. */
  currentBlockHash?: string;
}

/**
 * The consortium on real Fabric as native processes, one peer per member org, both channels
 * created through the channel participation API, chaincode as a service. The `raft` profile runs
 * the ordering org's three Raft orderers on loopback (Fabric v2.5); the `bft` profile runs one
 * SmartBFT orderer per member, each org's nodes on its own host (Fabric v3).
 *
 * @example
 * ```ts
 * const network = FabricTestNetwork.open({ workDir: '/tmp/city' });
 * await network.up();
 * await network.deploy();
 * console.log(await network.heights());
 * await network.down();
 * ```
 */
export class FabricTestNetwork {
  readonly layout: NetworkLayout;
  readonly supervisor: ProcessSupervisor;
  readonly hostNetwork: HostNetwork;
  private readonly log: (line: string) => void;
  private readonly ccaasBuilderDir: string;

  private constructor(
    readonly consortium: Consortium,
    readonly consortiumFile: string,
    readonly release: FabricRelease,
    private readonly settings: NetworkSettings,
    options: FabricTestNetworkOptions,
  ) {
    this.layout = networkLayout(consortium, resolve(options.workDir), settings.placement);
    this.supervisor = new ProcessSupervisor(this.layout.processesDir, this.layout.logsDir);
    this.hostNetwork = new HostNetwork(this.layout);
    this.log = options.log ?? (() => undefined);
    this.ccaasBuilderDir = options.ccaasBuilderDir ?? ccaasBuilderPath();
  }

  /** @throws FabricReleaseNotFoundError when no Fabric release of the profile's line is installed. */
  static open(options: FabricTestNetworkOptions): FabricTestNetwork {
    const consortiumFile = resolve(
      options.consortiumFile ?? join(__dirname, '..', '..', 'network', 'consortium.yaml'),
    );
    const settings = settingsOf(options, resolve(options.workDir));
    return new FabricTestNetwork(
      consortiumAsRun(loadConsortium(consortiumFile), settings.profile),
      consortiumFile,
      findFabricRelease(options.env, { line: fabricLineOf(settings.profile) }),
      settings,
      options,
    );
  }

  private get runs() {
    return PROFILES[this.settings.profile];
  }

  private cryptoPromise?: Promise<CryptoMaterial>;

  crypto(): Promise<CryptoMaterial> {
    this.cryptoPromise ??= ensureCryptoMaterial(this.consortium.definition, this.layout.cryptoDir);
    return this.cryptoPromise;
  }

  async commands(): Promise<FabricCommands> {
    return new FabricCommands(this.release, await this.crypto(), this.layout);
  }

  profile(): FabricNetworkProfile {
    return readFabricNetworkProfile(this.layout.workDir);
  }

  /** Stands the network up from nothing; refuses when processes of an earlier `up` still run. */
  async up(): Promise<FabricNetworkProfile> {
    const running = this.supervisor.names().filter((name) => this.supervisor.isRunning(name));
    if (running.length > 0) {
      throw new Error(
        `the network in ${this.layout.workDir} is already running (${running.join(', ')}); run down first`,
      );
    }
    mkdirSync(this.layout.workDir, { recursive: true });
    writeFileSync(join(this.layout.workDir, SETTINGS_FILE), `${JSON.stringify(this.settings, null, 2)}\n`);
    const crypto = await this.crypto();
    const commands = await this.commands();
    this.log(
      `Fabric ${this.release.version} from ${this.release.binDir}, ${this.settings.profile} profile; state in ${this.layout.workDir}`,
    );
    if (this.layout.bridge) {
      await this.hostNetwork.create();
      this.log(
        `org hosts on bridge ${this.layout.bridge.name}: ${this.layout.hosts.map((h) => `${h.namespace} ${h.address}`).join(', ')}`,
      );
    }

    const configPath = writeConfigtx(this.consortium, crypto, this.layout, this.runs.consensus);
    mkdirSync(this.layout.channelArtifactsDir, { recursive: true });
    const channels = this.consortium.definition.channels.map((channel) => channel.name);
    for (const channel of channels) {
      await commands.exec('configtxgen', [
        '-configPath',
        configPath,
        '-profile',
        channel,
        '-channelID',
        channel,
        '-outputBlock',
        this.genesisBlock(channel),
      ]);
    }

    for (const orderer of this.layout.orderers) {
      const dir = writeOrdererConfig(this.release, crypto.organization(orderer.mspId), orderer);
      this.startNode(orderer, this.release.command('orderer'), [], dir);
    }
    await Promise.all(
      this.layout.orderers.map((o) => this.waitForHealth(o.hostname, `${o.host}:${o.operationsPort}`)),
    );
    for (const channel of channels) {
      for (const orderer of this.layout.orderers) {
        await commands.osnadmin(orderer, [
          'channel',
          'join',
          '--channelID',
          channel,
          '--config-block',
          this.genesisBlock(channel),
        ]);
      }
    }
    // Peers that join before the orderers agree on a leader are refused by the orderer.
    for (const channel of channels) await this.waitForOrdering(channel);
    this.log(`orderers up, ordering ready on ${channels.join(', ')}`);

    for (const peer of this.layout.peers) {
      const dir = writePeerConfig(this.release, crypto.organization(peer.mspId), peer, {
        ccaasBuilderDir: this.ccaasBuilderDir,
        bootstrapPeers: this.layout.peers.filter((p) => p.mspId === peer.mspId && p !== peer).map(endpointOf),
      });
      this.startNode(peer, this.release.command('peer'), ['node', 'start'], dir);
    }
    await Promise.all(
      this.layout.peers.map((p) => this.waitForHealth(p.hostname, `${p.host}:${p.operationsPort}`)),
    );
    for (const peer of this.layout.peers) {
      for (const channel of peer.channels) {
        await commands.peer(peer, ['channel', 'join', '-b', this.genesisBlock(channel)]);
      }
    }
    await this.waitForGossip();
    this.log(
      `peers joined: ${this.layout.peers.map((p) => `${p.hostname} (${p.channels.join(', ')})`).join('; ')}`,
    );

    const profile: FabricNetworkProfile = {
      consortiumFile: this.consortiumFile,
      cryptoDir: this.layout.cryptoDir,
      profile: this.settings.profile,
      ...(this.layout.placement.kind === 'loopback'
        ? { basePort: this.layout.placement.basePort }
        : { hosts: { subnet: this.layout.placement.subnet, prefix: this.layout.placement.prefix } }),
      fabricVersion: this.release.version,
      peers: this.layout.peers.map((peer) => ({
        mspId: peer.mspId,
        name: peer.name,
        hostname: peer.hostname,
        endpoint: listenEndpointOf(peer),
        tlsRootCertFile: commands.tlsRootCert(peer),
        operationsEndpoint: `${peer.host}:${peer.operationsPort}`,
        channels: peer.channels,
      })),
      orderers: this.layout.orderers.map((orderer) => ({
        mspId: orderer.mspId,
        name: orderer.name,
        hostname: orderer.hostname,
        endpoint: listenEndpointOf(orderer),
        tlsRootCertFile: commands.tlsRootCert(orderer),
        operationsEndpoint: `${orderer.host}:${orderer.operationsPort}`,
        adminEndpoint: `${orderer.host}:${orderer.adminPort}`,
      })),
      chaincodes: [],
    };
    if (this.runs.legacySdk) await writeConnectionProfiles(this.layout, crypto, commands);
    writeFabricNetworkProfile(this.layout.workDir, profile);
    return profile;
  }

  /** Packages, installs, approves and commits every chaincode of consortium.yaml, and starts its servers. */
  async deploy(): Promise<FabricNetworkProfile> {
    const profile = this.profile();
    const chaincodes = await deployChaincodes(this, await this.commands(), this.log);
    const updated = { ...profile, chaincodes };
    writeFabricNetworkProfile(this.layout.workDir, updated);
    return updated;
  }

  /** Stops every process, removes the org hosts (namespaces, bridge) and the work directory. */
  async down(): Promise<void> {
    await this.supervisor.stopAll();
    if (this.layout.bridge) await this.hostNetwork.remove();
    if (existsSync(this.layout.workDir)) rmSync(this.layout.workDir, { recursive: true, force: true });
  }

  /** Block height of every channel on every peer (`peer channel getinfo`). */
  async heights(): Promise<ChannelHeight[]> {
    const commands = await this.commands();
    const rows = this.layout.peers.flatMap((peer) => peer.channels.map((channel) => ({ peer, channel })));
    return Promise.all(
      rows.map(async ({ peer, channel }) => {
        if (!this.supervisor.isRunning(peer.hostname)) return { peer: peer.hostname, channel };
        try {
          const out = await commands.peer(peer, ['channel', 'getinfo', '-c', channel]);
          const info = JSON.parse(out.slice(out.indexOf('{'))) as {
            height: number;
            currentBlockHash: string;
          };
          return {
            peer: peer.hostname,
            channel,
            height: info.height,
            currentBlockHash: info.currentBlockHash,
          };
        } catch {
          return { peer: peer.hostname, channel };
        }
      }),
    );
  }

  /** Starts a peer or orderer on its host with `FABRIC_CFG_PATH=configDir`. */
  /**
   * Waits until every running peer of `channel` is at one height ≥ `minHeight` with one last-block
   * hash, and returns them; the timeout error lists what each peer reported last.
   */
  async waitForPeersToAgree(
    channel: string,
    minHeight: number,
    timeoutMs = 90_000,
  ): Promise<{ height: number; hash: string }> {
    let rows: ChannelHeight[] = [];
    await waitFor(
      `the peers of ${channel} to agree on height ≥ ${minHeight} and hash`,
      async () => {
        rows = (await this.heights()).filter((row) => row.channel === channel);
        const heights = new Set(rows.map((row) => row.height));
        const hashes = new Set(rows.map((row) => row.currentBlockHash));
        return heights.size === 1 && hashes.size === 1 && (rows[0].height ?? 0) >= minHeight;
      },
      timeoutMs,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(rows)}`);
    });
    return { height: rows[0].height!, hash: rows[0].currentBlockHash! };
  }

  /** Each running orderer's height of `channel` (channel participation API); undefined when it does not answer. */
  async ordererHeights(channel: string): Promise<Array<{ orderer: string; height?: number }>> {
    const commands = await this.commands();
    return Promise.all(
      this.layout.orderers.map(async (orderer) => {
        if (!this.supervisor.isRunning(orderer.hostname)) return { orderer: orderer.hostname };
        try {
          const out = await commands.osnadmin(orderer, ['channel', 'list', '--channelID', channel]);
          const height = /"height":\s*(\d+)/.exec(out)?.[1];
          return { orderer: orderer.hostname, ...(height ? { height: Number(height) } : {}) };
        } catch {
          return { orderer: orderer.hostname };
        }
      }),
    );
  }

  startNode(node: PeerLayout | OrdererLayout, binary: string, binaryArgs: string[], configDir: string): void {
    const [command, args] = HostNetwork.wrap(node.namespace, binary, binaryArgs);
    this.supervisor.start({
      name: node.hostname,
      command,
      args,
      cwd: configDir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/',
        FABRIC_CFG_PATH: configDir,
        FABRIC_LOGGING_SPEC: 'info',
      },
    });
  }

  /** Waits until `peer` is healthy and has every member peer of its channels in its gossip view. */
  async waitForPeer(peer: PeerLayout, timeoutMs = 60_000): Promise<void> {
    await this.waitForHealth(peer.hostname, `${peer.host}:${peer.operationsPort}`, timeoutMs);
    await this.waitForGossip([peer], timeoutMs);
  }

  /** Waits for a node's `/healthz`; a node that exits meanwhile fails at once with the end of its log. */
  async waitForHealth(name: string, operationsEndpoint: string, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      `${name} to be healthy`,
      async () => {
        if (!this.supervisor.isRunning(name)) {
          const log = readFileSync(this.supervisor.logFile(name), 'utf8')
            .trim()
            .split('\n')
            .slice(-5)
            .join('\n');
          throw new NodeExitedError(`${name} exited; the end of ${this.supervisor.logFile(name)}:\n${log}`);
        }
        return isHealthy(operationsEndpoint);
      },
      timeoutMs,
    );
  }

  /** Raft: a leader is elected. SmartBFT: every running consenter has the channel active. */
  async waitForOrdering(channel: string, timeoutMs = 60_000): Promise<void> {
    if (this.runs.consensus === 'etcdraft') return this.waitForRaftLeader(channel, timeoutMs);
    const commands = await this.commands();
    await waitFor(
      `the SmartBFT consenters of channel ${channel}`,
      async () => {
        for (const orderer of this.layout.orderers) {
          if (!this.supervisor.isRunning(orderer.hostname)) continue;
          const out = await commands.osnadmin(orderer, ['channel', 'list', '--channelID', channel]);
          if (!/"status":\s*"active"/.test(out)) return false;
        }
        return true;
      },
      timeoutMs,
    );
  }

  async waitForRaftLeader(channel: string, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      `a Raft leader on channel ${channel}`,
      async () => {
        for (const orderer of this.layout.orderers) {
          if (!this.supervisor.isRunning(orderer.hostname)) continue;
          const samples = await metricSamples(
            `${orderer.host}:${orderer.operationsPort}`,
            'consensus_etcdraft_is_leader',
          ).catch(() => new Map());
          for (const [labels, value] of samples) {
            if (labels.includes(`channel="${channel}"`) && value === 1) return true;
          }
        }
        return false;
      },
      timeoutMs,
    );
  }

  /**
   * The peer Gateway endorses on other orgs' peers only once gossip has discovered them: wait until
   * every peer sees every other member peer of each of its channels.
   */
  private async waitForGossip(peers = this.layout.peers, timeoutMs = 60_000): Promise<void> {
    await Promise.all(
      peers.map((peer) =>
        waitFor(
          `${peer.hostname} to discover the other members' peers`,
          async () => {
            const samples = await metricSamples(
              `${peer.host}:${peer.operationsPort}`,
              'gossip_membership_total_peers_known',
            );
            return peer.channels.every((channel) => {
              const others = this.layout.peers.filter(
                (p) => p !== peer && p.channels.includes(channel),
              ).length;
              const known =
                [...samples].find(([labels]) => labels.includes(`channel="${channel}"`))?.[1] ?? 0;
              return known >= others;
            });
          },
          timeoutMs,
        ),
      ),
    );
  }

  private genesisBlock(channel: string): string {
    return join(this.layout.channelArtifactsDir, `${channel}.block`);
  }
}
