import { mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChannelLedger, compareStateWithReplay } from '@cityledger/network/testing';
import { expect } from 'chai';
import { personalDataOf } from '../testing/test-gateway';
import { type ChildGateway, call, childToken, startChildGateway } from './child-gateway';

/**
 * A person through the generic API, as identity requires: the personal data to the City's
 * collection, then the DID. The answer is the registration's, or the first step's refusal.
 */
async function registerPerson(url: string, registrar: string, id: string, personalData: object) {
  const transactions = '/api/v1/channels/civic/chaincodes/identity/transactions';
  const stored = await call(url, 'POST', transactions, registrar, {
    function: 'StorePersonalData',
    args: [`did:cityledger:civic:${id}`],
    transient: { person: personalData },
  });
  if (stored.status !== 200) return stored;
  return call(url, 'POST', transactions, registrar, {
    function: 'RegisterPerson',
    args: [id, stored.body.result.personalDataHash],
  });
}

/**
 * kill -9 of the real gateway process (`node application/dist/main.js`) while clients submit,
 * then a restart on the same data directory: every write the gateway acknowledged is on the
 * ledger exactly once, nothing is written twice, the chain verifies and the world state equals
 * the replay of the blocks. Then a block is edited on disk and the explorer names it.
 */
describe('reliability: the gateway killed during submissions loses and duplicates nothing', function () {
  this.timeout(60_000);
  /** Writes acknowledged before the kill. */
  const CRASH_AFTER = 60;
  let dataDir: string;
  let gateway: ChildGateway | undefined;
  const registrar = childToken('rita', 'CityMSP', 'registrar');
  const operator = childToken('otto', 'CityMSP', 'operator');
  const auditor = childToken('audrey', 'AuditorMSP', 'auditor');
  const FEED = 'crash-feed';

  interface Write {
    kind: 'person' | 'threshold';
    id: string;
    status?: number;
    txId?: string;
  }
  const writes: Write[] = [];

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cityledger-crash-'));
  });
  after(async () => {
    await gateway?.crash();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const generic = (channel: string, chaincode: string, kind: 'transactions' | 'queries') =>
    `/api/v1/channels/${channel}/chaincodes/${chaincode}/${kind}`;

  it('acknowledges writes from concurrent clients until it is killed with SIGKILL', async () => {
    gateway = await startChildGateway(dataDir);
    const created = await call(gateway.url, 'POST', '/api/v1/channels/civic/feeds', operator, {
      feedId: FEED,
      metrics: [{ name: 'pm2_5', unit: 'ug/m3' }],
      deviceKinds: ['air-quality-sensor'],
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);

    const url = gateway.url;
    let stop = false;
    let acknowledged = 0;
    let enoughAcknowledged!: () => void;
    const crashTime = new Promise<void>((resolve) => (enoughAcknowledged = resolve));
    // Eight clients: six create records (disjoint keys), two update one hot record (MVCC retries).
    const client = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const write: Write =
          n < 6
            ? { kind: 'person', id: `person-${n}-${i}` }
            : { kind: 'threshold', id: `${n * 100_000 + i}` };
        writes.push(write);
        try {
          const answer =
            write.kind === 'person'
              ? await registerPerson(url, registrar, write.id, personalDataOf(write.id))
              : await call(url, 'POST', generic('civic', 'telemetry', 'transactions'), operator, {
                  function: 'UpdateFeedThresholds',
                  args: [FEED, [{ metric: 'pm2_5', comparison: 'gt', limit: Number(write.id) }]],
                });
          write.status = answer.status;
          if (answer.status === 200) {
            write.txId = answer.body.txId;
            if (++acknowledged === CRASH_AFTER) enoughAcknowledged();
          }
        } catch {
          return; // the connection died with the process: no answer, no acknowledgement
        }
      }
    };
    const clients = Array.from({ length: 8 }, (_, n) => client(n));
    await crashTime;
    await gateway.crash();
    stop = true;
    await Promise.all(clients);
    // A hot record may outlast the gateway's MVCC retries (409, nothing written); nothing else.
    const unexpected = writes.filter(
      (w) => w.status !== undefined && w.status !== 200 && !(w.kind === 'threshold' && w.status === 409),
    );
    expect(unexpected, 'answers other than 200 (or 409 on the hot record) before the crash').to.deep.equal(
      [],
    );
    expect(
      writes.filter((w) => w.status === undefined).length,
      'writes in flight at the kill',
    ).to.be.greaterThan(0);
  });

  it('after a restart, holds every acknowledged write exactly once and no unacknowledged write twice', async () => {
    gateway = await startChildGateway(dataDir);
    const url = gateway.url;
    const acknowledged = writes.filter((w) => w.txId);
    expect(acknowledged.length).to.be.at.least(CRASH_AFTER);

    // Every transaction id in every block of the channel, counted.
    const height = (await call(url, 'GET', '/api/v1/channels', auditor)).body.channels.find(
      (c: { name: string }) => c.name === 'civic',
    ).height as number;
    const seen = new Map<string, number>();
    const validity = new Map<string, string>();
    for (let n = 0; n < height; n++) {
      const block = await call(url, 'GET', `/api/v1/channels/civic/blocks/${n}`, auditor);
      expect(block.status).to.equal(200);
      for (const tx of block.body.transactions as Array<{ txId: string; validationCode: string }>) {
        seen.set(tx.txId, (seen.get(tx.txId) ?? 0) + 1);
        validity.set(tx.txId, tx.validationCode);
      }
    }
    for (const write of acknowledged) {
      expect(seen.get(write.txId!), `acknowledged ${write.kind} ${write.id}`).to.equal(1);
      expect(validity.get(write.txId!)).to.equal('VALID');
    }

    // Each person, acknowledged or in flight at the kill, was written at most once; the
    // acknowledged ones by exactly the acknowledged transaction.
    for (const write of writes.filter((w) => w.kind === 'person')) {
      const history = await call(
        url,
        'GET',
        `/api/v1/channels/civic/chaincodes/identity/history?objectType=did&attribute=did:cityledger:civic:${write.id}`,
        auditor,
      );
      expect(history.status).to.equal(200);
      const txIds = (history.body.history as Array<{ txId: string }>).map((h) => h.txId);
      if (write.txId) expect(txIds, write.id).to.deep.equal([write.txId]);
      else expect(txIds.length, `${write.id} (in flight)`).to.be.at.most(1);
    }

    // The hot record: each acknowledged update is one entry of its history, none repeated.
    const feedHistory = await call(url, 'POST', generic('civic', 'telemetry', 'queries'), auditor, {
      function: 'GetFeedHistory',
      args: [FEED],
    });
    const feedTxIds = (feedHistory.body.result as Array<{ txId: string }>).map((h) => h.txId);
    expect(new Set(feedTxIds).size, 'feed history entries are distinct transactions').to.equal(
      feedTxIds.length,
    );
    for (const write of acknowledged.filter((w) => w.kind === 'threshold')) {
      expect(feedTxIds, `threshold update ${write.id}`).to.include(write.txId);
    }

    for (const channel of ['civic', 'energy']) {
      const verified = await call(url, 'GET', `/api/v1/channels/${channel}/verify`, auditor);
      expect(verified.body, channel).to.include({ ok: true });
    }
    const after = await registerPerson(url, registrar, 'after-restart', personalDataOf('After Restart'));
    expect(after.status, JSON.stringify(after.body)).to.equal(200);
    await gateway.stop();
    gateway = undefined;

    // Offline: the stored world state equals the state rebuilt from the blocks alone.
    for (const channel of ['civic', 'energy']) {
      const ledger = await ChannelLedger.open(join(dataDir, 'ledgers', channel), channel);
      try {
        expect(await compareStateWithReplay(ledger), channel).to.deep.equal([]);
      } finally {
        await ledger.close();
      }
    }
  });

  it('names the first edited block through the explorer verify endpoint after a block is changed on disk', async () => {
    const ledger = await ChannelLedger.open(join(dataDir, 'ledgers', 'civic'), 'civic');
    const target = Math.floor(ledger.height / 2);
    try {
      const bytes = (await ledger.getBlockBytes(target))!;
      // Flip one character of a written value: an operator "correcting" a record on disk.
      const at = bytes.indexOf('did:cityledger:civic:person-');
      const edited = Buffer.from(bytes);
      const index = at >= 0 ? at + 1 : Math.floor(bytes.length / 2);
      edited[index] = edited[index]! ^ 0x20;
      await ledger.overwriteBlockBytesForTesting(target, edited);
    } finally {
      await ledger.close();
    }
    gateway = await startChildGateway(dataDir);
    const civic = await call(gateway.url, 'GET', '/api/v1/channels/civic/verify', auditor);
    expect(civic.status).to.equal(200);
    expect(civic.body).to.deep.include({ ok: false, firstBadBlock: target });
    expect(civic.body.reason).to.be.a('string').and.not.equal('');
    const energy = await call(gateway.url, 'GET', '/api/v1/channels/energy/verify', auditor);
    expect(energy.body).to.include({ ok: true });

    const readiness = await fetch(`${gateway.url}/readyz`);
    expect(readiness.status).to.equal(503);
    expect(((await readiness.json()) as { problems: string[] }).problems).to.include(
      `channel civic failed verification at block ${target}: ${civic.body.reason}`,
    );
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).to.include('cityledger_chain_verified{channel="civic"} 0');
    expect(metrics).to.include('cityledger_chain_verified{channel="energy"} 1');
  });

  it('refuses a channel whose store cannot be opened, naming it and its path, and serves the other', async () => {
    await gateway!.stop();
    const store = join(dataDir, 'ledgers', 'civic');
    for (const manifest of readdirSync(store).filter((name) => name.startsWith('MANIFEST-'))) {
      unlinkSync(join(store, manifest));
    }
    gateway = await startChildGateway(dataDir);
    const readiness = await fetch(`${gateway.url}/readyz`);
    expect(readiness.status).to.equal(503);
    const { problems } = (await readiness.json()) as { problems: string[] };
    expect(problems.join('\n')).to.include(
      `channel civic: ledger store ${store}: the store cannot be opened`,
    );
    const civic = await call(gateway.url, 'GET', '/api/v1/channels/civic/verify', auditor);
    expect([civic.status, civic.body.error?.code]).to.deep.equal([503, 'LEDGER_UNAVAILABLE']);
    const energy = await call(gateway.url, 'GET', '/api/v1/channels/energy/verify', auditor);
    expect(energy.body).to.include({ ok: true });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).to.include('cityledger_chain_verified{channel="civic"} 0');
  });
});
