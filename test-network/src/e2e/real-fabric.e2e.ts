import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type ChildGateway, call, startChildGateway } from '@cityledger/application/testing';
import { WALLET_APP_USER } from '../connection-profiles';
import type { FabricTestNetwork } from '../fabric-test-network';
import { rememberProcesses, sharedNetwork } from './fabric-network-fixture';
import { createFeed as writeFeed, feedJson, playDemo, tokens } from './gateway-story';

/**
 * `npm run test:fabric`: on the network the fixture stood up from nothing (up, deploy), the whole
 * story through the gateway on `LEDGER=fabric`, the legacy SDK with the generated profile and
 * wallet, then node faults; the fixture's `down` must leave no process behind.
 */
describe('CityLedger on real Hyperledger Fabric', function () {
  this.timeout(10 * 60_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'cityledger-fabric-gateway-'));
  let network: FabricTestNetwork;
  let workDir: string;
  let gateway: ChildGateway | undefined;

  const createFeed = (label: string) => writeFeed(gateway!.url, label);

  before(async function () {
    network = sharedNetwork();
    workDir = network.layout.workDir;
    gateway = await startChildGateway(dataDir, {
      LEDGER: 'fabric',
      FABRIC_NETWORK_DIR: workDir,
      LOG_LEVEL: 'warn',
    });
  });

  after(async function () {
    await gateway?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('plays the whole smart-city story through the gateway, and both chains verify', async function () {
    const { code, output } = await playDemo(gateway!.url, dataDir);
    expect(code, output.slice(-4000)).to.equal(0);
    for (const channel of ['energy', 'civic']) {
      const verified = await call(gateway!.url, 'GET', `/api/v1/channels/${channel}/verify`, tokens.auditor);
      expect(verified.status, JSON.stringify(verified.body)).to.equal(200);
      expect(verified.body.ok, JSON.stringify(verified.body)).to.equal(true);
      expect(verified.body.height).to.be.greaterThan(1);
    }
  });

  it('plays the story again on the same ledger (a second run reuses what the first registered)', async function () {
    const { code, output } = await playDemo(gateway!.url, dataDir);
    expect(code, output.slice(-4000)).to.equal(0);
    expect(output).to.include('already registered by an earlier run');
  });

  it('answers an idempotent async write with its status, and lists it from the chain index', async function () {
    const url = gateway!.url;
    const headers = {
      authorization: `Bearer ${tokens.utilityOperator}`,
      'content-type': 'application/json',
      'idempotency-key': `fabric-async-${Date.now()}`,
      prefer: 'respond-async',
    };
    const body = JSON.stringify({ function: 'CreateFeed', args: [feedJson('an async write')] });
    const post = () =>
      fetch(`${url}/api/v1/channels/energy/chaincodes/telemetry/transactions`, {
        method: 'POST',
        headers,
        body,
      });
    const first = await post();
    const accepted = (await first.json()) as { txId: string; statusUrl: string };
    expect(first.status, JSON.stringify(accepted)).to.equal(202);
    const retried = await post();
    expect(retried.headers.get('idempotent-replayed')).to.equal('true');
    expect(((await retried.json()) as { txId: string }).txId).to.equal(accepted.txId);

    let status: { status: string; blockNumber?: number } = { status: 'pending' };
    for (let i = 0; i < 150 && status.status === 'pending'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await call(url, 'GET', accepted.statusUrl, tokens.utilityOperator)).body;
    }
    expect(status).to.include({ status: 'committed', validationCode: 'VALID' });

    const listed = await call(
      url,
      'GET',
      `/api/v1/channels/energy/transactions?txId=${accepted.txId}`,
      tokens.auditor,
    );
    expect(listed.status, JSON.stringify(listed.body)).to.equal(200);
    expect(listed.body.transactions).to.have.length(1);
    expect(listed.body.transactions[0]).to.include({
      blockNumber: status.blockNumber,
      chaincode: 'telemetry',
      function: 'CreateFeed',
      creatorMsp: 'UtilityMSP',
      validationCode: 'VALID',
    });
    const blocks = await call(url, 'GET', '/api/v1/channels/energy/blocks?limit=3', tokens.auditor);
    expect(blocks.body.indexedHeight).to.equal(blocks.body.height);
    const numbers = (blocks.body.blocks as Array<{ blockNumber: number }>).map((b) => b.blockNumber);
    expect(numbers).to.deep.equal([...numbers].sort((a, b) => b - a));
    expect(numbers[0]).to.equal(blocks.body.height - 1);
  });

  it('submits and evaluates through fabric-network 2.2 with the generated connection profile and wallet', async function () {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the legacy SDK has no ES module entry
    const { Gateway, Wallets } = require('fabric-network') as typeof import('fabric-network');
    const wallet = await Wallets.newFileSystemWallet(join(workDir, 'wallets', 'UtilityMSP'));
    const profile = JSON.parse(readFileSync(join(workDir, 'connection-profiles', 'UtilityMSP.json'), 'utf8'));
    const sdk = new Gateway();
    await sdk.connect(profile, {
      wallet,
      identity: WALLET_APP_USER.id,
      discovery: { enabled: true, asLocalhost: false },
    });
    try {
      const contract = (await sdk.getNetwork('energy')).getContract('telemetry');
      const feed = JSON.parse(feedJson('fabric-network'));
      const created = JSON.parse(
        (await contract.submitTransaction('CreateFeed', JSON.stringify(feed))).toString(),
      );
      expect(created.feedId).to.equal(feed.feedId);
      expect(created.ownerMsp).to.equal('UtilityMSP');
      const read = JSON.parse((await contract.evaluateTransaction('GetFeed', feed.feedId)).toString());
      expect(read.metrics).to.deep.equal(feed.metrics);
    } finally {
      sdk.disconnect();
    }
  });

  it('keeps ordering while one of the three orderers is down', async function () {
    const stopped = network.layout.orderers[0].hostname;
    await network.supervisor.stop(stopped);
    try {
      for (let i = 0; i < 3; i++) {
        const written = await createFeed('an orderer is down');
        expect(written.status, JSON.stringify(written.body)).to.equal(200);
      }
    } finally {
      network.supervisor.restart(stopped);
    }
  });

  it('endorses MAJORITY transactions with one peer down, and the restarted peer catches up', async function () {
    const auditorPeer = network.layout.peers.find((peer) => peer.mspId === 'AuditorMSP')!;
    await network.supervisor.stop(auditorPeer.hostname);
    let lastBlock = 0;
    try {
      for (let i = 0; i < 3; i++) {
        const written = await createFeed('the auditor peer is down');
        expect(written.status, JSON.stringify(written.body)).to.equal(200);
        lastBlock = written.body.blockNumber;
      }
    } finally {
      network.supervisor.restart(auditorPeer.hostname);
    }
    rememberProcesses();
    await network.waitForPeer(auditorPeer);
    const { height } = await network.waitForPeersToAgree('energy', lastBlock + 1, 60_000);
    expect(height).to.be.greaterThan(lastBlock);
  });

  it('reconnects to a chaincode server that was killed with -9 and restarted', async function () {
    const server = network.layout.chaincodeServers.find(
      (s) => s.mspId === 'UtilityMSP' && s.chaincode === 'telemetry',
    )!;
    await network.supervisor.stop(server.name, { signal: 'SIGKILL' });
    network.supervisor.restart(server.name);
    rememberProcesses();
    const deadline = Date.now() + 60_000;
    let written = await createFeed('the chaincode server restarted');
    while (written.status !== 200 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 1000));
      written = await createFeed('the chaincode server restarted');
    }
    expect(written.status, JSON.stringify(written.body)).to.equal(200);
  });
});
