/**
 * Real Fabric next to the embedded network, in one run: committed tx/s and latency of
 * `telemetry.AnchorBatch` (MAJORITY endorsement on `energy`) with N concurrent clients
 *   1. through a bare Fabric Gateway client (fabric-gateway 1.11 + the node:crypto signer),
 *   2. through the CityLedger gateway's REST API on LEDGER=fabric (same network),
 *   3. through the CityLedger gateway's REST API on the embedded network,
 * and this machine's ECDSA rates from the same run. Figures, not pass/fail.
 *
 *   npm run bench -- --ledger fabric
 *   node test-network/dist/bench/fabric.bench.js [--clients 100] [--seconds 30]
 *       [--paths bare,gateway,embedded] [--profiles raft,bft] [--profile-gateway DIR]
 *
 * `--profiles raft,bft` measures Raft on Fabric v2.5 and SmartBFT on v3 (each org on its own host)
 * one after the other in the same run, each on a network of its own.
 *
 * `--profile-gateway DIR` writes a V8 CPU profile of each gateway process into DIR (open it in
 * Chrome's DevTools), to see where the REST path spends what the bare client does not.
 *
 * Uses the running network of FABRIC_NETWORK_DIR when it is deployed and of the profile measured,
 * else stands one up in a temporary folder and takes it down after measuring it.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL || 'critical';

import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from '@hyperledger/fabric-gateway';
import { CHILD_JWT_SECRET, call, childToken, startChildGateway } from '@cityledger/application/testing';
import { PeerConnections, gatewayCredentialsOf } from '@cityledger/application/fabric';
import {
  consortiumAsRun,
  ensureCryptoMaterial,
  loadConsortium,
  readFabricNetworkProfile,
} from '@cityledger/network';
import { BenchReport, atLeast, measureCryptoBaseline, percentile } from '@cityledger/network/bench';
import {
  FabricTestNetwork,
  NETWORK_PROFILES,
  type NetworkProfileName,
  runsOnLoopback,
} from '../fabric-test-network';
import { freeBasePort } from '../e2e/port-range';

const FEED_ID = 'bench-air';
const BARE = (profile: NetworkProfileName) => `bare Fabric Gateway client (${profile})`;
const GATEWAY_FABRIC = (profile: NetworkProfileName) => `CityLedger gateway REST (fabric ${profile})`;
const GATEWAY_EMBEDDED = 'CityLedger gateway REST (embedded)';
const OPERATOR = { sub: 'bench-operator', org: 'UtilityMSP', role: 'operator' };

interface Figures {
  path: string;
  committed: number;
  failed: number;
  seconds: number;
  latenciesMs: number[];
}

/** One AnchorBatch per call; each client anchors its own device's consecutive ranges, so no MVCC conflicts. */
function batchFactory(run: string): (client: number) => string {
  const next = new Map<number, number>();
  return (client) => {
    const first = next.get(client) ?? 1;
    next.set(client, first + 10);
    const deviceId = `bench-${run}-${client}`;
    const now = new Date().toISOString();
    return JSON.stringify({
      feedId: FEED_ID,
      batchId: `${deviceId}-${first}`,
      merkleRoot: createHash('sha256').update(`${deviceId}-${first}`).digest('hex'),
      count: 10,
      perDevice: { [deviceId]: { firstSeq: first, lastSeq: first + 9 } },
      from: now,
      to: now,
    });
  };
}

/** `clients` loops call `once` back to back for `seconds`; only calls started after the warm-up count. */
async function drive(
  path: string,
  clients: number,
  seconds: number,
  once: (client: number) => Promise<void>,
): Promise<Figures> {
  const warmUpMs = 3000;
  const start = Date.now();
  const measureFrom = start + warmUpMs;
  const stopAt = measureFrom + seconds * 1000;
  const latenciesMs: number[] = [];
  let failed = 0;
  let firstError: unknown;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (Date.now() < stopAt) {
        const began = Date.now();
        try {
          await once(client);
          if (began >= measureFrom && Date.now() <= stopAt) latenciesMs.push(Date.now() - began);
        } catch (error) {
          if (began >= measureFrom) failed++;
          firstError ??= error;
        }
      }
    }),
  );
  if (firstError)
    console.error(
      `  ${path}: first failure: ${firstError instanceof Error ? firstError.message : String(firstError)}`,
    );
  latenciesMs.sort((a, b) => a - b);
  return { path, committed: latenciesMs.length, failed, seconds, latenciesMs };
}

