import { randomUUID } from 'node:crypto';
import { loadConsortium, readFabricNetworkProfile } from '@cityledger/network';
import { expect } from 'chai';
import type { Caller } from '../../auth/caller';
import type { LedgerBlock, LedgerConnector } from '../ledger-connector';

/**
 * Against a live network only: `npm run test:fabric` runs it on the network its fixture stands up;
 * by hand, `test-network/network.sh up && … deploy` and FABRIC_NETWORK_DIR set. Without a network
 * it is reported as pending with the reason.
 */
describe('the Fabric ledger connector on a live Fabric network', function () {
  this.timeout(120_000);
  let ledger: LedgerConnector;
  const operator: Caller = { userId: `otto-${randomUUID().slice(0, 8)}`, mspId: 'CityMSP', role: 'operator' };
  const feedId = `feed-${randomUUID().slice(0, 8)}`;
  const feed = (description: string) =>
    JSON.stringify({
      feedId,
      description,
      metrics: [{ name: 'pm2_5', unit: 'ug/m3' }],
      deviceKinds: ['air-quality-sensor'],
    });

  before(async function () {
    // Read when the suite runs: the real-Fabric fixture sets it after loading the test files.
    const networkDir = process.env.FABRIC_NETWORK_DIR;
    if (!networkDir) {
      console.log(
        '    (skipped: set FABRIC_NETWORK_DIR to a network started by test-network/network.sh up && deploy)',
      );
      this.skip();
    }
    const profile = readFabricNetworkProfile(networkDir);
    const { FabricLedgerConnector } = await import('./fabric-connector.js');
    ledger = await FabricLedgerConnector.start({
      consortium: loadConsortium(profile.consortiumFile),
      networkDir,
      submissions: {
        maxConcurrent: 16,
        maxQueued: 64,
        latencyBudgetMs: 0,
        maxRetries: 5,
        retryBaseMs: 50,
        retryMaxMs: 1000,
      },
    });
  });
  after(() => ledger?.close());

  it('is ready once every chaincode is committed', () => {
    const readiness = ledger.readiness();
    expect(readiness.problems).to.deep.equal([]);
    expect(readiness.channels.map((c) => c.channel)).to.have.members(['energy', 'civic']);
    const telemetry = ledger.chaincodes('civic').find((c) => c.name === 'telemetry')!;
    expect(telemetry.installed).to.equal(true);
    expect(telemetry.transactions.map((t) => t.name)).to.include('CreateFeed');
  });

  it('submits as the caller, evaluates, and streams the block with its event from a resume point', async () => {
    const start = await ledger.height('civic');
    const blocks: LedgerBlock[] = [];
    const stop = ledger.subscribe('civic', (block) => blocks.push(block), { fromBlock: start });
    const created = await ledger.submit(operator, {
      channel: 'civic',
      chaincode: 'telemetry',
      function: 'CreateFeed',
      args: [feed('first')],
    });
    expect(created.blockNumber).to.be.at.least(start);
    expect(created.attempts).to.equal(1);
    expect(JSON.parse(created.result.toString()).ownerMsp).to.equal('CityMSP');
    const read = await ledger.evaluate(operator, {
      channel: 'civic',
      chaincode: 'telemetry',
      function: 'GetFeed',
      args: [feedId],
    });
    expect(JSON.parse(read.toString()).feedId).to.equal(feedId);

    for (let i = 0; i < 100 && !blocks.some((b) => b.blockNumber === created.blockNumber); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    stop();
    expect(blocks.map((b) => b.blockNumber)).to.deep.equal(
      Array.from({ length: blocks.length }, (_, i) => start + i),
    );
    const tx = blocks.flatMap((b) => b.transactions).find((t) => t.txId === created.txId)!;
    expect(tx).to.include({ validationCode: 'VALID', chaincode: 'telemetry' });
    expect(tx.event?.name).to.equal('FeedCreated');

    const replayed: LedgerBlock[] = [];
    const stopReplay = ledger.subscribe('civic', (block) => replayed.push(block), {
      fromBlock: created.blockNumber,
    });
    for (let i = 0; i < 100 && replayed.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    stopReplay();
    expect(replayed[0]!.blockNumber).to.equal(created.blockNumber);
  });

  it('translates chaincode refusals and membership like the embedded connector', async () => {
    const refusal = await ledger
      .submit(operator, {
        channel: 'civic',
        chaincode: 'telemetry',
        function: 'CreateFeed',
        args: [feed('again')],
      })
      .catch((e: unknown) => e);
    expect(refusal).to.include({ code: 'CONFLICT' });
    const outsider = { userId: 'uma', mspId: 'UtilityMSP', role: 'operator' };
    const denied = await ledger
      .evaluate(outsider, { channel: 'civic', chaincode: 'telemetry', function: 'GetFeed', args: [feedId] })
      .catch((e: unknown) => e);
    expect(denied).to.include({ code: 'NOT_A_CHANNEL_MEMBER' });
    const unknown = await ledger
      .evaluate(operator, { channel: 'civic', chaincode: 'nope', function: 'X', args: [] })
      .catch((e: unknown) => e);
    expect(unknown).to.include({ code: 'UNKNOWN_CHAINCODE' });
  });

  it('looks up blocks and transactions, builds key history and verifies the chain', async () => {
    const updated = await ledger.submit(operator, {
      channel: 'civic',
      chaincode: 'telemetry',
      function: 'UpdateFeedThresholds',
      args: [feedId, JSON.stringify([{ metric: 'pm2_5', comparison: 'gt', limit: 25 }])],
    });
    const record = await ledger.transaction('civic', updated.txId);
    expect(record).to.include({
      blockNumber: updated.blockNumber,
      validationCodeName: 'VALID',
      function: 'UpdateFeedThresholds',
    });
    expect(record!.creator.mspId).to.equal('CityMSP');
    expect(await ledger.transaction('civic', 'no-such-transaction')).to.equal(undefined);
    const block = await ledger.block('civic', updated.blockNumber);
    expect(block!.transactions.map((t) => t.txId)).to.include(updated.txId);
    expect(await ledger.block('civic', 1e9)).to.equal(undefined);

    const writes = record!.readWriteSet!.find((ns) => ns.namespace === 'telemetry')!.writes;
    // Composite keys start with U+0000, so the record shows them in base64.
    const shown = writes[0]!.key;
    const key = shown.startsWith('base64:') ? Buffer.from(shown.slice(7), 'base64').toString() : shown;
    const history = await ledger.history('civic', 'telemetry', key);
    expect(history).to.have.length(2);
    expect(history[0]).to.include({ txId: updated.txId, blockNumber: updated.blockNumber, isDelete: false });
    expect(JSON.parse(history[1]!.value).description).to.equal('first');

    const verification = await ledger.verify('civic');
    expect(verification).to.deep.include({ ok: true, height: await ledger.height('civic') });
    expect(verification.signers).to.have.length.greaterThan(0);
  });
});
