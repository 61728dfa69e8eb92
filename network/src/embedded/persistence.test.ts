import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { compareStateWithReplay } from './audit/state-replay';
import { startTestNetwork } from './testing/test-network';
import { assetCall, evaluateText } from './testing/test-helpers';
import { TxValidationCode } from './validation/validation-codes';

describe('embedded network: persistence and recovery', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cityledger-persist-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps blocks, state, history and identities across a restart and goes on committing', async () => {
    const first = await startTestNetwork(dataDir);
    const alice = await first.network.crypto.enrollUser('Org1MSP', 'alice', { role: 'tester' });
    const { txId } = await first.network.submit(alice, assetCall('Put', ['durable', 'one']));
    const height = first.network.height('alpha');
    await first.network.stop();

    const second = await startTestNetwork(dataDir);
    try {
      const again = await second.network.crypto.enrollUser('Org1MSP', 'alice', { role: 'tester' });
      expect(again.certificatePem).to.equal(alice.certificatePem);
      expect(second.network.height('alpha')).to.equal(height);
      expect(await evaluateText(second.network, again, assetCall('Get', ['durable']))).to.equal('one');
      expect((await second.network.getTransaction('alpha', txId))?.validationCodeName).to.equal('VALID');
      const next = await second.network.submit(again, assetCall('Put', ['durable', 'two']));
      expect(next.blockNumber).to.equal(height);
      expect(await second.network.verifyChain('alpha')).to.deep.include({ ok: true, height: height + 1 });
    } finally {
      await second.network.stop();
    }
  });

  it('answers every submission in flight with UnavailableError when the network stops', async () => {
    const { network, cleanup } = await startTestNetwork(dataDir);
    const user = await network.crypto.enrollUser('Org1MSP', 'alice', { role: 'tester' });
    const inFlight = Array.from({ length: 20 }, (_, i) =>
      network.submit(user, assetCall('Put', [`stop${i}`, 'v'])).then(
        () => 'committed',
        (error: Error) => error.name,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    await network.stop();
    const outcomes = await Promise.all(inFlight);
    expect(
      outcomes.every((o) => o === 'committed' || o === 'UnavailableError'),
      outcomes.join(),
    ).to.equal(true);
    expect(outcomes).to.include('UnavailableError');
    await cleanup();
  });

  it('loses no acknowledged transaction when the process is killed mid-stream, and state equals the replay of the blocks', async function () {
    this.timeout(60_000);
    const writer = spawn(process.execPath, [join(__dirname, 'testing', 'crash-writer.js'), dataDir], {
      env: { ...process.env, CORE_CHAINCODE_LOGGING_LEVEL: 'critical' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged: Array<{ txId: string; key: string }> = [];
    let stderr = '';
    writer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      writer.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          const [tag, txId, key] = line.split(' ');
          if (tag === 'ACK') acknowledged.push({ txId: txId!, key: key! });
        }
        if (acknowledged.length >= 60) resolve();
      });
      writer.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
    });
    writer.kill('SIGKILL');
    await new Promise((resolve) => writer.once('close', resolve));

    const { network, cleanup } = await startTestNetwork(dataDir);
    try {
      const ledger = network.ledger('alpha');
      for (const { txId } of acknowledged) {
        expect((await ledger.getTransactionLocation(txId))?.validationCode, txId).to.equal(
          TxValidationCode.VALID,
        );
      }
      const user = await network.crypto.enrollUser('Org1MSP', 'writer', { role: 'tester' });
      for (const { key } of acknowledged.slice(0, 10)) {
        expect(await evaluateText(network, user, assetCall('Get', [key]))).to.equal(`value-${key}`);
      }
      expect(await network.verifyChain('alpha')).to.include({ ok: true });
      expect(await compareStateWithReplay(ledger)).to.deep.equal([]);
      await network.submit(user, assetCall('Put', ['after-crash', 'ok']));
    } finally {
      await cleanup();
    }
  });
});
