import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetContracts, testConsortium } from '@cityledger/network/testing';
import { expect } from 'chai';
import type { Caller } from '../auth/caller';
import { InvalidInputError } from '../errors/gateway-errors';
import { httpStatusOf } from '../http/error-response';
import { EmbeddedLedgerConnector } from './embedded-connector';

describe('embedded connector: refusals that protect private data', () => {
  let connector: EmbeddedLedgerConnector;
  let dataDir: string;
  const tester: Caller = { userId: 'alice', mspId: 'Org1MSP', role: 'tester' };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cityledger-connector-'));
    connector = await EmbeddedLedgerConnector.start({
      consortium: testConsortium(),
      dataDir,
      chaincodes: { assets: assetContracts, other: assetContracts },
      submissions: {
        maxRetries: 0,
        retryBaseMs: 1,
        retryMaxMs: 1,
        maxConcurrent: 4,
        maxQueued: 4,
        latencyBudgetMs: 0,
      },
    });
  });
  after(async () => {
    await connector?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers transient data that would reach endorsers outside its collection with 400 PRIVATE_DATA_DISTRIBUTION', async () => {
    const height = await connector.height('alpha');
    let refusal: unknown;
    try {
      await connector.submit(tester, {
        channel: 'alpha',
        chaincode: 'assets',
        function: 'PutPrivate',
        args: ['Org1Only', 'secret'],
        transient: { value: 'not for Org2' },
      });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).to.be.instanceOf(InvalidInputError);
    const error = refusal as InvalidInputError;
    expect(error).to.include({ code: 'PRIVATE_DATA_DISTRIBUTION', field: 'transient' });
    expect(httpStatusOf(error)).to.equal(400);
    expect(error.message).to.include(
      'requires endorsement from organisation(s) that are not in the distribution policy of the private data collection(s): [Org1Only]',
    );
    expect(await connector.height('alpha')).to.equal(height);
  });

  it('commits the same private write to a collection whose own endorsement policy its members satisfy', async () => {
    const committed = await connector.submit(tester, {
      channel: 'alpha',
      chaincode: 'assets',
      function: 'PutPrivate',
      args: ['Org1Private', 'secret'],
      transient: { value: 'kept on Org1' },
    });
    expect(committed.blockNumber).to.be.a('number');
  });

  it('names the transaction id once it is endorsed, before the commit', async () => {
    const endorsed: Array<{ txId: string; height: number }> = [];
    const heightBefore = await connector.height('alpha');
    const submission = connector.submit(
      tester,
      { channel: 'alpha', chaincode: 'assets', function: 'Put', args: ['early-id', 'v'] },
      {
        onEndorsed: (txId) =>
          void connector.height('alpha').then((height) => endorsed.push({ txId, height })),
      },
    );
    const committed = await submission;
    expect(endorsed).to.deep.equal([{ txId: committed.txId, height: heightBefore }]);
    expect(committed.blockNumber).to.equal(heightBefore);
  });
});
