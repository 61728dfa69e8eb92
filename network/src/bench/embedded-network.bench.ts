// Before the chaincode libraries load, since their loggers read it then: the level the gateway
// runs chaincode at, as a peer in production would.
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? 'warning';

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConsortium } from '../consortium/consortium';
import { EmbeddedNetwork } from '../embedded/embedded-network';
import { assetContracts } from '../embedded/testing/asset-contract';
import { TEST_CONSORTIUM_YAML } from '../embedded/testing/test-network';
import { BenchReport, atLeast } from './bench-report';
import { measureCryptoBaseline } from './crypto-baseline';
import { formatRate, percentile } from './statistics';

/**
 * Committed transactions per second of the embedded network with two-organisation endorsement
 * (AND('Org1MSP.peer','Org2MSP.peer')) and concurrent clients, next to the machine's ECDSA limit.
 */
async function main(): Promise<void> {
  const transactions = Number(process.env.BENCH_TRANSACTIONS ?? 10000);
  const clients = Number(process.env.BENCH_CLIENTS ?? 256);
  // As the gateway's EMBEDDED_CHAINCODE_RUNTIME: `worker` (each organisation's chaincode in a worker
  // thread of its own) or `in-process` (on the calling thread).
  const runner = process.env.BENCH_CHAINCODE ?? 'worker';
  const assetsModule = {
    module: join(__dirname, '..', 'embedded', 'testing', 'asset-contract'),
    exportName: 'assetContracts',
  };
  const crypto = measureCryptoBaseline();
  const dataDir = mkdtempSync(join(tmpdir(), 'cityledger-bench-'));
  const yaml = TEST_CONSORTIUM_YAML.replace(
    /ordering: \{[^}]*\}/,
    'ordering: { batchTimeoutMs: 100, maxMessageCount: 500, absoluteMaxBytes: 10485760, preferredMaxBytes: 4194304 }',
  );
  const network = await EmbeddedNetwork.start({
    consortium: parseConsortium(yaml, 'bench-consortium.yaml'),
    dataDir,
    chaincodes: { assets: assetContracts, other: assetContracts },
    ...(runner === 'worker' ? { chaincodeWorkers: { assets: assetsModule, other: assetsModule } } : {}),
  });
  try {
    const user = await network.crypto.enrollUser('Org1MSP', 'bench', { role: 'tester' });
    // Warm up code paths and caches before measuring.
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        network.submit(user, {
          channel: 'alpha',
          chaincode: 'assets',
          function: 'Put',
          args: [`warm${i}`, 'v'],
        }),
      ),
    );
    const latencies: number[] = [];
    let next = 0;
    const startHeight = network.height('alpha');
    const started = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    const loopStart = performance.eventLoopUtilization();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < transactions) {
          const i = next++;
          const t0 = process.hrtime.bigint();
          await network.submit(user, {
            channel: 'alpha',
            chaincode: 'assets',
            function: 'Put',
            args: [`bench${i}`, `value-${i}`],
          });
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    const loop = performance.eventLoopUtilization(loopStart);
    latencies.sort((a, b) => a - b);
    const tps = transactions / seconds;
    // Per transaction: client signs proposal and envelope, two endorsers sign; two endorsers verify
    // the proposal, the validator verifies the creator and both endorsements.
    const cryptoBound = 1 / (4 / crypto.signPerSecond + 5 / crypto.verifyPerSecond);
    const blocks = network.height('alpha') - startHeight;
    const report = new BenchReport('embedded network');
    const committedGoal = report.record('committed, connector direct', tps, atLeast(1000, 'tx/s'));
    const shareOfLimit = (100 * tps) / cryptoBound;
    const shareGoal = report.record('share of the crypto-bound limit', shareOfLimit, atLeast(50, '%'));
    const lines = [
      'CityLedger benchmark — embedded network',
      `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
      '',
      'machine limit (node:crypto, one core)',
      `  ECDSA P-256 sign      ${formatRate(crypto.signPerSecond)} /s`,
      `  ECDSA P-256 verify    ${formatRate(crypto.verifyPerSecond)} /s`,
      `  SHA-256 (256 B)       ${formatRate(crypto.sha256PerSecond)} /s`,
      '',
      `embedded network: ${transactions} transactions, ${clients} concurrent clients, endorsement AND(Org1, Org2), chaincode ${runner === 'worker' ? 'in a worker thread per organisation' : 'on the main thread'}`,
      `  committed             ${formatRate(tps)} tx/s  (${blocks} blocks, ${(transactions / blocks).toFixed(1)} tx/block)  ${committedGoal}`,
      `  latency               p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
      `  process CPU           ${(((cpu.user + cpu.system) / 1e6 / seconds) * 100).toFixed(0)} % of one core (${((cpu.user + cpu.system) / transactions / 1000).toFixed(2)} ms per tx); main thread busy ${(loop.utilization * 100).toFixed(0)} %`,
      `  crypto-bound limit    ${formatRate(cryptoBound)} tx/s (4 signs + 5 verifies per tx on one core)`,
      `  ratio to that limit   ${(tps / cryptoBound).toFixed(2)} (${shareOfLimit.toFixed(0)} %)  ${shareGoal}`,
      `  ratio to verify rate  ${(tps / crypto.verifyPerSecond).toFixed(3)} tx per verify`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    const phases = await measurePhaseCosts(network, user);
    process.stdout.write(
      [
        '',
        'where one transaction spends CPU (all threads, measured one phase at a time)',
        `  one chaincode query on one peer         ${phases.evaluateUs.toFixed(0)} µs`,
        `  endorsement by two organisations       ${phases.endorseUs.toFixed(0)} µs`,
        `  ordering, validation and commit        ${phases.commitUs.toFixed(0)} µs`,
        `  => CPU-bound ceiling on ${cpus().length} cores      ${formatRate((cpus().length * 1e6) / (phases.endorseUs + phases.commitUs))} tx/s`,
      ].join('\n') + '\n',
    );
    const verification = await network.verifyChain('alpha');
    if (!verification.ok)
      throw new Error(`chain verification failed after the benchmark: ${JSON.stringify(verification)}`);
  } finally {
    await network.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** CPU microseconds per transaction of each stage, each run on its own so they do not overlap. */
async function measurePhaseCosts(
  network: EmbeddedNetwork,
  user: Awaited<ReturnType<EmbeddedNetwork['crypto']['enrollUser']>>,
): Promise<{ evaluateUs: number; endorseUs: number; commitUs: number }> {
  const count = 500;
  const cpuMicros = async (work: () => Promise<unknown>): Promise<number> => {
    const start = process.cpuUsage();
    await work();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / count;
  };
  const call = (fn: string, args: string[]) => ({
    channel: 'alpha',
    chaincode: 'assets',
    function: fn,
    args,
  });
  const evaluateUs = await cpuMicros(async () => {
    for (let i = 0; i < count; i++) await network.evaluate(user, call('Get', [`bench${i}`]));
  });
  const endorsed: Awaited<ReturnType<EmbeddedNetwork['endorse']>>[] = [];
  const endorseUs = await cpuMicros(async () => {
    for (let i = 0; i < count; i++)
      endorsed.push(await network.endorse(user, call('Put', [`phase${i}`, 'v'])));
  });
  const commitUs = await cpuMicros(() => Promise.all(endorsed.map((tx) => network.submitEndorsed(tx))));
  return { evaluateUs, endorseUs, commitUs };
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
