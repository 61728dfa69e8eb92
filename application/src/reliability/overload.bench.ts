/**
 * Overload: `AnchorDocument` through the generic transactions API of a gateway (its own process,
 * as `npm start` runs it) from 200 concurrent clients, then from 1,000. Clients honour
 * `Retry-After` on 429. Prints, per phase, committed tx/s, the latency of admitted (committed)
 * submissions, the 429s and how fast they came, the gateway's CPU and read-conflict retries, and
 * the ratios of the 1,000-client phase to the 200-client one against the goals of issue 16:
 * committed tx/s ≥ 90 %, admitted p99 ≤ 2 ×. Before the gateway starts, the first phase's clients
 * submit the same transaction straight to the ledger connector the gateway uses (in this process,
 * same limits), so the REST path's cost shows beside it (issue 20: REST ≥ 80 % of direct).
 * Figures, not pass/fail.
 *
 *   node application/dist/reliability/overload.bench.js
 *   OVERLOAD_SECONDS=30 OVERLOAD_CLIENTS=200,1000 SUBMIT_LATENCY_BUDGET_MS=0 node application/dist/reliability/overload.bench.js
 *
 * SUBMIT_LATENCY_BUDGET_MS (passed to the gateway; 0 = the fixed 64 + 512 queue alone),
 * OVERLOAD_RETRY=immediate (clients ignore Retry-After), OVERLOAD_WARMUP_SECONDS (default 5),
 * OVERLOAD_DIRECT=off (no connector-direct phase).
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL || 'critical';

import { createHash, randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchReport, atLeast, atMost } from '@cityledger/network/bench';
import { GatewayError, TooManyRequestsError } from '../errors/gateway-errors';
import type { LedgerConnector } from '../ledger/ledger-connector';
import { childToken, startChildGateway } from './child-gateway';
import { startDirectLedger } from './direct-ledger';

const SECONDS = Number(process.env.OVERLOAD_SECONDS ?? 30);
const WARMUP_SECONDS = Number(process.env.OVERLOAD_WARMUP_SECONDS ?? 5);
const PHASES = (process.env.OVERLOAD_CLIENTS ?? '200,1000').split(',').map(Number);
const HONOUR_RETRY_AFTER = process.env.OVERLOAD_RETRY !== 'immediate';
const BUDGET_MS = process.env.SUBMIT_LATENCY_BUDGET_MS ?? '2000';
const DIRECT = process.env.OVERLOAD_DIRECT !== 'off';
/** The gateway's submission limits, the same for the child gateway and the direct phase. */
const LIMITS = {
  MAX_CONCURRENT_SUBMISSIONS: process.env.MAX_CONCURRENT_SUBMISSIONS ?? '64',
  MAX_QUEUED_SUBMISSIONS: process.env.MAX_QUEUED_SUBMISSIONS ?? '512',
  SUBMIT_LATENCY_BUDGET_MS: BUDGET_MS,
  EMBEDDED_CHAINCODE_RUNTIME: process.env.EMBEDDED_CHAINCODE_RUNTIME ?? 'worker',
};
/** Registrars the clients share: each is enrolled once, in the warm-up. */
const REGISTRARS = 10;
const PATH = '/api/v1/channels/civic/chaincodes/land-registry/transactions';

interface Phase {
  /** REST through the gateway, or straight to its ledger connector. */
  path: 'REST' | 'direct';
  clients: number;
  seconds: number;
  committedLatencies: number[];
  refusedLatencies: number[];
  other: Map<string, number>;
  gatewayCpu: number;
  clientCpu: number;
  conflictRetries: number;
  loopDelayMaxSeconds: number;
  /** Admitted p99 without the first 5 s, when all clients connect at once. */
  steadyP99: number;
  /** Connections the kernel dropped because the gateway's accept queue was full (Linux). */
  listenOverflows: number;
  /** The slowest admitted submissions as [start within the phase, latency], in ms: when the tail began. */
  slowest: Array<[number, number]>;
  /** The machine's 1-minute load average at the end: other work on the same cores moves every figure. */
  loadAverage: number;
}

