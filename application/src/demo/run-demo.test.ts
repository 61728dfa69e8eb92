import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';

describe('npm run demo', () => {
  it('plays the whole story on an embedded gateway, exits 0, and the chain verifies', async function () {
    this.timeout(2 * 60_000);
    const child = spawn(process.execPath, [join(__dirname, 'run-demo.js'), '--embedded'], {
      env: { ...process.env, GATEWAY_URL: 'http://127.0.0.1:9' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, `${stdout}\n${stderr}`).to.equal(0);
    for (const chapter of [
      'A citizen and a smart meter get an identity',
      'Neighbours trade solar energy',
      'A parcel changes hands',
      'The neighbourhood votes on its budget',
      'Donations, followed to the cent',
      'The auditor verifies the chain',
    ]) {
      expect(stdout).to.include(chapter);
    }
    expect(stdout).to.match(/✔ \d+ Wh traded at \d+ ¢\/kWh/);
    expect(stdout).to.include('market reconciliation: every balance adds up');
    expect(stdout).to.include('counted: true');
    expect(stdout).to.match(/✔ energy: \d+ blocks, chain verified/);
    expect(stdout).to.match(/✔ civic: \d+ blocks, chain verified/);
    expect(stdout).to.include('the chain verifies on every channel');
    // The demo owns the embedded network, so it skips the market's and the vote's waits.
    expect(stdout).to.include("Moving the embedded network's clock");
  });
});
