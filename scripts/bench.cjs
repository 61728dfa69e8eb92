// npm run bench [-- --ledger fabric [--clients N] [--seconds S]]: the embedded-network, IoT, load
// and overload benchmarks, then — with --ledger fabric — real Fabric next to the embedded network.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const args = process.argv.slice(2);
const ledgerAt = args.indexOf('--ledger');
const ledger = ledgerAt >= 0 ? args[ledgerAt + 1] : 'embedded';
if (!['embedded', 'fabric'].includes(ledger)) {
  console.error(`--ledger must be embedded or fabric, got ${ledger}`);
  process.exit(2);
}
const rest = ledgerAt >= 0 ? [...args.slice(0, ledgerAt), ...args.slice(ledgerAt + 2)] : args;
const benches =
  ledger === 'fabric'
    ? [['test-network/dist/bench/fabric.bench.js', ...rest]]
    : [
        ['network/dist/bench/embedded-network.bench.js'],
        ['application/dist/iot/iot.bench.js'],
        ['application/dist/reliability/load.bench.js'],
        ['application/dist/reliability/overload.bench.js'],
      ];
for (const [script, ...scriptArgs] of benches) {
  const run = spawnSync(process.execPath, [join(root, script), ...scriptArgs], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