function restClient(url: string, token: string, run: string): (client: number) => Promise<void> {
  const batch = batchFactory(run);
  return async (client) => {
    const answer = await call(
      url,
      'POST',
      '/api/v1/channels/energy/chaincodes/telemetry/transactions',
      token,
      {
        function: 'AnchorBatch',
        args: [batch(client)],
      },
    );
    if (answer.status !== 200) throw new Error(`${answer.status} ${JSON.stringify(answer.body)}`);
  };
}

async function ensureFeed(url: string, token: string): Promise<void> {
  const feed = {
    feedId: FEED_ID,
    description: 'benchmark feed',
    metrics: [{ name: 'pm2_5', unit: 'ug/m3' }],
    deviceKinds: ['air-quality-sensor'],
  };
  const answer = await call(url, 'POST', '/api/v1/channels/energy/chaincodes/telemetry/transactions', token, {
    function: 'CreateFeed',
    args: [JSON.stringify(feed)],
  });
  if (answer.status !== 200 && answer.status !== 409)
    throw new Error(`CreateFeed: ${answer.status} ${JSON.stringify(answer.body)}`);
}

async function bareClient(networkDir: string, clients: number, seconds: number): Promise<Figures> {
  const profile = readFabricNetworkProfile(networkDir);
  const crypto = await ensureCryptoMaterial(
    consortiumAsRun(loadConsortium(profile.consortiumFile), profile.profile).definition,
    profile.cryptoDir,
  );
  const identity = await crypto.enrollUser(OPERATOR.org, 'bench-bare-client', { role: OPERATOR.role });
  const peer = profile.peers.find((p) => p.mspId === OPERATOR.org)!;
  // The gRPC connection exactly as the gateway's Fabric connector opens it, so the two paths compare.
  const connections = new PeerConnections(networkDir);
  const client = connections.client(peer);
  const gateway = connect({ client, ...gatewayCredentialsOf(identity) });
  const contract = gateway.getNetwork('energy').getContract('telemetry');
  const batch = batchFactory(`bare-${Date.now()}`);
  try {
    return await drive(BARE(profile.profile), clients, seconds, async (n) => {
      await contract.submitTransaction('AnchorBatch', batch(n));
    });
  } finally {
    gateway.close();
    connections.close();
  }
}

