import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { rootFromAuditPath } from '@cityledger/proofs';
import {
  type VotingTokenRequest,
  parseRsaPublicKeyPem,
  prepareVotingToken,
  signBlinded,
  unblindSignature,
} from '@cityledger/voter';
import { expect } from 'chai';
import { ManualClock } from '@cityledger/network/testing';
import { type TestGateway, registerEligibleVoter, startTestGateway, uniqueId } from '../testing/test-gateway';

/**
 * The anonymous ballot box over real HTTP: a voter holding a blind-signed token casts a ballot
 * with no Authorization header, and the ledger shows the shared ballot-box identity, not the voter.
 */
describe('anonymous ballot box (POST /api/v1/ballot-box/{channel}/elections/{electionId}/ballots)', function () {
  this.timeout(120_000);
  let gateway: TestGateway;
  let citizen: string;
  let auditor: string;
  let electionId: string;
  let closesAt: string;
  let voterDid: string;
  let request: VotingTokenRequest;
  let signature: string;
  let receipt: { nullifier: string; ballotHash: string; txId: string; blockNumber: number; castAt: string };
  const civic = '/api/v1/channels/civic';
  const booth = (id: string) => `/api/v1/ballot-box/civic/elections/${id}/ballots`;
  const WINDOW_MS = 8_000;
  // The election's time is its transactions' time: the close is reached by moving this clock.
  const clock = new ManualClock();
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const tokenKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

  before(async () => {
    gateway = await startTestGateway({}, undefined, clock.now);
    const registrar = gateway.token('rita', 'CityMSP', 'registrar');
    const authority = gateway.token('elena', 'CityMSP', 'election-authority');
    citizen = gateway.token('carl', 'CityMSP', 'citizen');
    auditor = gateway.token('audrey', 'AuditorMSP', 'auditor');
    const ok = (answer: { status: number; body: unknown }, status: number, what: string) =>
      expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).to.equal(status);

    voterDid = await registerEligibleVoter(gateway, registrar);

    electionId = uniqueId('vote');
    const created = await gateway.request('POST', `${civic}/elections`, {
      token: authority,
      body: {
        electionId,
        title: 'Where the new playground goes',
        rule: 'plurality',
        options: [
          { optionId: 'harbour', label: 'Harbour park' },
          { optionId: 'station', label: 'Station square' },
        ],
        opensAt: new Date(clock.now() - 1000).toISOString(),
        closesAt: new Date(clock.now() + WINDOW_MS).toISOString(),
        tokenKeyPem,
      },
    });
    ok(created, 201, 'election');
    closesAt = created.body.closesAt;

    // The voter's app blinds a token; the authority signs the blinded message and records it.
    const key = parseRsaPublicKeyPem('tokenKeyPem', created.body.tokenKeyPem);
    request = prepareVotingToken(key, electionId);
    const issued = await gateway.request('POST', `${civic}/elections/${electionId}/tokens`, {
      token: authority,
      body: {
        voterDid,
        blindedMessage: request.blindedMessage,
        blindSignature: signBlinded(privateKey, request.blindedMessage),
      },
    });
    ok(issued, 201, 'token');
    signature = unblindSignature(key, request, issued.body.blindSignature);
    ok(
      await gateway.request('POST', `${civic}/elections/${electionId}/open`, { token: citizen }),
      200,
      'open',
    );
  });
  after(() => gateway?.stop());

  it('accepts a ballot with no Authorization header (201) and answers the receipt with its block', async () => {
    const cast = await gateway.request('POST', booth(electionId), {
      body: { token: request.token, signature, choice: ['station'] },
    });
    expect(cast.status, JSON.stringify(cast.body)).to.equal(201);
    receipt = cast.body;
    expect(receipt.nullifier).to.match(/^[0-9a-f]{64}$/);
    expect(receipt.ballotHash).to.match(/^[0-9a-f]{64}$/);
    expect(receipt.txId).to.equal(cast.headers.get('x-transaction-id'));
    expect(receipt.blockNumber).to.equal(Number(cast.headers.get('x-block-number')));
    expect(cast.headers.get('location')).to.equal(
      `${civic}/elections/${electionId}/ballots/${receipt.nullifier}`,
    );
    expect(JSON.stringify(cast.body)).to.not.include(voterDid);

    const ballot = await gateway.request(
      'GET',
      `${civic}/elections/${electionId}/ballots/${receipt.nullifier}`,
      {
        token: citizen,
      },
    );
    expect(ballot.body).to.include({ ballotHash: receipt.ballotHash, token: request.token });
    expect(ballot.body.choice).to.deep.equal(['station']);
  });

  it('commits the ballot with the shared ballot-box identity as creator, not the voter', async () => {
    const tx = await gateway.request('GET', `${civic}/transactions/${receipt.txId}`, { token: auditor });
    expect(tx.status, JSON.stringify(tx.body)).to.equal(200);
    expect(tx.body).to.include({ validationCodeName: 'VALID', blockNumber: receipt.blockNumber });
    expect(tx.body.function).to.equal('CastBallot');
    expect(tx.body.creator.mspId).to.equal('CityMSP');
    expect(tx.body.creator.subject).to.match(/CN=ballot-box\b/);
    expect(JSON.stringify(tx.body)).to.not.include(voterDid);
  });

  it('refuses a forged token with 403 and the same token again with 409', async () => {
    // A real signature of the authority, but for another token: the contract's RSA check fails.
    const forged = await gateway.request('POST', booth(electionId), {
      body: { token: randomBytes(32).toString('hex'), signature, choice: ['harbour'] },
    });
    expect([forged.status, forged.body.error?.code]).to.deep.equal([403, 'ACCESS_DENIED']);

    const again = await gateway.request('POST', booth(electionId), {
      body: { token: request.token, signature, choice: ['harbour'] },
    });
    expect([again.status, again.body.error?.code]).to.deep.equal([409, 'CONFLICT']);
    expect(again.body.error.message).to.match(/already been used/);
  });

  it('refuses malformed bodies with 400 naming the field', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['a token that is not hex', { token: 'xyz', signature, choice: ['harbour'] }, 'token'],
      ['no choice', { token: request.token, signature }, 'choice'],
      ['an empty choice', { token: request.token, signature, choice: [] }, 'choice'],
      ['a choice that is not a string', { token: request.token, signature, choice: [7] }, 'choice[0]'],
      [
        'a signature that is not hex',
        { token: request.token, signature: 'zz', choice: ['harbour'] },
        'signature',
      ],
      ['invalid JSON', '{"token": ', 'body'],
    ];
    for (const [label, body, field] of cases) {
      const answer = await gateway.request('POST', booth(electionId), { body });
      expect([answer.status, answer.body.error?.code, answer.body.error?.field], label).to.deep.equal([
        400,
        'INVALID_ARGUMENT',
        field,
      ]);
    }
    // An option the election does not have: refused by the contract, named as the request field.
    const unknownOption = await gateway.request('POST', booth(electionId), {
      body: { token: randomBytes(32).toString('hex'), signature, choice: ['moon'] },
    });
    expect(unknownOption.status).to.equal(400);
    expect(unknownOption.body.error.field).to.equal('choice[0]');
  });

  it('answers 404 for an unknown election', async () => {
    const answer = await gateway.request('POST', booth(uniqueId('none')), {
      body: { token: request.token, signature, choice: ['harbour'] },
    });
    expect([answer.status, answer.body.error?.code]).to.deep.equal([404, 'NOT_FOUND']);
  });

  it('counts the ballot: after the close and the tally, VerifyReceipt finds it under the published root; a late ballot gets 409', async () => {
    clock.setTo(Date.parse(closesAt) + 200);
    const base = `${civic}/elections/${electionId}`;
    expect((await gateway.request('POST', `${base}/close`, { token: citizen })).status).to.equal(200);
    const tally = await gateway.request('POST', `${base}/tally`, { token: citizen });
    expect(tally.body).to.include({ ballotsCounted: 1, tokensIssued: 1 });
    expect(tally.body.winners).to.deep.equal(['station']);

    const check = await gateway.request(
      'GET',
      `${base}/receipts/${receipt.nullifier}?ballotHash=${receipt.ballotHash}`,
      { token: citizen },
    );
    expect(check.body).to.include({ counted: true, nullifier: receipt.nullifier });
    expect(
      rootFromAuditPath(receipt.ballotHash, check.body.leafIndex, check.body.treeSize, check.body.auditPath),
    ).to.equal(tally.body.merkleRoot);

    // A token nobody used is still refused once the election is closed.
    const late = await gateway.request('POST', booth(electionId), {
      body: { token: randomBytes(32).toString('hex'), signature, choice: ['harbour'] },
    });
    expect([late.status, late.body.error?.code]).to.deep.equal([409, 'CONFLICT']);
    expect(late.body.error.message).to.match(/is closed/);
  });

  it('refuses tokens that name a service identity as subject, and the ballot box stays enrolled as it was', async () => {
    const certificateFile = readdirSync(gateway.dataDir, { recursive: true, encoding: 'utf8' }).find((f) =>
      f.endsWith('ballot-box-cert.pem'),
    );
    expect(certificateFile, 'the ballot box is enrolled once a ballot is cast').to.be.a('string');
    const certificateBefore = readFileSync(join(gateway.dataDir, certificateFile!), 'utf8');
    for (const [sub, role] of [
      ['ballot-box', 'ballot-box'],
      ['ballot-box', 'citizen'],
      ['Ballot-Box', 'election-authority'],
      ['iot-bridge', 'operator'],
    ] as const) {
      const forged = gateway.token(sub, 'CityMSP', role);
      for (const [method, path] of [
        ['GET', '/api/v1/channels'],
        ['POST', `${civic}/elections/${electionId}/open`],
      ] as const) {
        const answer = await gateway.request(method, path, { token: forged });
        expect(answer.status, `${sub}/${role} ${method} ${path}`).to.equal(401);
        expect(answer.body.error.code).to.equal('INVALID_TOKEN');
        expect(answer.body.error.message).to.include(`"${sub}" is reserved`);
      }
    }
    expect(readFileSync(join(gateway.dataDir, certificateFile!), 'utf8')).to.equal(certificateBefore);
  });

  it('gives every ballot request its own request id, never the one the client sent', async () => {
    const answer = await gateway.request('POST', booth(electionId), {
      body: { token: 'x' },
      headers: { 'X-Request-Id': 'voter-carl-42' },
    });
    expect(answer.status).to.equal(400);
    const requestId = answer.headers.get('x-request-id');
    // The response carries the id the request log line carries.
    expect(requestId).to.match(/^[0-9a-f-]{36}$/);
    expect(requestId).to.not.equal('voter-carl-42');
  });

  it('rate-limits the route per client address (it is unauthenticated)', async () => {
    const limited = await startTestGateway({ RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push((await limited.request('POST', booth('e-1'), { body: { token: 'x' } })).status);
      }
      expect(statuses).to.deep.equal([400, 400, 429]);
    } finally {
      await limited.stop();
    }
  });
});
