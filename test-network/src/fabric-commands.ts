import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CryptoMaterial } from '@cityledger/network';
import type { FabricCommand, FabricRelease } from './fabric-release';
import { HostNetwork } from './host-network';
import { nodeCryptoDir } from './node-config';
import { type NetworkLayout, type OrdererLayout, type PeerLayout, endpointOf } from './network-layout';

const run = promisify(execFile);

export class FabricCommandError extends Error {
  constructor(
    readonly command: string,
    readonly output: string,
  ) {
    super(`${command} failed: ${output.trim().split('\n').slice(-5).join('\n')}`);
    this.name = 'FabricCommandError';
  }
}

/**
 * Runs the release's commands as the organizations' admins: the peer CLI with the environment
 * Fabric documents (`CORE_PEER_*`), osnadmin with the ordering org's TLS client certificate.
 */
export class FabricCommands {
  constructor(
    private readonly release: FabricRelease,
    private readonly crypto: CryptoMaterial,
    private readonly layout: NetworkLayout,
  ) {}

  /**
   * Runs a release command; with `namespace`, on that org's host (its network namespace), where
   * the other nodes' host names resolve.
   */
  async exec(
    command: FabricCommand,
    args: string[],
    env: Record<string, string> = {},
    namespace?: string,
  ): Promise<string> {
    const printable = `${command} ${args.join(' ')}`;
    const [file, argv] = HostNetwork.wrap(namespace, this.release.command(command), args);
    try {
      const { stdout, stderr } = await run(file, argv, {
        env: { ...process.env, FABRIC_CFG_PATH: this.release.configDir, ...env },
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout || stderr;
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; message: string };
      throw new FabricCommandError(
        printable,
        `${failed.stderr ?? ''}${failed.stdout ?? ''}` || failed.message,
      );
    }
  }

  /** The peer CLI as `peer`'s org admin, talking to `peer` over TLS. */
  peer(peer: PeerLayout, args: string[]): Promise<string> {
    const org = this.crypto.organization(peer.mspId);
    return this.exec(
      'peer',
      args,
      {
        FABRIC_CFG_PATH: peer.directory,
        CORE_PEER_LOCALMSPID: peer.mspId,
        CORE_PEER_MSPCONFIGPATH: join(org.directory, 'users', `Admin@${org.domain}`, 'msp'),
        CORE_PEER_ADDRESS: endpointOf(peer),
        CORE_PEER_TLS_ENABLED: 'true',
        CORE_PEER_TLS_ROOTCERT_FILE: this.tlsRootCert(peer),
      },
      peer.namespace,
    );
  }

  /** Arguments that point a peer CLI command at the ordering service over TLS. */
  ordererArgs(orderer: OrdererLayout = this.layout.orderers[0]): string[] {
    return [
      '-o',
      endpointOf(orderer),
      '--ordererTLSHostnameOverride',
      orderer.hostname,
      '--tls',
      '--cafile',
      this.tlsRootCert(orderer),
    ];
  }

  osnadmin(orderer: OrdererLayout, args: string[]): Promise<string> {
    const tlsDir = join(nodeCryptoDir(this.crypto.organization(orderer.mspId), orderer), 'tls');
    return this.exec(
      'osnadmin',
      [
        ...args,
        '-o',
        `${orderer.dialHost}:${orderer.adminPort}`,
        '--ca-file',
        join(tlsDir, 'ca.crt'),
        '--client-cert',
        join(tlsDir, 'server.crt'),
        '--client-key',
        join(tlsDir, 'server.key'),
      ],
      {},
      orderer.namespace,
    );
  }

  tlsRootCert(node: PeerLayout | OrdererLayout): string {
    return join(nodeCryptoDir(this.crypto.organization(node.mspId), node), 'tls', 'ca.crt');
  }
}
