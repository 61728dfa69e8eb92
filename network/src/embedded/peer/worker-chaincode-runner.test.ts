import { expect } from 'chai';
import { join } from 'node:path';
import { peer } from '@hyperledger/fabric-protos';
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
});