/** The kernel's count of connections dropped on a full accept queue, NaN off Linux. */
function listenOverflows(): number {
  try {
    const [names, values] = readFileSync('/proc/net/netstat', 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('TcpExt:'))
      .map((line) => line.split(' '));
    return Number(values![names!.indexOf('ListenOverflows')]);
  } catch {
    return NaN;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** User + system CPU seconds a process has used (Linux), NaN elsewhere. */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Sums of the gateway's counters whose sample lines start with these prefixes. */
interface GatewayCounters {
  retries: number;
  loopDelayMax: number;
}

async function metricsText(url: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (await fetch(`${url}/metrics`)).text();
    } catch (error) {
      // A pooled connection the gateway has just closed as idle: take a new one.
      if (attempt === 3) throw error;
      await sleep(200);
    }
  }
}

async function gatewayCounters(url: string): Promise<GatewayCounters> {
  const text = await metricsText(url);
  const sum = (prefix: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(prefix))
      .reduce((total, line) => total + Number(line.split(' ').pop()), 0);
  return {
    retries: sum('cityledger_ledger_submission_retries_total{'),
    // The largest event-loop delay since the previous scrape (prom-client resets it on each).
    loopDelayMax: sum('cityledger_nodejs_eventloop_lag_max_seconds'),
  };
}

/** One submission's answer: an HTTP status (or error code) and the Retry-After it carried. */
interface Answer {
  status: string;
  retryAfter: number;
}

/** Submits AnchorDocument of `hash` as client `n`. */
type Submit = (n: number, hash: string, note: string) => Promise<Answer>;

function restSubmit(url: string): Submit {
  const tokens = Array.from({ length: REGISTRARS }, (_, n) =>
    childToken(`overload-registrar-${n}`, 'CityMSP', 'registrar'),
  );
  return async (n, hash, note) => {
    try {
      const response = await fetch(`${url}${PATH}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[n % REGISTRARS]}`, 'content-type': 'application/json' },
        body: JSON.stringify({ function: 'AnchorDocument', args: [hash, 'deed', note, '[]'] }),
      });
      await response.arrayBuffer();
      return {
        status: String(response.status),
        retryAfter: Number(response.headers.get('retry-after') ?? 1),
      };
    } catch {
      return { status: 'network', retryAfter: 0 };
    }
  };
}

function directSubmit(connector: LedgerConnector): Submit {
  return async (n, hash, note) => {
    try {
      await connector.submit(
        { userId: `overload-registrar-${n % REGISTRARS}`, mspId: 'CityMSP', role: 'registrar' },
        {
          channel: 'civic',
          chaincode: 'land-registry',
          function: 'AnchorDocument',
          args: [hash, 'deed', note, '[]'],
        },
      );
      return { status: '200', retryAfter: 0 };
    } catch (error) {
      if (error instanceof TooManyRequestsError)
        return { status: '429', retryAfter: error.retryAfterSeconds };
      return { status: error instanceof GatewayError ? error.code : 'error', retryAfter: 0 };
    }
  };
}

/** How a phase reads the ledger's side: the gateway's process and metrics, or this process. */
interface Target {
  path: Phase['path'];
  submit: Submit;
  cpuSeconds(): number;
  counters(): Promise<GatewayCounters>;
}

function restTarget(url: string, pid: number): Target {
  return {
    path: 'REST',
    submit: restSubmit(url),
    cpuSeconds: () => cpuSecondsOf(pid),
    counters: () => gatewayCounters(url),
  };
}

function directTarget(connector: LedgerConnector): Target {
  const cpuSeconds = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  return {
    path: 'direct',
    submit: directSubmit(connector),
    cpuSeconds,
    counters: async () => ({ retries: NaN, loopDelayMax: NaN }),
  };
}

