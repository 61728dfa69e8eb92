import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { CHILD_JWT_SECRET, call, childToken } from '@cityledger/application/testing';

/** What the real-Fabric suites do through the gateway, on either network profile. */
const REPO = resolve(__dirname, '..', '..', '..');

export const tokens = {
  utilityOperator: childToken('grid-ops', 'UtilityMSP', 'operator'),
  cityOperator: childToken('city-ops', 'CityMSP', 'operator'),
  auditor: childToken('auditor-1', 'AuditorMSP', 'auditor'),
};

let feedCount = 0;

/** A telemetry feed definition whose id says what was going on when it was written. */
export function feedJson(label: string): string {
  feedCount += 1;
  return JSON.stringify({
    feedId: `fault-${label.replace(/[^a-z0-9]+/g, '-')}-${feedCount}`,
    description: `written while ${label}`,
    metrics: [{ name: 'pm2_5', unit: 'ug/m3' }],
    deviceKinds: ['air-quality-sensor'],
  });
}

/** Creates a telemetry feed on `channel` as an operator of `token`'s org. */
export async function createFeed(
  gatewayUrl: string,
  label: string,
  options: { channel?: string; token?: string } = {},
): Promise<{ status: number; body: { txId: string; blockNumber: number } }> {
  return call(
    gatewayUrl,
    'POST',
    `/api/v1/channels/${options.channel ?? 'energy'}/chaincodes/telemetry/transactions`,
    options.token ?? tokens.utilityOperator,
    { function: 'CreateFeed', args: [feedJson(label)] },
  );
}

/**
 * `npm run demo` against the gateway; resolves with its exit code and output. A demo still running
 * after `timeoutMs` is killed, so that a hang fails with the output showing where it stopped.
 */
export async function playDemo(
  gatewayUrl: string,
  dataDir: string,
  timeoutMs = 8 * 60_000,
): Promise<{ code: number | null; output: string }> {
  const demo = spawn(process.execPath, [join(REPO, 'application', 'dist', 'demo', 'run-demo.js')], {
    env: {
      ...process.env,
      GATEWAY_URL: gatewayUrl,
      JWT_SECRET: CHILD_JWT_SECRET,
      CITYLEDGER_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => {
    output += `\n[killed after ${timeoutMs / 1000} s]`;
    demo.kill('SIGKILL');
  }, timeoutMs);
  const code = await new Promise<number | null>((done) => demo.once('exit', done));
  clearTimeout(timer);
  return { code, output };
}
