/**
 * Sustained mixed load on a gateway (`main.js` in a child process, as `npm start` runs it) over
 * the embedded network: submissions from many users,
 * queries, and live event subscribers, for BENCH_SECONDS (default 180). Prints throughput,
 * latency percentiles and errors by class per kind of request, memory over time, and this
 * machine's ECDSA P-256 sign/verify rates measured in the same run. Figures, not pass/fail.
 *
 * Before the gateway starts, the same writers, readers and subscribers call the ledger connector
 * the gateway would start (in this process, same limits) for as long, so the REST path's cost
 * shows beside it (issue 20: REST ≥ 80 % of direct). BENCH_DIRECT=off leaves that phase out.
 *
 *   node application/dist/reliability/load.bench.js
 *   BENCH_SECONDS=30 BENCH_WRITERS=32 BENCH_READERS=16 BENCH_SUBSCRIBERS=8 node application/dist/reliability/load.bench.js
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL || 'critical';

import { BenchReport, atLeast, formatRate, measureCryptoBaseline } from '@cityledger/network/bench';
import type { Caller } from '../auth/caller';
import { GatewayError } from '../errors/gateway-errors';
import { httpStatusOf } from '../http/error-response';
import type { LedgerConnector } from '../ledger/ledger-connector';
import { readEvents } from '../testing/event-stream-client';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { personalDataOf } from '../testing/test-gateway';
import { type ChildGateway, call, childToken, startChildGateway } from './child-gateway';
import { startDirectLedger } from './direct-ledger';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 180);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 32);
const READERS = Number(process.env.BENCH_READERS ?? 16);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 8);
const DIRECT = process.env.BENCH_DIRECT !== 'off';
/** The gateway's limits, the same for the gateway and the direct phase's connector. */
const LIMITS = {
  RATE_LIMIT_PER_MINUTE: '0',
  MAX_CONCURRENT_SUBMISSIONS: '64',
  MAX_QUEUED_SUBMISSIONS: '512',
};
const REGISTER = 'register a person (2 submits)';
const QUERY = 'query GetDid';
/** Writers stop at the end; their last submissions commit a little later, so subscribers listen on. */
const LISTEN_AFTER_END_MS = 3_000;

interface Stats {
  latencies: number[];
  byStatus: Map<string, number>;
}

/** One path's run: answers per kind of request, and what the subscribers received. */
interface Phase {
  path: 'REST' | 'direct';
  seconds: number;
  stats: Map<string, Stats>;
  registered: string[];
  delivered: number[];
}

function record(phase: Phase, kind: string, millis: number, status: string): void {
  const entry: Stats = phase.stats.get(kind) ?? { latencies: [], byStatus: new Map() };
  phase.stats.set(kind, entry);
  if (status === '2xx') entry.latencies.push(millis);
  entry.byStatus.set(status, (entry.byStatus.get(status) ?? 0) + 1);
}
const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** How the load reaches the ledger: through the gateway's REST API, or straight to its connector. */
interface LoadTarget {
  path: Phase['path'];
  /** Registers a person as writer `n`; answers the status class, or `network`. */
  registerPerson(n: number, id: string): Promise<string>;
  readDid(n: number, did: string): Promise<string>;
  /** The chaincode events on civic that subscriber `n` receives until `untilMs` (epoch). */
  countEvents(n: number, untilMs: number): Promise<number>;
}

function restTarget(gateway: ChildGateway): LoadTarget {
  const registrars = Array.from({ length: WRITERS }, (_, n) =>
    childToken(`registrar-${n}`, 'CityMSP', 'registrar'),
  );
  const auditor = (role: string, n: number) => childToken(`${role}-${n}`, 'AuditorMSP', 'auditor');
  const readers = Array.from({ length: READERS }, (_, n) => auditor('reader', n));
  const watchers = Array.from({ length: SUBSCRIBERS }, (_, n) => auditor('watcher', n));
  const answerOf = async (request: Promise<{ status: number }>) => {
    try {
      return statusClass((await request).status);
    } catch {
      return 'network';
    }
  };
  return {
    path: 'REST',
    // The persons route submits StorePersonalData (City's peer) then RegisterPerson (MAJORITY).
    registerPerson: (n, id) =>
      answerOf(
        call(gateway.url, 'POST', '/api/v1/channels/civic/persons', registrars[n]!, {
          id,
          personalData: personalDataOf(id),
        }),
      ),
    readDid: (n, did) =>
      answerOf(call(gateway.url, 'GET', `/api/v1/channels/civic/dids/${did}`, readers[n]!)),
    async countEvents(n, untilMs) {
      const { events } = await readEvents(`${gateway.url}/api/v1/channels/civic/events`, {
        headers: { authorization: `Bearer ${watchers[n]}` },
        until: () => Date.now() >= untilMs,
        timeoutMs: untilMs - Date.now() + 2_000,
      });
      return events.filter((e) => e.event === 'chaincode').length;
    },
  };
}

