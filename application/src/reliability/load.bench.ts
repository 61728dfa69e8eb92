/**
 * Sustained mixed load on a gateway over the embedded network: submissions from many users,
 * queries, and live event subscribers, for BENCH_SECONDS (default 180). Prints throughput,
 * latency percentiles and errors by class per kind of request, memory over time, and this
 * machine's ECDSA P-256 sign/verify rates measured in the same run. Figures, not pass/fail.
 *
 *   node application/dist/reliability/load.bench.js
 *   BENCH_SECONDS=30 BENCH_WRITERS=32 BENCH_READERS=16 BENCH_SUBSCRIBERS=8 node application/dist/reliability/load.bench.js
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL || 'critical';

import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { readEvents } from '../testing/event-stream-client';
import { personalDataOf, startTestGateway } from '../testing/test-gateway';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 180);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 32);
const READERS = Number(process.env.BENCH_READERS ?? 16);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 8);

interface Stats {
  latencies: number[];
  byStatus: Map<string, number>;
}
const stats = new Map<string, Stats>();
function record(kind: string, millis: number, status: string): void {
  const entry: Stats = stats.get(kind) ?? { latencies: [], byStatus: new Map() };
  stats.set(kind, entry);
  if (status === '2xx') entry.latencies.push(millis);
  entry.byStatus.set(status, (entry.byStatus.get(status) ?? 0) + 1);
}
const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function ecdsaRates(): { signPerSecond: number; verifyPerSecond: number } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const data = Buffer.alloc(256, 7);
  const signature = sign('sha256', data, privateKey);
  const rate = (fn: () => void) => {
    const start = process.hrtime.bigint();
    let n = 0;
    while (process.hrtime.bigint() - start < 1_000_000_000n) {
      fn();
      n++;
    }
    return n;
  };
  return {
    signPerSecond: rate(() => sign('sha256', data, privateKey)),
    verifyPerSecond: rate(() => verify('sha256', data, publicKey, signature)),
  };
}

async function main(): Promise<void> {
  const machine = ecdsaRates();
  const gateway = await startTestGateway({
    RATE_LIMIT_PER_MINUTE: '0',
    MAX_CONCURRENT_SUBMISSIONS: '64',
    MAX_QUEUED_SUBMISSIONS: '512',
  });
  const end = Date.now() + SECONDS * 1000;
  const memory: Array<{ second: number; rssMb: number; heapMb: number }> = [];
  const started = Date.now();
  const sampler = setInterval(() => {
    const { rss, heapUsed } = process.memoryUsage();
    memory.push({
      second: Math.round((Date.now() - started) / 1000),
      rssMb: Math.round(rss / 1048576),
      heapMb: Math.round(heapUsed / 1048576),
    });
  }, 10_000);

  const registered: string[] = [];
  const writer = async (n: number) => {
    const token = gateway.token(`registrar-${n}`, 'CityMSP', 'registrar');
    for (let i = 0; Date.now() < end; i++) {
      const id = `load-${n}-${i}`;
      const t0 = performance.now();
      try {
        // The persons route submits StorePersonalData (City's peer) then RegisterPerson (MAJORITY).
        const answer = await gateway.request('POST', '/api/v1/channels/civic/persons', {
          token,
          body: { id, personalData: personalDataOf(id) },
        });
        record('register a person (2 submits)', performance.now() - t0, statusClass(answer.status));
        if (answer.status === 201) registered.push(id);
      } catch {
        record('register a person (2 submits)', performance.now() - t0, 'network');
      }
    }
  };
  const reader = async (n: number) => {
    const token = gateway.token(`reader-${n}`, 'AuditorMSP', 'auditor');
    while (Date.now() < end) {
      const id = registered[Math.floor((registered.length * (n + 0.5)) / READERS)] ?? 'nobody';
      const t0 = performance.now();
      try {
        const answer = await gateway.request(
          'GET',
          `/api/v1/channels/civic/dids/did:cityledger:civic:${id}`,
          {
            token,
          },
        );
        record('query GetDid', performance.now() - t0, statusClass(answer.status));
      } catch {
        record('query GetDid', performance.now() - t0, 'network');
      }
    }
  };
  const delivered: number[] = [];
  const subscriber = async (n: number) => {
    const token = gateway.token(`watcher-${n}`, 'AuditorMSP', 'auditor');
    const { events } = await readEvents(`${gateway.url}/api/v1/channels/civic/events`, {
      headers: { authorization: `Bearer ${token}` },
      // Writers stop at `end`; their last submissions commit a little later, so listen on.
      until: () => Date.now() >= end + 3_000,
      timeoutMs: SECONDS * 1000 + 5_000,
    });
    delivered[n] = events.filter((e) => e.event === 'chaincode').length;
  };

  await Promise.all([
    ...Array.from({ length: WRITERS }, (_, n) => writer(n)),
    ...Array.from({ length: READERS }, (_, n) => reader(n)),
    ...Array.from({ length: SUBSCRIBERS }, (_, n) => subscriber(n)),
  ]);
  clearInterval(sampler);
  const elapsed = (Date.now() - started) / 1000;
  const height = (await gateway.request('GET', '/readyz')).body.channels;
  await gateway.stop();

  const lines = [
    `CityLedger gateway load: ${SECONDS}s, ${WRITERS} writers (distinct users), ${READERS} readers, ${SUBSCRIBERS} event subscribers`,
    `machine: ECDSA P-256 ${machine.signPerSecond} sign/s, ${machine.verifyPerSecond} verify/s (one core, node:crypto)`,
    '',
    '| kind | ok/s | p50 ms | p95 ms | p99 ms | max ms | answers by class |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const [kind, entry] of stats) {
    const sorted = entry.latencies.sort((a, b) => a - b);
    const classes = [...entry.byStatus].map(([k, v]) => `${k}: ${v}`).join(', ');
    lines.push(
      `| ${kind} | ${(sorted.length / elapsed).toFixed(1)} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 95).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${(sorted[sorted.length - 1] ?? NaN).toFixed(1)} | ${classes} |`,
    );
  }
  lines.push(
    '',
    `events: ${registered.length} committed registrations; chaincode events per subscriber: ${delivered.join(', ')}`,
    `heights: ${JSON.stringify(height.map((c: { channel: string; height: number }) => [c.channel, c.height]))}`,
    'IoT ingest is measured by application/dist/iot/iot.bench.js (npm run bench runs both).',
  );
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`load benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
