#!/usr/bin/env node
// `npm run test:fabric [-- --profile raft|bft]`: the real-Fabric suites of one network profile,
// on a network the mocha fixture stands up from nothing and takes down again.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const SUITES = {
  raft: 'test-network/mocharc.fabric.json',
  bft: 'test-network/mocharc.fabric-bft.json',
};

const args = process.argv.slice(2);
const at = args.indexOf('--profile');
const profile = at >= 0 ? args[at + 1] : 'raft';
if (!SUITES[profile]) {
  console.error(`--profile must be one of ${Object.keys(SUITES).join(', ')}, got ${profile ?? 'nothing'}`);
  process.exit(2);
}
const rest = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
const mocha = join(__dirname, '..', 'node_modules', 'mocha', 'bin', 'mocha.js');
const result = spawnSync(process.execPath, [mocha, '--config', SUITES[profile], ...rest], {
  stdio: 'inherit',
  env: { ...process.env, FABRIC_PROFILE: profile },
});
process.exit(result.status ?? 1);