async function gatewayRun(
  path: string,
  env: Record<string, string>,
  clients: number,
  seconds: number,
): Promise<Figures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cityledger-bench-gateway-'));
  const gateway = await startChildGateway(dataDir, {
    ...env,
    MAX_CONCURRENT_SUBMISSIONS: String(Math.max(clients, 64)),
  });
  try {
    const token = childToken(OPERATOR.sub, OPERATOR.org, OPERATOR.role);
    await ensureFeed(gateway.url, token);
    if (seconds === 0) return { path, committed: 0, failed: 0, seconds, latenciesMs: [] };
    return await drive(path, clients, seconds, restClient(gateway.url, token, `${Date.now()}`));
  } finally {
    await gateway.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(rows: Figures[], machine: ReturnType<typeof measureCryptoBaseline>, clients: number): void {
  const line = (cells: string[]) =>
    console.log(cells.map((c, i) => (i === 0 ? c.padEnd(44) : c.padStart(12))).join(''));
  console.log(`\nAnchorBatch, MAJORITY endorsement on energy, ${clients} clients`);
  line(['path', 'tx/s', 'p50 ms', 'p95 ms', 'failed']);
  for (const row of rows) {
    line([
      row.path,
      (row.committed / row.seconds).toFixed(1),
      String(percentile(row.latenciesMs, 50)),
      String(percentile(row.latenciesMs, 95)),
      String(row.failed),
    ]);
  }
  const rate = (path: string) => {
    const row = rows.find((r) => r.path === path);
    return row ? row.committed / row.seconds : undefined;
  };
  const figures = new BenchReport('real Fabric');
  for (const profile of NETWORK_PROFILES) {
    const [bare, rest] = [BARE(profile), GATEWAY_FABRIC(profile)].map(rate);
    if (bare && rest) {
      const share = (rest / bare) * 100;
      const goal = figures.record(`AnchorBatch gateway / bare client, ${profile}`, share, atLeast(90, '%'));
      console.log(`\ngateway / bare client on ${profile}: ${share.toFixed(0)} %  ${goal}`);
    }
  }
  const [raft, bft, embedded] = [GATEWAY_FABRIC('raft'), GATEWAY_FABRIC('bft'), GATEWAY_EMBEDDED].map(rate);
  if (raft && bft) console.log(`gateway on BFT / on Raft:        ${((bft / raft) * 100).toFixed(0)} %`);
  // Issue 20: the same REST path and transaction, only the ledger behind the gateway differs.
  for (const [profile, fabric] of [
    ['Raft', raft],
    ['BFT', bft],
  ] as const) {
    if (!embedded || !fabric) continue;
    const goal = figures.record(
      `AnchorBatch embedded / Fabric ${profile}`,
      embedded / fabric,
      atLeast(5, '×'),
    );
    console.log(
      `embedded / gateway on ${`${profile}:`.padEnd(9)} ${(embedded / fabric).toFixed(1)} ×  ${goal}`,
    );
  }
  console.log(
    `machine, one core: ECDSA P-256 ${Math.round(machine.signPerSecond)} sign/s, ${Math.round(machine.verifyPerSecond)} verify/s`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '30' },
      paths: { type: 'string', default: 'bare,gateway,embedded' },
      profiles: { type: 'string', default: 'raft' },
      'profile-gateway': { type: 'string' },
    },
  });
  const paths = new Set(values.paths.split(','));
  const profiling: Record<string, string> = values['profile-gateway']
    ? {
        NODE_OPTIONS: `--require ${join(__dirname, 'cpu-profiler.js')}`,
        CPU_PROFILE_DIR: values['profile-gateway'],
      }
    : {};
  const clients = Number(values.clients);
  const seconds = Number(values.seconds);
  const machine = measureCryptoBaseline();

  const profiles = values.profiles.split(',') as NetworkProfileName[];
  for (const profile of profiles) {
    if (!NETWORK_PROFILES.includes(profile)) throw new Error(`--profiles: unknown profile ${profile}`);
  }
  const rows: Figures[] = [];
  for (const profile of profiles) {
    await measureFabric(profile, { clients, seconds, paths, profiling }, rows);
  }
  if (paths.has('embedded')) {
    rows.push(await gatewayRun(GATEWAY_EMBEDDED, { LEDGER: 'embedded', ...profiling }, clients, seconds));
  }
  report(rows, machine, clients);
}

/** The bare client and the gateway on one profile's network: FABRIC_NETWORK_DIR's, or one stood up for it. */
async function measureFabric(
  profile: NetworkProfileName,
  run: { clients: number; seconds: number; paths: Set<string>; profiling: Record<string, string> },
  rows: Figures[],
): Promise<void> {
  const given = process.env.FABRIC_NETWORK_DIR;
  const reuse =
    given &&
    existsSync(join(given, 'network.json')) &&
    readFabricNetworkProfile(given).profile === profile &&
    readFabricNetworkProfile(given).chaincodes.length > 0;
  let network: FabricTestNetwork | undefined;
  let networkDir = given ?? '';
  if (!reuse) {
    networkDir = mkdtempSync(join(tmpdir(), `cityledger-bench-${profile}-`));
    network = FabricTestNetwork.open({
      workDir: networkDir,
      profile,
      ...(runsOnLoopback(profile) ? { basePort: await freeBasePort() } : {}),
      log: (l) => console.log(`  ${l}`),
    });
    console.log(`standing up a Fabric network (${profile}) for the benchmark`);
    await network.up();
    await network.deploy();
  }
  try {
    const fabricEnv = {
      LEDGER: 'fabric',
      FABRIC_NETWORK_DIR: networkDir,
      JWT_SECRET: CHILD_JWT_SECRET,
      ...run.profiling,
    };
    // The gateway creates the feed every path anchors to, so it runs once before anything is measured.
    await gatewayRun('(feed)', fabricEnv, 1, 0);
    // A fresh network's chaincode servers and peers run slower until their code is warm; no path
    // should pay for that alone, so a short unreported run goes first.
    await bareClient(networkDir, run.clients, 5);
    if (run.paths.has('bare')) rows.push(await bareClient(networkDir, run.clients, run.seconds));
    if (run.paths.has('gateway')) {
      rows.push(await gatewayRun(GATEWAY_FABRIC(profile), fabricEnv, run.clients, run.seconds));
    }
  } finally {
    await network?.down();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