async function drive(target: Target, clients: number, seconds: number, run: string): Promise<Phase> {
  const phase: Phase = {
    path: target.path,
    clients,
    seconds,
    committedLatencies: [],
    refusedLatencies: [],
    other: new Map(),
    gatewayCpu: 0,
    clientCpu: 0,
    conflictRetries: 0,
    loopDelayMaxSeconds: NaN,
    steadyP99: NaN,
    listenOverflows: NaN,
    slowest: [],
    loadAverage: NaN,
  };
  const overflowsBefore = listenOverflows();
  const steady: number[] = [];
  const countersBefore = await target.counters();
  const cpuBefore = target.cpuSeconds();
  const clientCpuBefore = process.cpuUsage();
  const started = performance.now();
  const end = started + seconds * 1000;
  const client = async (n: number) => {
    for (let i = 0; performance.now() < end; i++) {
      const hash = createHash('sha256').update(`${run}-${clients}-${n}-${i}`).digest('hex');
      const t0 = performance.now();
      const { status, retryAfter } = await target.submit(n, hash, `overload ${n}/${i}`);
      const millis = performance.now() - t0;
      if (status === '200') {
        phase.committedLatencies.push(millis);
        phase.slowest.push([t0 - started, millis]);
        if (t0 - started > 5_000) steady.push(millis);
      } else if (status === '429') phase.refusedLatencies.push(millis);
      else phase.other.set(status, (phase.other.get(status) ?? 0) + 1);
      if (status === '429' && HONOUR_RETRY_AFTER) {
        // Jitter spreads the refused clients' return over the next second instead of one instant.
        await sleep(retryAfter * 1000 + randomInt(1000));
      } else if (status !== '200' && status !== '429') {
        await sleep(100);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, n) => client(n)));
  // Submissions admitted before the end commit a little after it: count them over the real time.
  phase.seconds = (performance.now() - started) / 1000;
  phase.gatewayCpu = (target.cpuSeconds() - cpuBefore) / phase.seconds;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  // Direct, the clients share the connector's process: its CPU is counted once, as the gateway's.
  phase.clientCpu = target.path === 'REST' ? (clientCpu.user + clientCpu.system) / 1e6 / phase.seconds : NaN;
  const countersAfter = await target.counters();
  phase.conflictRetries = countersAfter.retries - countersBefore.retries;
  phase.listenOverflows = listenOverflows() - overflowsBefore;
  phase.slowest = phase.slowest.sort((a, b) => b[1] - a[1]).slice(0, 5);
  phase.loadAverage = loadavg()[0]!;
  phase.loopDelayMaxSeconds = countersAfter.loopDelayMax;
  phase.steadyP99 = percentile(
    steady.sort((a, b) => a - b),
    99,
  );
  return phase;
}

function row(phase: Phase): string {
  // The direct phase has no gateway metrics and no separate client process.
  const figure = (value: number, text: string) => (Number.isNaN(value) ? '—' : text);
  const committed = phase.committedLatencies.sort((a, b) => a - b);
  const refused = phase.refusedLatencies.sort((a, b) => a - b);
  const other = [...phase.other].map(([k, v]) => `${k}: ${v}`).join(', ') || '—';
  return (
    `| ${phase.path} | ${phase.clients} | ${(committed.length / phase.seconds).toFixed(1)} | ` +
    `${percentile(committed, 50).toFixed(0)} | ${percentile(committed, 99).toFixed(0)} | ` +
    `${refused.length} | ${percentile(refused, 50).toFixed(1)} | ${other} | ` +
    `${phase.steadyP99.toFixed(0)} | ${figure(phase.loopDelayMaxSeconds, (phase.loopDelayMaxSeconds * 1000).toFixed(0))} | ` +
    `${(phase.gatewayCpu * 100).toFixed(0)} % | ${figure(phase.clientCpu, `${(phase.clientCpu * 100).toFixed(0)} %`)} | ` +
    `${figure(phase.conflictRetries, String(phase.conflictRetries))} |`
  );
}

