import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { type TestGateway, startTestGateway } from '../testing/test-gateway';

/**
 * More submissions than the gateway holds: the surplus is answered 429 `SATURATED` at once, with
 * `Retry-After` and the error envelope, and the admitted ones commit.
 */
describe('reliability: submissions beyond what the ledger drains are refused at once', function () {
  this.timeout(30_000);
  let gateway: TestGateway;

  before(async () => {
    gateway = await startTestGateway({
      RATE_LIMIT_PER_MINUTE: '0',
      MAX_CONCURRENT_SUBMISSIONS: '2',
      MAX_QUEUED_SUBMISSIONS: '0',
      SUBMIT_LATENCY_BUDGET_MS: '2000',
    });
  });
  after(async () => {
    await gateway.running.stop();
    rmSync(gateway.dataDir, { recursive: true, force: true });
  });

  it('answers the surplus 429 SATURATED with Retry-After and the error envelope, and commits the rest', async () => {
    const registrar = gateway.token('rita', 'CityMSP', 'registrar');
    const anchor = (i: number) =>
      gateway.request('POST', '/api/v1/channels/civic/chaincodes/land-registry/transactions', {
        token: registrar,
        body: {
          function: 'AnchorDocument',
          args: [createHash('sha256').update(`overload-${i}`).digest('hex'), 'deed', `ref ${i}`, '[]'],
        },
      });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => anchor(i)));

    const refused = answers.filter((a) => a.status === 429);
    const committed = answers.filter((a) => a.status === 200);
    expect(committed.length + refused.length, JSON.stringify(answers.map((a) => a.body))).to.equal(12);
    expect(committed.length).to.be.at.least(2);
    expect(refused.length).to.be.at.least(1);
    for (const answer of refused) {
      expect(Number(answer.headers.get('retry-after')))
        .to.be.a('number')
        .and.at.least(1);
      expect(answer.headers.get('content-type')).to.match(/application\/json/);
      expect(Object.keys(answer.body)).to.deep.equal(['error']);
      expect(answer.body.error.code).to.equal('SATURATED');
      expect(answer.body.error.message).to.match(/retry in \d+ s/);
    }
    for (const answer of committed) expect(answer.body.txId).to.be.a('string');
  });
});
