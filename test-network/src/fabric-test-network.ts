import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type Consortium,
  type CryptoMaterial,
  type FabricNetworkProfile,
  FABRIC_NETWORK_PROFILE_FILE,
  ensureCryptoMaterial,
  loadConsortium,
  readFabricNetworkProfile,
  writeFabricNetworkProfile,
} from '@cityledger/network';
import { deployChaincodes } from './chaincode-deployment';
import { ccaasBuilderPath } from './chaincode-package';
import { writeConfigtx } from './configtx';
import { writeConnectionProfiles } from './connection-profiles';
import { FabricCommands } from './fabric-commands';
import { type FabricRelease, findFabricRelease } from './fabric-release';
import { type NetworkLayout, type PeerLayout, endpointOf, networkLayout } from './network-layout';
import { writeOrdererConfig, writePeerConfig } from './node-config';
import { ProcessSupervisor } from './process-supervisor';
import { NodeExitedError, isHealthy, metricSamples, waitFor } from './readiness';

export interface FabricTestNetworkOptions {
  /** Where all state lives (crypto, configs, ledgers, logs, PID files, network.json). */
  workDir: string;
  consortiumFile?: string;
  basePort?: number;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** The peers' chaincode-as-a-service external builder; default: the project's (test-network/builders/ccaas). */
  ccaasBuilderDir?: string;
}

/**
 * An explicit base port wins; otherwise a work directory that holds a network keeps the ports it
 * was started with, so `status`, `stop` and `down` find its nodes whatever the environment says.
 */
function basePortOf(options: FabricTestNetworkOptions): number | undefined {
  if (options.basePort !== undefined) return options.basePort;
  return existsSync(join(options.workDir, FABRIC_NETWORK_PROFILE_FILE))
    ? readFabricNetworkProfile(options.workDir).basePort
    : undefined;
}

export interface ChannelHeight {
  peer: string;
  channel: string;
  /** Undefined when the peer did not answer. */
  height?: number;
}

/**
 * The consortium on real Fabric as native processes: three Raft orderers, one peer per member
 * org, both channels created through the channel participation API, chaincode as a service.
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
  private readonly log: (line: string) => void;
  private readonly ccaasBuilderDir: string;

  private constructor(
    readonly consortium: Consortium,
    readonly consortiumFile: string,
    readonly release: FabricRelease,
    options: FabricTestNetworkOptions,
  ) {
    this.layout = networkLayout(consortium, resolve(options.workDir), basePortOf(options));
    this.supervisor = new ProcessSupervisor(this.layout.processesDir, this.layout.logsDir);
    this.log = options.log ?? (() => undefined);
    this.ccaasBuilderDir = options.ccaasBuilderDir ?? ccaasBuilderPath();
  }

  /** @throws FabricReleaseNotFoundError when no Fabric release is installed. */
  static open(options: FabricTestNetworkOptions): FabricTestNetwork {
    const consortiumFile = resolve(
      options.consortiumFile ?? join(__dirname, '..', '..', 'network', 'consortium.yaml'),
    );
    return new FabricTestNetwork(
      loadConsortium(consortiumFile),
      consortiumFile,
      findFabricRelease(options.env),
      options,
    );
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
    const crypto = await this.crypto();
    const commands = await this.commands();
    this.log(`Fabric ${this.release.version} from ${this.release.binDir}; state in ${this.layout.workDir}`);

    const configPath = writeConfigtx(this.consortium, crypto, this.layout);
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
      this.startNode(orderer.hostname, this.release.command('orderer'), [], dir);
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
    // Peers that join before Raft has a leader are refused by the orderer.
    for (const channel of channels) await this.waitForRaftLeader(channel);
    this.log(`orderers up, Raft leader elected on ${channels.join(', ')}`);

    for (const peer of this.layout.peers) {
      const dir = writePeerConfig(this.release, crypto.organization(peer.mspId), peer, {
        ccaasBuilderDir: this.ccaasBuilderDir,
        bootstrapPeers: this.layout.peers.filter((p) => p.mspId === peer.mspId && p !== peer).map(endpointOf),
      });
      this.startNode(peer.hostname, this.release.command('peer'), ['node', 'start'], dir);
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
      basePort: this.layout.basePort,
      fabricVersion: this.release.version,
      peers: this.layout.peers.map((peer) => ({
        mspId: peer.mspId,
        name: peer.name,
        hostname: peer.hostname,
        endpoint: endpointOf(peer),
        tlsRootCertFile: commands.tlsRootCert(peer),
        operationsEndpoint: `${peer.host}:${peer.operationsPort}`,
        channels: peer.channels,
      })),
      orderers: this.layout.orderers.map((orderer) => ({
        mspId: orderer.mspId,
        name: orderer.name,
        hostname: orderer.hostname,
        endpoint: endpointOf(orderer),
        tlsRootCertFile: commands.tlsRootCert(orderer),
        operationsEndpoint: `${orderer.host}:${orderer.operationsPort}`,
        adminEndpoint: `${orderer.host}:${orderer.adminPort}`,
      })),
      chaincodes: [],
    };
    await writeConnectionProfiles(this.layout, crypto, commands);
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

  /** Stops every process and removes the work directory. */
  async down(): Promise<void> {
    await this.supervisor.stopAll();
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
          const height = /"height":(\d+)/.exec(out)?.[1];
          return { peer: peer.hostname, channel, ...(height ? { height: Number(height) } : {}) };
        } catch {
          return { peer: peer.hostname, channel };
        }
      }),
    );
  }

  startNode(name: string, command: string, args: string[], configDir: string): void {
    this.supervisor.start({
      name,
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
