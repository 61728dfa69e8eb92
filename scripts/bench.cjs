// npm run bench [-- --ledger fabric [--clients N] [--seconds S]]: the embedded-network, IoT, load
// and overload benchmarks, then — with --ledger fabric — real Fabric next to the embedded network.
// Each bench prints its own figures and appends its headline ones to BENCH_REPORT; at the end, one
// table holds them all next to their goals, with this machine's crypto rates measured at the start
// (figures only compare across machines beside those). Every bench's own knobs (BENCH_SECONDS,
// OVERLOAD_SECONDS, IOT_BENCH_READINGS, …) pass through the environment, for short runs.
// The exit status says whether a bench crashed, never whether a goal was met.
const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { cpus, tmpdir } = require('node:os');
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

// npm run bench has built the tree: the benches' own crypto measurement and formats, from its output.
const { formatFigure, formatRate, measureCryptoBaseline } = require(
  join(root, 'network/dist/bench/index.js'),
);

const crypto = measureCryptoBaseline();
const reportDir = mkdtempSync(join(tmpdir(), 'cityledger-bench-report-'));
const reportFile = join(reportDir, 'figures.jsonl');
const crashed = [];
try {
  for (const [script, ...scriptArgs] of benches) {
    const run = spawnSync(process.execPath, [join(root, script), ...scriptArgs], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_REPORT: reportFile },
    });
    if (run.status !== 0) crashed.push(`${script} (${run.status ?? run.signal})`);
  }
  const figures = existsSync(reportFile)
    ? readFileSync(reportFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
    : [];
  printSummary(figures);
} finally {
  rmSync(reportDir, { recursive: true, force: true });
}
if (crashed.length > 0) {
  console.error(`\nbenches that crashed: ${crashed.join(', ')}`);
  process.exit(1);
}

function printSummary(figures) {
  const verdict = (met) => (met === null ? 'not judged' : met ? 'met' : 'not met');
  const table = [
    ['bench', 'figure', 'value', 'goal', ''],
    ...figures.map((f) => [f.bench, f.figure, formatFigure(f.value, f.unit), f.goal, verdict(f.met)]),
  ];
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  // Values read best right-aligned, so that their digits line up.
  const line = (row) =>
    row.map((cell, column) => (column === 2 ? cell.padStart(widths[column]) : cell.padEnd(widths[column])));
  console.log('\nSummary: headline figures and their goals (issues 16 and 20)\n');
  for (const row of table) console.log(`  ${line(row).join('  ').trimEnd()}`);
  if (figures.length === 0) console.log('  (no figure was recorded)');
  console.log(
    [
      '',
      `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; node:crypto at the start of this run`,
      `  ECDSA P-256 sign, one core      ${formatRate(crypto.signPerSecond)} /s`,
      `  ECDSA P-256 verify, one core    ${formatRate(crypto.verifyPerSecond)} /s`,
      `  ECDSA P-256 verify, two cores   ${formatRate(2 * crypto.verifyPerSecond)} /s (2 × one core)`,
      `  SHA-256 (256 B), one core       ${formatRate(crypto.sha256PerSecond)} /s`,
    ].join('\n'),
  );
}
