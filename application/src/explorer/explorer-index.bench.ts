import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedNetwork, parseConsortium } from '@cityledger/network';
import { TEST_CONSORTIUM_YAML, assetContracts } from '@cityledger/network/testing';
import { ledgerBlockOf } from '../ledger/ledger-views';
import { ChannelIndex } from './channel-index';

/**
 * What rebuilding the explorer index from the chain costs: commits BENCH_BLOCKS blocks (two
 * transactions each) on the embedded network, then times an index following the channel from
 * block 0 — reading, decoding and indexing every block, as at each gateway start — and prints its
 * memory and the time of filtered pages. Run with `node --expose-gc` for the memory figure.
 */
async function main(): Promise<void> {
  const blocks = Number(process.env.BENCH_BLOCKS ?? 10_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'cityledger-index-bench-'));
  const yaml = TEST_CONSORTIUM_YAML.replace(
    /ordering: \{[^}]*\}/,
    'ordering: { batchTimeoutMs: 20, maxMessageCount: 2, absoluteMaxBytes: 131072, preferredMaxBytes: 65536 }',
  );
  const network = await EmbeddedNetwork.start({
    consortium: parseConsortium(yaml, 'bench-consortium.yaml'),
    dataDir,
    chaincodes: { assets: assetContracts, other: assetContracts },
  });
  try {
    const users = await Promise.all(
      ['Org1MSP', 'Org2MSP'].map((msp) => network.crypto.enrollUser(msp, 'bench', { role: 'tester' })),
    );
    const built = Date.now();
    let submitted = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, client) => {
        while (network.height('alpha') < blocks) {
          const n = submitted++;
          await network.submit(users[client % 2]!, {
            channel: 'alpha',
            chaincode: n % 3 === 0 ? 'other' : 'assets',
            function: n % 5 === 0 ? 'Delete' : 'Put',
            args: n % 5 === 0 ? [`key${n % 500}`] : [`key${n % 500}`, `value${n}`],
          });
        }
      }),
    );
    const height = network.height('alpha');
    console.log(
      `chain: ${height} blocks, ${submitted} transactions, built in ${(Date.now() - built) / 1000} s`,
    );

    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const index = new ChannelIndex();
    const started = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      const stop = network.subscribe(
        'alpha',
        (block) => {
          index.add(ledgerBlockOf(block));
          if (index.height >= height) {
            stop();
            resolve();
          }
        },
        { fromBlock: 0 },
      );
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(
      `rebuild: ${index.height} blocks, ${index.transactionCount} transactions in ${seconds.toFixed(2)} s ` +
        `(${Math.round(index.height / seconds)} blocks/s)`,
    );
    if (gc) {
      gc();
      const bytes = process.memoryUsage().heapUsed - heapBefore;
      console.log(
        `memory: ${(bytes / 2 ** 20).toFixed(1)} MiB, ${Math.round(bytes / index.transactionCount)} bytes per transaction`,
      );
    }
    for (const [name, filter] of [
      ['newest 20', {}],
      ['chaincode', { chaincode: 'other' }],
      ['function + creator', { function: 'Delete', creatorMsp: 'Org2MSP' }],
      ['time range', { fromMs: Date.now() - 5_000, toMs: Date.now() }],
    ] as const) {
      const t = process.hrtime.bigint();
      for (let i = 0; i < 100; i++) index.transactionPage(filter, 20);
      console.log(`page (${name}): ${(Number(process.hrtime.bigint() - t) / 1e8).toFixed(3)} ms`);
    }
  } finally {
    await network.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
