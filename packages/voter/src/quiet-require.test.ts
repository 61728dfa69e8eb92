import { expect } from 'chai';
import { spawnSync } from 'node:child_process';

describe('@cityledger/voter', () => {
  it('loads silently and without the Fabric chaincode runtime', () => {
    // A fresh process: this test run has loaded fabric-contract-api through other packages long since.
    const script = `
      const voter = require('@cityledger/voter');
      const fabric = Object.keys(require.cache).filter((file) => /fabric-(contract-api|shim)/.test(file));
      console.error(JSON.stringify({ exports: Object.keys(voter), fabric }));
    `;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: __dirname, encoding: 'utf8' });
    expect(run.status).to.equal(0);
    expect(run.stdout).to.equal('');
    // The report is the only line on stderr: loading the package printed nothing there either.
    const lines = run.stderr.trim().split('\n');
    expect(lines).to.have.length(1);
    const loaded = JSON.parse(lines[0]) as { exports: string[]; fabric: string[] };
    expect(loaded.fabric).to.deep.equal([]);
    expect(loaded.exports).to.include.members(['prepareVotingToken', 'signBlinded', 'unblindSignature']);
  });
});
