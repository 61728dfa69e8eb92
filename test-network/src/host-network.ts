import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HostLayout, NetworkLayout } from './network-layout';

const run = promisify(execFile);

/** Where `ip netns exec` finds a namespace's own /etc files (its hosts file among them). */
const NETNS_ETC = '/etc/netns';

export class HostNetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostNetworkError';
  }
}

/**
 * The org hosts of a layout as Linux network namespaces on a private bridge: each org's nodes get
 * their own address and resolve every node's host name through their namespace's hosts file, so
 * TLS names match hosts and nothing relies on loopback — what changes when a member moves its
 * nodes to its own machine is only the address.
 *
 * Needs root (CAP_NET_ADMIN); `remove` undoes everything `create` did, also after a partial create.
 */
export class HostNetwork {
  constructor(private readonly layout: NetworkLayout) {}

  get hosts(): HostLayout[] {
    return this.layout.hosts;
  }

  /** Runs `command` inside `namespace`: what `ProcessSupervisor` and admin commands prefix. */
  static wrap(namespace: string | undefined, command: string, args: string[]): [string, string[]] {
    return namespace ? ['ip', ['netns', 'exec', namespace, command, ...args]] : [command, args];
  }

  async create(): Promise<void> {
    const bridge = this.requireBridge();
    if (typeof process.getuid === 'function' && process.getuid() !== 0) {
      throw new HostNetworkError(
        'each org runs on its own host (a network namespace), which needs root (CAP_NET_ADMIN)',
      );
    }
    await this.remove();
    await ip('link', 'add', bridge.name, 'type', 'bridge');
    await ip('addr', 'add', `${bridge.address}/24`, 'dev', bridge.name);
    await ip('link', 'set', bridge.name, 'up');
    const hostsFile = this.hostsFile();
    for (const host of this.hosts) {
      await ip('netns', 'add', host.namespace);
      await ip('link', 'add', host.hostSide, 'type', 'veth', 'peer', 'name', host.namespaceSide);
      await ip('link', 'set', host.namespaceSide, 'netns', host.namespace);
      await ip('link', 'set', host.hostSide, 'master', bridge.name, 'up');
      await ip('-n', host.namespace, 'addr', 'add', `${host.address}/24`, 'dev', host.namespaceSide);
      await ip('-n', host.namespace, 'link', 'set', host.namespaceSide, 'up');
      await ip('-n', host.namespace, 'link', 'set', 'lo', 'up');
      mkdirSync(join(NETNS_ETC, host.namespace), { recursive: true });
      writeFileSync(join(NETNS_ETC, host.namespace, 'hosts'), hostsFile);
    }
  }

  /** Removes namespaces, veth pairs, the bridge and the namespaces' /etc files; absent ones are fine. */
  async remove(): Promise<void> {
    for (const host of this.hosts) {
      await ip('netns', 'del', host.namespace).catch(ignoreMissing);
      await ip('link', 'del', host.hostSide).catch(ignoreMissing);
      rmSync(join(NETNS_ETC, host.namespace), { recursive: true, force: true });
    }
    if (this.layout.bridge) await ip('link', 'del', this.layout.bridge.name).catch(ignoreMissing);
  }

  /** Cuts one org's host off the bridge (a network partition) or joins it again. */
  async setConnected(mspId: string, connected: boolean): Promise<void> {
    const host = this.hosts.find((candidate) => candidate.mspId === mspId);
    if (!host) throw new HostNetworkError(`no host for ${mspId} in this layout`);
    await ip('link', 'set', host.hostSide, connected ? 'up' : 'down');
  }

  /** What exists of this layout's namespaces and bridge right now (for `down`'s final check). */
  async leftovers(): Promise<string[]> {
    const { stdout: namespaces } = await run('ip', ['netns', 'list']);
    const { stdout: links } = await run('ip', ['-o', 'link', 'show']);
    const found = this.hosts
      .map((host) => host.namespace)
      .filter((name) => new RegExp(`^${name}\\b`, 'm').test(namespaces));
    if (this.layout.bridge && new RegExp(`: ${this.layout.bridge.name}[:@]`).test(links)) {
      found.push(this.layout.bridge.name);
    }
    found.push(...this.hosts.map((h) => join(NETNS_ETC, h.namespace)).filter((dir) => existsSync(dir)));
    return found;
  }

  private hostsFile(): string {
    const lines = ['127.0.0.1 localhost'];
    for (const host of this.hosts) lines.push(`${host.address} ${host.hostnames.join(' ')}`);
    return `${lines.join('\n')}\n`;
  }

  private requireBridge(): { name: string; address: string } {
    if (!this.layout.bridge) throw new HostNetworkError('this layout runs on loopback, not on org hosts');
    return this.layout.bridge;
  }
}

async function ip(...args: string[]): Promise<void> {
  try {
    await run('ip', args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new HostNetworkError(`ip ${args.join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

function ignoreMissing(error: unknown): void {
  if (!(error instanceof HostNetworkError && /Cannot find|does not exist|No such/i.test(error.message))) {
    throw error;
  }
}
