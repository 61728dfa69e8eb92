import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type ChildGateway, startChildGateway } from './child-gateway';

describe('reliability: an uncaught exception stops the gateway instead of leaving it running', () => {
  let dataDir: string;
  let gateway: ChildGateway;

  before(async function () {
    this.timeout(60_000);
    dataDir = mkdtempSync(join(tmpdir(), 'cityledger-uncaught-'));
    // A fault injected from outside the gateway's code: SIGUSR2 throws from a timer callback.
    const fault = join(dataDir, 'inject-fault.cjs');
    writeFileSync(
      fault,
      "process.on('SIGUSR2', () => setImmediate(() => { throw new Error('injected fault'); }));\n",
    );
    gateway = await startChildGateway(join(dataDir, 'data'), { NODE_OPTIONS: `--require ${fault}` });
  });

  after(async () => {
    await gateway.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits with status 1 and says why, although fabric-shim catches uncaught exceptions', async () => {
    expect((await fetch(`${gateway.url}/healthz`)).status).to.equal(200);
    const exit = new Promise<number | null>((resolve) =>
      gateway.process.once('exit', (code) => resolve(code)),
    );
    gateway.process.kill('SIGUSR2');
    expect(await exit).to.equal(1);
    expect(gateway.stderr()).to.match(/the gateway stopped on an uncaught exception: Error: injected fault/);
  });
});
