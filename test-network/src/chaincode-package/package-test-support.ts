/** Helpers for this folder's tests: temporary folders, archive inspection, the real peer CLI. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

/** A fresh temporary folder, removed by the returned function. */
export function temporaryFolder(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `cityledger-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Extracts a .tar.gz with the system tar (an independent reader of what we wrote). */
export function extractTarGz(file: string, into: string): void {
  execFileSync('tar', ['-xzf', file, '-C', into]);
}

/** `tar -tvzf` lines: mode, owner, size, time and name of each entry. */
export function listTarGz(file: string): string[] {
  return execFileSync('tar', ['--numeric-owner', '-tvzf', file], { encoding: 'utf8' }).trim().split('\n');
}

/** The peer binary on PATH and the config folder it needs, or why it cannot be used. */
export function peerCli(): { peer: string; env: NodeJS.ProcessEnv } | { missing: string } {
  const peer = (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'peer'))
    .find((candidate) => existsSync(candidate));
  if (!peer) return { missing: 'the Fabric peer CLI is not on PATH' };
  // A Fabric release keeps core.yaml in config/ beside bin/.
  const configDir = process.env.FABRIC_CFG_PATH ?? join(dirname(dirname(realpathSync(peer))), 'config');
  if (!existsSync(join(configDir, 'core.yaml'))) {
    return { missing: `no core.yaml in ${configDir} (set FABRIC_CFG_PATH for the peer CLI)` };
  }
  return { peer, env: { ...process.env, FABRIC_CFG_PATH: configDir } };
}

/** What `peer lifecycle chaincode calculatepackageid <file>` prints. */
export function calculatePackageId(cli: { peer: string; env: NodeJS.ProcessEnv }, file: string): string {
  return execFileSync(cli.peer, ['lifecycle', 'chaincode', 'calculatepackageid', file], {
    env: cli.env,
    encoding: 'utf8',
  }).trim();
}