function directTarget(connector: LedgerConnector): LoadTarget {
  const answerOf = async (call: () => Promise<unknown>) => {
    try {
      await call();
      return '2xx';
    } catch (error) {
      return error instanceof GatewayError ? statusClass(httpStatusOf(error)) : 'error';
    }
  };
  const registrar = (n: number): Caller => ({
    userId: `registrar-${n}`,
    mspId: 'CityMSP',
    role: 'registrar',
  });
  const identity = { channel: 'civic', chaincode: 'identity' };
  return {
    path: 'direct',
    // The two submits of the persons route (application/src/domain/identity/identity-resources.ts).
    registerPerson: (n, id) =>
      answerOf(async () => {
        const stored = await connector.submit(registrar(n), {
          ...identity,
          function: 'StorePersonalData',
          args: [didOf(id)],
          transient: { person: JSON.stringify(personalDataOf(id)) },
        });
        const { personalDataHash } = JSON.parse(stored.result.toString()) as { personalDataHash: string };
        await connector.submit(registrar(n), {
          ...identity,
          function: 'RegisterPerson',
          args: [id, personalDataHash],
        });
      }),
    readDid: (n, did) =>
      answerOf(() =>
        connector.evaluate(
          { userId: `reader-${n}`, mspId: 'AuditorMSP', role: 'auditor' },
          { ...identity, function: 'GetDid', args: [did] },
        ),
      ),
    async countEvents(_n, untilMs) {
      let events = 0;
      const unsubscribe = connector.subscribe('civic', (block) => {
        events += block.transactions.filter((tx) => tx.event).length;
      });
      await new Promise((resolve) => setTimeout(resolve, untilMs - Date.now()));
      unsubscribe();
      return events;
    },
  };
}

const didOf = (id: string) => `did:cityledger:civic:${id}`;

async function drive(target: LoadTarget): Promise<Phase> {
  const phase: Phase = { path: target.path, seconds: 0, stats: new Map(), registered: [], delivered: [] };
  const started = Date.now();
  const end = started + SECONDS * 1000;
  const timed = async (kind: string, request: () => Promise<string>) => {
    const t0 = performance.now();
    const status = await request();
    record(phase, kind, performance.now() - t0, status);
    return status;
  };
  const writer = async (n: number) => {
    for (let i = 0; Date.now() < end; i++) {
      const id = `load-${target.path}-${n}-${i}`;
      if ((await timed(REGISTER, () => target.registerPerson(n, id))) === '2xx') phase.registered.push(id);
    }
  };
  const reader = async (n: number) => {
    while (Date.now() < end) {
      const id = phase.registered[Math.floor((phase.registered.length * (n + 0.5)) / READERS)] ?? 'nobody';
      await timed(QUERY, () => target.readDid(n, didOf(id)));
    }
  };
  const subscriber = async (n: number) => {
    phase.delivered[n] = await target.countEvents(n, end + LISTEN_AFTER_END_MS);
  };
  const subscribed = Promise.all(Array.from({ length: SUBSCRIBERS }, (_, n) => subscriber(n)));
  await Promise.all([
    ...Array.from({ length: WRITERS }, (_, n) => writer(n)),
    ...Array.from({ length: READERS }, (_, n) => reader(n)),
  ]);
  // Rates are over the time requests ran, not the subscribers' listening after it.
  phase.seconds = (Date.now() - started) / 1000;
  await subscribed;
  return phase;
}

async function directPhase(): Promise<Phase> {
  const ledger = await startDirectLedger('load-direct', LIMITS);
  try {
    return await drive(directTarget(ledger.connector));
  } finally {
    await ledger.stop();
  }
}

const okPerSecond = (phase: Phase, kind: string) =>
  (phase.stats.get(kind)?.latencies.length ?? 0) / phase.seconds;

function rows(phase: Phase): string[] {
  return [...phase.stats].map(([kind, entry]) => {
    const sorted = entry.latencies.sort((a, b) => a - b);
    const classes = [...entry.byStatus].map(([k, v]) => `${k}: ${v}`).join(', ');
    return `| ${phase.path} | ${kind} | ${okPerSecond(phase, kind).toFixed(1)} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 95).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${(sorted[sorted.length - 1] ?? NaN).toFixed(1)} | ${classes} |`;
  });
}

/** A process's resident memory in MB, from /proc. */
function residentMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
}

async function main(): Promise<void> {
  const machine = measureCryptoBaseline();
  const direct = DIRECT ? await directPhase() : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'cityledger-load-rest-'));
  const gateway = await startChildGateway(dataDir, LIMITS);
  const memory: number[] = [];
  const sampler = setInterval(() => memory.push(residentMb(gateway.process.pid!)), 10_000);
  const rest = await drive(restTarget(gateway));
  clearInterval(sampler);
  const height = (await call(gateway.url, 'GET', '/readyz', '')).body.channels;
  await gateway.stop();
  rmSync(dataDir, { recursive: true, force: true });

  const lines = [
    `CityLedger gateway load: ${SECONDS}s, ${WRITERS} writers (distinct users), ${READERS} readers, ${SUBSCRIBERS} event subscribers`,
    `machine: ECDSA P-256 ${formatRate(machine.signPerSecond)} sign/s, ${formatRate(machine.verifyPerSecond)} verify/s (one core, node:crypto)`,
    '',
    '| path | kind | ok/s | p50 ms | p95 ms | p99 ms | max ms | answers by class |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...(direct ? rows(direct) : []),
    ...rows(rest),
  ];
  if (direct) {
    const share = (100 * okPerSecond(rest, REGISTER)) / okPerSecond(direct, REGISTER);
    const goal = new BenchReport('load').record(
      `RegisterPerson REST / direct, ${WRITERS} writers`,
      share,
      atLeast(80, '%'),
    );
    lines.push(
      '',
      `REST / direct, ${REGISTER}, ${WRITERS} writers: ${share.toFixed(0)} % of the ok/s  ${goal}`,
    );
  }
  for (const phase of direct ? [direct, rest] : [rest]) {
    lines.push(
      '',
      `${phase.path} events: ${phase.registered.length} committed registrations; chaincode events per subscriber: ${phase.delivered.join(', ')}`,
    );
  }
  lines.push(
    `heights: ${JSON.stringify(height.map((c: { channel: string; height: number }) => [c.channel, c.height]))}`,
    `memory (REST gateway), RSS MB every 10 s: ${memory.join(', ') || '—'}`,
    'IoT ingest is measured by application/dist/iot/iot.bench.js (npm run bench runs both).',
  );
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`load benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