/**
 * The first phase's clients straight to an embedded ledger connector in this process, configured as
 * the gateway configures its own (same limits), over a data directory of its own.
 */
async function directPhase(clients: number, run: string): Promise<Phase> {
  const ledger = await startDirectLedger('overload-direct', LIMITS);
  try {
    const target = directTarget(ledger.connector);
    await drive(target, 64, WARMUP_SECONDS, `${run}-direct-warmup`);
    return await drive(target, clients, SECONDS, `${run}-direct`);
  } finally {
    await ledger.stop();
  }
}

const rate = (p: Phase) => p.committedLatencies.length / p.seconds;
const p99 = (p: Phase) => percentile(p.committedLatencies, 99);

/** The ratios issue 16 (1,000 clients against 200) and issue 20 (REST against direct) set goals for. */
function ratios(phases: Phase[], direct: Phase | undefined): string[] {
  const lines: string[] = [];
  const figures = new BenchReport('overload');
  const [base, loaded] = [phases[0], phases[phases.length - 1]];
  if (direct && base) {
    const share = (100 * rate(base)) / rate(direct);
    lines.push(
      '',
      `REST / direct at ${base.clients} clients: ${share.toFixed(0)} % of the committed tx/s  ` +
        figures.record(`AnchorDocument REST / direct, ${base.clients} clients`, share, atLeast(80, '%')),
    );
  }
  if (base && loaded && base !== loaded) {
    const kept = (100 * rate(loaded)) / rate(base);
    const tail = p99(loaded) / p99(base);
    const against = `${loaded.clients} / ${base.clients} clients`;
    lines.push(
      '',
      `committed tx/s at ${loaded.clients} / at ${base.clients}: ${kept.toFixed(0)} %  ` +
        figures.record(`committed tx/s, ${against}`, kept, atLeast(90, '%')),
      `admitted p99 at ${loaded.clients} / at ${base.clients}: ${tail.toFixed(2)} ×  ` +
        figures.record(`admitted p99, ${against}`, tail, atMost(2, '×')),
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const run = `${Date.now()}`;
  const direct = DIRECT && PHASES[0] ? await directPhase(PHASES[0], run) : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'cityledger-overload-'));
  const gateway = await startChildGateway(dataDir, LIMITS);
  try {
    const target = restTarget(gateway.url, gateway.process.pid!);
    // Enrols the registrars and warms the chaincode up; not measured.
    await drive(target, 64, WARMUP_SECONDS, `${run}-warmup`);
    const phases: Phase[] = [];
    for (const clients of PHASES) {
      phases.push(await drive(target, clients, SECONDS, run));
      await sleep(2_000);
    }
    const lines = [
      `CityLedger overload: AnchorDocument through the generic API, ${SECONDS} s per phase, ` +
        `SUBMIT_LATENCY_BUDGET_MS=${BUDGET_MS}, clients ${HONOUR_RETRY_AFTER ? 'honour Retry-After (+0–1 s jitter)' : 'retry at once'}`,
      '',
      '| path | clients | committed tx/s | admitted p50 ms | admitted p99 ms | 429s | 429 p50 ms | other answers | p99 after 5 s | event-loop delay max ms | ledger-side CPU | clients CPU | MVCC retries |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
      ...(direct ? [direct] : []).concat(phases).map(row),
      ...ratios(phases, direct),
    ];
    for (const phase of phases) {
      lines.push(
        '',
        `${phase.clients} clients: load average ${phase.loadAverage.toFixed(1)}; ` +
          `${phase.listenOverflows} connections dropped on a full accept queue; ` +
          `slowest admitted (start s → ms): ${phase.slowest.map(([at, ms]) => `${(at / 1000).toFixed(1)}→${ms.toFixed(0)}`).join(' ')}`,
      );
    }
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await gateway.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `overload benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
