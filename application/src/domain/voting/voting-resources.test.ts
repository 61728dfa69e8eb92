import { generateKeyPairSync } from 'node:crypto';
import { rootFromAuditPath } from '@cityledger/proofs';
import { parseRsaPublicKeyPem, prepareVotingToken, signBlinded, unblindSignature } from '@cityledger/voter';
import { expect } from 'chai';
import { ManualClock } from '@cityledger/network/testing';
import {
  type TestGateway,
  registerEligibleVoter,
  startTestGateway,
  uniqueId,
} from '../../testing/test-gateway';

describe('voting REST resources', () => {
  let gateway: TestGateway;
  let registrar: string;
  let authority: string;
  let ballotBox: string;
  let citizen: string;
  const civic = '/api/v1/channels/civic';
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const tokenKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

  // An election's time is its transactions' time: the tests move it instead of waiting for the close.
  const clock = new ManualClock();
  const election = (electionId: string, closesInMs: number) => ({
    electionId,
    title: 'Participatory budget',
    rule: 'budget-allocation',
    options: [
      { optionId: 'park', label: 'Pocket park', cost: 50000 },
      { optionId: 'bikes', label: 'Bike lanes', cost: 120000 },
      { optionId: 'library', label: 'Library', cost: 30000 },
    ],
    totalBudget: 100000,
    opensAt: new Date(clock.now() - 1000).toISOString(),
    closesAt: new Date(clock.now() + closesInMs).toISOString(),
    tokenKeyPem,
  });

  before(async () => {
    gateway = await startTestGateway({}, undefined, clock.now);
    registrar = gateway.token('rita', 'CityMSP', 'registrar');
    authority = gateway.token('elena', 'CityMSP', 'election-authority');
    ballotBox = gateway.token('box-1', 'CommunityMSP', 'ballot-box');
    citizen = gateway.token('carl', 'CityMSP', 'citizen');
  });
  after(() => gateway.stop());

  it('runs an election: token, anonymous ballot, close, tally, result and a receipt that checks', async function () {
    this.timeout(60_000);
    const electionId = uniqueId('pb');
    const created = await gateway.request('POST', `${civic}/elections`, {
      token: authority,
      body: election(electionId, 6000),
    });
    expect(created.status).to.equal(201);
    expect(created.body.status).to.equal('scheduled');
    const base = `${civic}/elections/${electionId}`;

    const voterDid = await registerEligibleVoter(gateway, registrar);
    const key = parseRsaPublicKeyPem('tokenKeyPem', created.body.tokenKeyPem);
    const request = prepareVotingToken(key, electionId);
    const blindSignature = signBlinded(privateKey, request.blindedMessage);
    const issued = await gateway.request('POST', `${base}/tokens`, {
      token: authority,
      body: { voterDid, blindedMessage: request.blindedMessage, blindSignature },
    });
    expect(issued.status).to.equal(201);
    const signature = unblindSignature(key, request, issued.body.blindSignature);

    expect((await gateway.request('POST', `${base}/open`, { token: citizen })).body.status).to.equal('open');
    const cast = await gateway.request('POST', `${base}/ballots`, {
      token: ballotBox,
      body: { token: request.token, signature, choice: ['park', 'library'] },
    });
    expect(cast.status).to.equal(201);
    const receipt = cast.body as { nullifier: string; ballotHash: string };
    expect(JSON.stringify(cast.body)).to.not.include(voterDid);
    const again = await gateway.request('POST', `${base}/ballots`, {
      token: ballotBox,
      body: { token: request.token, signature, choice: ['bikes'] },
    });
    expect(again.status).to.equal(409);

    clock.setTo(Date.parse(created.body.closesAt) + 200);
    expect((await gateway.request('POST', `${base}/close`, { token: citizen })).body.status).to.equal(
      'closed',
    );
    const tally = await gateway.request('POST', `${base}/tally`, { token: citizen });
    expect(tally.body).to.include({ ballotsCounted: 1, tokensIssued: 1 });
    expect(tally.body.winners).to.deep.equal(['library', 'park']); // one vote each: cheaper first
    const result = await gateway.request('GET', `${base}/result`, { token: citizen });
    expect(result.body.merkleRoot).to.equal(tally.body.merkleRoot);

    const check = await gateway.request(
      'GET',
      `${base}/receipts/${receipt.nullifier}?ballotHash=${receipt.ballotHash}`,
      { token: citizen },
    );
    expect(check.body.counted).to.equal(true);
    expect(
      rootFromAuditPath(receipt.ballotHash, check.body.leafIndex, check.body.treeSize, check.body.auditPath),
    ).to.equal(result.body.merkleRoot);
  });

  it('refuses an election created by a citizen and a ballot cast by a citizen (403)', async () => {
    const refused = await gateway.request('POST', `${civic}/elections`, {
      token: citizen,
      body: election(uniqueId('pb'), 60_000),
    });
    expect(refused.status).to.equal(403);
    const electionId = uniqueId('pb');
    await gateway.request('POST', `${civic}/elections`, {
      token: authority,
      body: election(electionId, 60_000),
    });
    await gateway.request('POST', `${civic}/elections/${electionId}/open`, { token: citizen });
    const ballot = await gateway.request('POST', `${civic}/elections/${electionId}/ballots`, {
      token: citizen,
      body: { token: 'a'.repeat(64), signature: 'b'.repeat(512), choice: ['park'] },
    });
    expect(ballot.status).to.equal(403);
  });

  it('validates bodies, naming the field', async () => {
    const ballot = await gateway.request('POST', `${civic}/elections/e-1/ballots`, {
      token: ballotBox,
      body: { token: 'a'.repeat(64), signature: 'b'.repeat(512), choice: [] },
    });
    expect([ballot.status, ballot.body.error.field]).to.deep.equal([400, 'choice']);
    const rule = await gateway.request('POST', `${civic}/elections`, {
      token: authority,
      body: { ...election('e-2', 60_000), rule: 'dictatorship' },
    });
    expect(rule.body.error.field).to.equal('rule');
  });

  it('answers 404 for an unknown election and a result before the tally', async () => {
    expect((await gateway.request('GET', `${civic}/elections/none`, { token: citizen })).status).to.equal(
      404,
    );
    const electionId = uniqueId('pb');
    await gateway.request('POST', `${civic}/elections`, {
      token: authority,
      body: election(electionId, 60_000),
    });
    expect(
      (await gateway.request('GET', `${civic}/elections/${electionId}/result`, { token: citizen })).status,
    ).to.equal(404);
  });
});
