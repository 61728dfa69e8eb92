import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { type ChildGateway, call, startChildGateway } from '@cityledger/application/testing';
import type { FabricTestNetwork } from '../../fabric-test-network';
import type { OrdererLayout } from '../../network-layout';
import { waitFor } from '../../readiness';
import { rememberProcesses, sharedNetwork } from '../fabric-network-fixture';
import { createFeed, playDemo, tokens } from '../gateway-story';

type Written = Awaited<ReturnType<typeof createFeed>>;

/**
 * `npm run test:fabric -- --profile bft`: the consortium on Fabric v3 with one SmartBFT ordering
 * node per member, each org on its own host (a network namespace). The story runs unchanged
 * through the gateway; then the faults BFT exists for: a node down, an org cut off, and a node
 * restarted from a tampered ledger copy. The fixture's `down` must leave no process, namespace or
 * bridge behind.
 */
describe('CityLedger on Fabric v3 SmartBFT, each member on its own host', function () {
  this.timeout(10 * 60_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'cityledger-bft-gateway-'));
  let network: FabricTestNetwork;
  let gateway: ChildGateway;

  const ordererOf = (mspId: string): OrdererLayout =>
    network.layout.orderers.find((orderer) => network.consortium.operatorOf(orderer.mspId) === mspId)!;
  const civicFeed = (label: string) =>
    createFeed(gateway.url, label, { channel: 'civic', token: tokens.cityOperator });

  /**
   * Writes until `count` feeds in a row are committed (the first may meet a stale gossip view);
   * with `inARow: false`, until `count` are committed at all — what a partition allows.
   */
  async function keepWriting(
    label: string,
    count = 3,
    { timeoutMs = 60_000, inARow = true }: { timeoutMs?: number; inARow?: boolean } = {},
  ): Promise<Written[]> {
    const written: Written[] = [];
    let lastRefusal = '';
    await waitFor(
      `${count} committed writes while ${label}`,
      async () => {
        const result = await civicFeed(label);
        if (result.status === 200) written.push(result);
        else {
          lastRefusal = `${result.status} ${JSON.stringify(result.body)}`;
          if (inARow) written.length = 0;
        }
        return written.length >= count;
      },
      timeoutMs,
    ).catch((error: Error) => expect.fail(`${error.message}; last refusal: ${lastRefusal}`));
    return written;
  }

  async function orderersConverge(channel: 'civic', height: number): Promise<void> {
    let rows = await network.ordererHeights(channel);
    let nudgedAt = Date.now();
    await waitFor(
      `every orderer of ${channel} at height ${height}`,
      async () => {
        rows = await network.ordererHeights(channel);
        if (rows.every((row) => row.height !== undefined && row.height >= height)) return true;
        // A SmartBFT follower that missed the newest block syncs when the next one is cut (seen:
        // one block behind for 90 s on an idle channel); traffic is what brings it along.
        if (Date.now() - nudgedAt > 15_000) {
          nudgedAt = Date.now();
          await civicFeed('an orderer lags');
        }
        return false;
      },
      90_000,
    ).catch((error: Error) => expect.fail(`${error.message}: ${JSON.stringify(rows)}`));
  }

  /** Block `number` of `channel` as `orderer` itself stores and delivers it. */
  async function blockFrom(orderer: OrdererLayout, channel: string, number: number): Promise<common.Block> {
    const commands = await network.commands();
    const reader = network.layout.peers.find((peer) => peer.mspId === 'CityMSP')!;
    const file = join(network.layout.workDir, `fetched-${orderer.name}-${orderer.mspId}-${number}.block`);
    await commands.peer(reader, [
      'channel',
      'fetch',
      String(number),
      file,
      '-c',
      channel,
      ...commands.ordererArgs(orderer),
    ]);
    return common.Block.deserializeBinary(readFileSync(file));
  }

  before(async function () {
    network = sharedNetwork();
    gateway = await startChildGateway(dataDir, {
      LEDGER: 'fabric',
      FABRIC_NETWORK_DIR: network.layout.workDir,
      LOG_LEVEL: 'warn',
    });
  });

  after(async function () {
    await gateway?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs each org on its own host, reached by address, with one consenter per member', function () {
    expect(network.release.version).to.match(/^3\./);
    expect(network.layout.hosts.map((host) => host.mspId)).to.deep.equal([
      'CityMSP',
      'UtilityMSP',
      'CommunityMSP',
      'AuditorMSP',
    ]);
    for (const node of [...network.layout.peers, ...network.layout.orderers]) {
      expect(node.host, node.hostname).to.not.match(/^127\./);
      expect(node.namespace, node.hostname).to.be.a('string');
    }
    expect(network.layout.orderers.map((o) => network.consortium.operatorOf(o.mspId))).to.deep.equal([
      'CityMSP',
      'UtilityMSP',
      'CommunityMSP',
      'AuditorMSP',
    ]);
  });

  it('plays the whole smart-city story through the unchanged gateway; both chains verify under a BFT quorum', async function () {
    const { code, output } = await playDemo(gateway.url, dataDir);
    expect(code, output.slice(-4000)).to.equal(0);
    for (const channel of ['energy', 'civic']) {
      const verified = await call(gateway.url, 'GET', `/api/v1/channels/${channel}/verify`, tokens.auditor);
      expect(verified.status, JSON.stringify(verified.body)).to.equal(200);
      expect(verified.body.ok, JSON.stringify(verified.body)).to.equal(true);
      expect(verified.body.bft, JSON.stringify(verified.body)).to.equal(true);
      expect(verified.body.quorum).to.equal(3);
      const signers = (verified.body.signers as Array<{ mspId: string; blocks: number }>).map((s) => s.mspId);
      expect(new Set(signers).size, JSON.stringify(verified.body.signers)).to.be.at.least(3);
    }
  });

  it('shows the auditor which blocks its own ordering node co-signed', async function () {
    const verified = await call(
      gateway.url,
      'GET',
      '/api/v1/channels/civic/verify?signer=AuditorOrdererMSP',
      tokens.auditor,
    );
    expect(verified.status, JSON.stringify(verified.body)).to.equal(200);
    const auditorSigner = (verified.body.signers as Array<{ mspId: string; blocks: number }>).find(
      (s) => s.mspId === 'AuditorOrdererMSP',
    );
    expect(auditorSigner, JSON.stringify(verified.body.signers)).to.not.equal(undefined);
    const missed: number[] = verified.body.notSignedBy.blocks;
    // Every block after genesis is either signed by the auditor's node or listed as not signed.
    expect(auditorSigner!.blocks + missed.length).to.equal(verified.body.height - 1);
    const latest = await call(
      gateway.url,
      'GET',
      `/api/v1/channels/civic/blocks/${verified.body.height - 1}`,
      tokens.auditor,
    );
    expect(latest.status, JSON.stringify(latest.body)).to.equal(200);
    const signatures = latest.body.ordererSignatures as Array<{ mspId: string; verified: boolean }>;
    expect(signatures.filter((s) => s.verified).length).to.be.at.least(3);
  });

  it('keeps ordering while one ordering node is down, and the node catches up', async function () {
    const stopped = ordererOf('UtilityMSP');
    await network.supervisor.stop(stopped.hostname);
    let written: Written[];
    try {
      written = await keepWriting('an ordering node is down');
    } finally {
      network.supervisor.restart(stopped.hostname);
      rememberProcesses();
    }
    await network.waitForHealth(stopped.hostname, `${stopped.host}:${stopped.operationsPort}`);
    // A follower on an idle channel syncs when the next block is cut.
    const after = await keepWriting('the ordering node is back', 1);
    await orderersConverge('civic', after[0].body.blockNumber + 1);
    expect(after[0].body.blockNumber).to.be.greaterThan(written[2].body.blockNumber);
  });

  it('keeps committing while one org is cut off; on reconnect it catches up to the same height and hash', async function () {
    await network.hostNetwork.setConnected('CommunityMSP', false);
    let lastBlock: number;
    try {
      // Packets to the cut-off host vanish, so dials to it hang until they time out: until the
      // others give up on it (gossip expiry, SmartBFT's view settling) a write may be refused after
      // its endorsement deadline or take tens of seconds. Then writes commit at the usual rate.
      await keepWriting('the community host is cut off', 3, { timeoutMs: 4 * 60_000, inARow: false });
      const written = await keepWriting('the community host is still cut off', 3, { timeoutMs: 2 * 60_000 });
      lastBlock = written[written.length - 1].body.blockNumber;
      const community = (await network.heights()).find(
        (row) => row.channel === 'civic' && row.peer.includes('community'),
      );
      expect(community?.height ?? 0, 'the cut-off peer cannot have the new blocks').to.be.at.most(lastBlock);
    } finally {
      await network.hostNetwork.setConnected('CommunityMSP', true);
    }
    const after = await keepWriting('the community host is back', 1);
    const converged = await network.waitForPeersToAgree('civic', after[0].body.blockNumber + 1);
    expect(converged.height).to.be.greaterThan(lastBlock + 1);
    await orderersConverge('civic', converged.height);
  });

  it('survives an ordering node restarted from a tampered ledger copy; honest nodes stay consistent', async function () {
    const honest = ordererOf('CityMSP');
    const tampered = ordererOf('AuditorMSP');
    const [{ body: marked }] = await keepWriting('before the tampering', 1);
    await orderersConverge('civic', marked.blockNumber + 1);
    await network.supervisor.stop(tampered.hostname);
    // Change one transaction inside the auditor node's copy of that block: its header no longer
    // matches its data, as if someone had rewritten the block on that node's disk.
    const original = await blockFrom(honest, 'civic', marked.blockNumber);
    const signature = Buffer.from(
      common.Envelope.deserializeBinary(original.getData()!.getDataList_asU8()[0]).getSignature_asU8(),
    );
    const blockFile = join(tampered.directory, 'data', 'ledger', 'chains', 'civic', 'blockfile_000000');
    const bytes = readFileSync(blockFile);
    const at = bytes.indexOf(signature);
    expect(at, 'the block is in the node’s block file').to.be.greaterThan(0);
    bytes[at + signature.length - 1] ^= 0xff;
    writeFileSync(blockFile, bytes);
    network.supervisor.restart(tampered.hostname);
    rememberProcesses();
    await network.waitForHealth(tampered.hostname, `${tampered.host}:${tampered.operationsPort}`);

    const written = await keepWriting('an ordering node serves a tampered block');
    const converged = await network.waitForPeersToAgree(
      'civic',
      written[written.length - 1].body.blockNumber + 1,
    );
    expect(converged.height).to.be.greaterThan(marked.blockNumber + 3);
    for (const channel of ['energy', 'civic']) {
      const verified = await call(gateway.url, 'GET', `/api/v1/channels/${channel}/verify`, tokens.auditor);
      expect(verified.body.ok, JSON.stringify(verified.body)).to.equal(true);
    }
    // The lying node's copy is exposed by its own header: the data no longer hashes to it.
    const dataHash = (block: common.Block) =>
      createHash('sha256')
        .update(
          Buffer.concat(
            block
              .getData()!
              .getDataList_asU8()
              .map((d) => Buffer.from(d)),
          ),
        )
        .digest();
    const fromHonest = await blockFrom(honest, 'civic', marked.blockNumber);
    expect(dataHash(fromHonest).equals(Buffer.from(fromHonest.getHeader()!.getDataHash_asU8()))).to.equal(
      true,
    );
    const fromTampered = await blockFrom(tampered, 'civic', marked.blockNumber);
    expect(dataHash(fromTampered).equals(Buffer.from(fromTampered.getHeader()!.getDataHash_asU8()))).to.equal(
      false,
    );
  });
});
