import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect } from 'chai';
import { join } from 'node:path';
import { peer } from '@hyperledger/fabric-protos';
import { EmbeddedNetwork } from '../embedded-network';
import { crashingContracts } from '../testing/crashing-contract';
import { testConsortium } from '../testing/test-network';
import { rejectionOf } from '../testing/test-helpers';
import { assetContracts } from '../testing/asset-contract';
import { ContractChaincode } from './contract-chaincode';
import type { PeerSide } from './shim-handler';
import { WorkerChaincodeRunner } from './worker-chaincode-runner';

const invocation = {
  channel: 'alpha',
  txId: 'tx1',
  args: [Buffer.from('Get'), Buffer.from('k')],
  signedProposal: new peer.SignedProposal(),
};
const unusedPeerSide = {} as PeerSide;
const assets = new ContractChaincode('assets', '1.0.0', assetContracts);

describe('WorkerChaincodeRunner', () => {
  it('refuses every invocation, naming the package, when a chaincode package cannot be loaded', async () => {
    const runner = new WorkerChaincodeRunner('Org1MSP', [
      { name: 'assets', version: '1.0.0', module: join(__dirname, 'no-such-chaincode') },
    ]);
    try {
      const error = await rejectionOf(runner.invoke(assets, invocation, unusedPeerSide));
      expect(error.message).to.match(/no-such-chaincode/);
      expect((await rejectionOf(runner.invoke(assets, invocation, unusedPeerSide))).message).to.equal(
        error.message,
      );
    } finally {
      await runner.close();
    }
  });

  it('refuses a package whose export is not a contract list', async () => {
    const runner = new WorkerChaincodeRunner('Org1MSP', [
      {
        name: 'assets',
        version: '1.0.0',
        module: join(__dirname, '..', 'testing', 'asset-contract'),
        exportName: 'AssetLabel',
      },
    ]);
    try {
      const error = await rejectionOf(runner.invoke(assets, invocation, unusedPeerSide));
      expect(error.message).to.match(/asset-contract exports no contract list 'AssetLabel'/);
    } finally {
      await runner.close();
    }
  });

  it('refuses invocations once closed', async () => {
    const runner = new WorkerChaincodeRunner('Org1MSP', [
      {
        name: 'assets',
        version: '1.0.0',
        module: join(__dirname, '..', 'testing', 'asset-contract'),
        exportName: 'assetContracts',
      },
    ]);
    await runner.close();
    expect((await rejectionOf(runner.invoke(assets, invocation, unusedPeerSide))).message).to.match(
      /chaincode worker of Org1MSP was stopped/,
    );
  });

  /**
   * Runs `failing` (a transaction of the crashing contract) in Org workers, expects it to fail with
   * `reason`, then expects the next invocation answered by a new worker.
   */
  async function failsThenServes(failing: string, reason: RegExp, executeTimeoutMs?: number): Promise<void> {
    const dataDir = mkdtempSync(join(tmpdir(), 'cityledger-failing-chaincode-'));
    const crashing = {
      module: join(__dirname, '..', 'testing', 'crashing-contract'),
      exportName: 'crashingContracts',
    };
    const network = await EmbeddedNetwork.start({
      consortium: testConsortium(),
      dataDir,
      chaincodes: { assets: assetContracts, other: crashingContracts },
      chaincodeWorkers: { other: crashing },
      ...(executeTimeoutMs ? { chaincodeExecuteTimeoutMs: executeTimeoutMs } : {}),
    });
    try {
      const user = await network.crypto.enrollUser('Org1MSP', 'tester', { role: 'tester' });
      const call = (fn: string) => ({ channel: 'alpha', chaincode: 'other', function: fn, args: [] });
      expect((await rejectionOf(network.submit(user, call(`crashing:${failing}`)))).message).to.match(reason);
      expect((await network.evaluate(user, call('crashing:Ping'))).toString()).to.equal('pong');
    } finally {
      await network.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  it('replaces a worker whose chaincode crashed: the running endorsement fails, the next one is served', () =>
    failsThenServes('Crash', /error in simulation: the chaincode worker of Org\dMSP stopped \(exit 70\)$/));

  it('fails an invocation that runs past the execute timeout, as a peer does, and serves the next', () =>
    failsThenServes('Hang', /error in simulation: timeout expired while executing transaction$/, 1_000));
});
