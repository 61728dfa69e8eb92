import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type ChildGateway, startChildGateway } from './child-gateway';

async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * A supervisor that runs `npm start` signals the npm process (docs/operations.md): the gateway
 * it started must shut down with it, not live on as an orphan that still answers `/readyz`.
 */
describe('reliability: SIGTERM to `npm start` stops the gateway it started', function () {
  this.timeout(60_000);
  let dataDir: string;
  let gateway: ChildGateway | undefined;

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cityledger-npm-start-'));
  });
  after(async () => {
    await gateway?.crash();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves no gateway process answering once npm has exited', async () => {
    gateway = await startChildGateway(dataDir, {}, { viaNpmStart: true });
    expect(await reachable(gateway.url)).to.equal(true);

    await gateway.stop();

    const deadline = Date.now() + 5000;
    while ((await reachable(gateway.url)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await reachable(gateway.url), 'the gateway still answers after npm exited').to.equal(false);
  });
});
