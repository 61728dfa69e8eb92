import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { loadGatewayConfig } from '../config/gateway-config';
import { createJsonLogger } from '../observability/logger';
import { type RunningGateway, startGatewayServer } from '../server/gateway-server';
import { type TestGateway, personalDataOf, startTestGateway } from '../testing/test-gateway';
import { refusalProblem } from './ledger-snapshot';

/**
 * The ledger stops under the gateway while clients submit: every answer is a commit or a 503,
 * never a 500 or a hang; every route that needs the ledger then answers 503; after a restart on
 * the same data the acknowledged writes are there once and the chain verifies.
 */
describe('reliability: the ledger stopping under load gives 503 and loses nothing acknowledged', function () {
  this.timeout(30_000);
  let gateway: TestGateway;
  let restarted: RunningGateway | undefined;
  const civic = '/api/v1/channels/civic';
  const outcomes: Array<{ id: string; status: number; code?: string; message?: string; txId?: string }> = [];

  before(async () => {
    gateway = await startTestGateway({ RATE_LIMIT_PER_MINUTE: '0' });
  });
  after(async () => {
    await restarted?.stop();
    await gateway.running.stop();
    rmSync(gateway.dataDir, { recursive: true, force: true });
  });

  it('answers every submission in flight when the ledger stops (none hangs)', async () => {
    const registrar = gateway.token('rita', 'CityMSP', 'registrar');
    let committed = 0;
    let enoughCommitted!: () => void;
    const stopTime = new Promise<void>((resolve) => (enoughCommitted = resolve));
    const submissions = Array.from({ length: 40 }, async (_, i) => {
      // Half come in while the ledger runs; the other half as it stops, so that some are still
      // in flight however many of the first half one block commits at once.
      if (i < 20) await new Promise((resolve) => setTimeout(resolve, i * 15));
      else await stopTime;
      const id = `outage-${i}`;
      // The private step first, then the DID: the answer is the registration's or the first refusal.
      const transactions = `${civic}/chaincodes/identity/transactions`;
      const stored = await gateway.request('POST', transactions, {
        token: registrar,
        body: {
          function: 'StorePersonalData',
          args: [`did:cityledger:civic:${id}`],
          transient: { person: personalDataOf(id) },
        },
      });
      const answer =
        stored.status !== 200
          ? stored
          : await gateway.request('POST', transactions, {
              token: registrar,
              body: { function: 'RegisterPerson', args: [id, stored.body.result.personalDataHash] },
            });
      if (answer.status === 200 && ++committed === 5) enoughCommitted();
      outcomes.push({
        id,
        status: answer.status,
        code: answer.body?.error?.code,
        message: answer.body?.error?.message,
        txId: answer.body?.txId,
      });
    });
    // The stop comes after the fifth commit (or once the first half is answered, which fails below).
    await Promise.race([stopTime, Promise.all(submissions.slice(0, 20))]);
    expect(committed, 'commits before the stop').to.be.at.least(5);
    await gateway.running.ledger.close();
    const settled = await Promise.race([
      Promise.all(submissions).then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000)),
    ]);
    const answered = new Set(outcomes.map((o) => o.id));
    const hanging = Array.from({ length: 40 }, (_, i) => `outage-${i}`).filter((id) => !answered.has(id));
    expect({ settled, hanging }, 'submissions without an answer 10 s after the stop').to.deep.equal({
      settled: true,
      hanging: [],
    });
    expect(outcomes).to.have.length(40);
    expect(outcomes.filter((o) => o.status === 200).length).to.be.at.least(5);
    expect(outcomes.filter((o) => o.status !== 200).length, 'refused after the stop').to.be.greaterThan(0);
  });

  it('answers a submission in flight when the ledger stops with 503, never a 500', () => {
    const wrong = outcomes.filter(
      (o) =>
        o.status !== 200 &&
        !(o.status === 503 && ['LEDGER_UNAVAILABLE', 'ORDERING_FAILED'].includes(o.code ?? '')),
    );
    expect(wrong, 'answers that are neither a commit nor a 503').to.deep.equal([]);
  });

  it('answers every ledger route with 503 LEDGER_UNAVAILABLE while the ledger is down, and /readyz 503', async () => {
    const auditor = gateway.token('audrey', 'AuditorMSP', 'auditor');
    const registrar = gateway.token('rita', 'CityMSP', 'registrar');
    const did = 'did:cityledger:civic:outage-0';
    const cases: Array<[string, string, string, unknown?]> = [
      [registrar, 'GET', '/api/v1/channels'],
      [registrar, 'GET', `${civic}/chaincodes`],
      [registrar, 'POST', `${civic}/chaincodes/identity/queries`, { function: 'GetDid', args: [did] }],
      [registrar, 'POST', `${civic}/persons`, { id: 'late', personalData: personalDataOf('Late') }],
      [registrar, 'GET', `${civic}/dids/${did}`],
      [registrar, 'GET', `${civic}/feeds`],
      [auditor, 'GET', `${civic}/blocks/1`],
      [auditor, 'GET', `${civic}/transactions/${'a'.repeat(64)}`],
      [auditor, 'GET', `${civic}/chaincodes/identity/history?objectType=did&attribute=${did}`],
      [auditor, 'GET', `${civic}/verify`],
      [auditor, 'GET', `${civic}/events?fromBlock=0`],
    ];
    const problems: string[] = [];
    for (const [token, method, path, body] of cases) {
      const answer = await gateway.request(method, path, { token, ...(body ? { body } : {}) });
      const problem = refusalProblem(answer, { status: 503, code: 'LEDGER_UNAVAILABLE' });
      if (problem) problems.push(`${method} ${path}: ${problem}`);
    }
    expect(problems).to.deep.equal([]);
    expect((await gateway.request('GET', '/readyz')).status).to.equal(503);
    expect((await gateway.request('GET', '/healthz')).status).to.equal(200);
  });

  it('after a restart on the same data, holds each acknowledged write once and each refused one at most once', async () => {
    // The first gateway's ledger is gone, but its process would still hold the IoT bridge's store.
    await gateway.running.gateway.iot.stop();
    restarted = await startGatewayServer({
      config: loadGatewayConfig({
        CITYLEDGER_DATA_DIR: gateway.dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        MQTT_PORT: '0',
      }),
      logger: createJsonLogger('silent'),
    });
    const ledger = restarted.ledger;
    for (const outcome of outcomes) {
      const history = await ledger.history(
        'civic',
        'identity',
        `\u0000did\u0000did:cityledger:civic:${outcome.id}\u0000`,
      );
      if (outcome.txId)
        expect(
          history.map((h) => h.txId),
          outcome.id,
        ).to.deep.equal([outcome.txId]);
      else expect(history.length, `${outcome.id} (answered ${outcome.status})`).to.be.at.most(1);
    }
    for (const channel of ['civic', 'energy']) expect(await ledger.verify(channel)).to.include({ ok: true });
  });
});
