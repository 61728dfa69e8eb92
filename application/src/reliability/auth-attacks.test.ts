import { generateKeyPairSync } from 'node:crypto';
import { EndorseError, type EmbeddedNetwork } from '@cityledger/network';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { type TestGateway, personalDataOf, startTestGateway } from '../testing/test-gateway';
import { expectLedgerUnchanged, refusalProblem, snapshotLedger } from './ledger-snapshot';

/**
 * Attacks on authentication and authorisation that complement auth/authentication.test.ts:
 * tampered and re-keyed tokens, an organisation reaching a channel it is not on through every
 * route, and role checks that hold in the chaincode even when the gateway is bypassed.
 */
describe('reliability: auth attacks are refused and change nothing', function () {
  this.timeout(30_000);
  let gateway: TestGateway;
  let openApi: {
    paths: Record<
      string,
      Record<string, { parameters?: Array<{ name: string; in: string; required?: boolean }> }>
    >;
  };
  const civic = '/api/v1/channels/civic';

  before(async () => {
    gateway = await startTestGateway({ RATE_LIMIT_PER_MINUTE: '0' });
    openApi = (await gateway.request('GET', '/openapi.json')).body;
  });
  after(() => gateway.stop());

  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');

  it('refuses tampered tokens: a role or organisation raised after signing, a header that brings its own key', async () => {
    const before = await snapshotLedger(gateway);
    const citizen = gateway.token('carl', 'CityMSP', 'citizen');
    const [header, payload, signature] = citizen.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const attacker = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const forged = [
      `${header}.${encode({ ...claims, role: 'registrar' })}.${signature}`,
      `${header}.${encode({ ...claims, org: 'AuditorMSP' })}.${signature}`,
      `${header}.${encode({ ...claims, exp: claims.exp + 86_400 * 365 })}.${signature}`,
      `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, role: 'registrar' })}.`,
      `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ ...claims, role: 'registrar' })}.`,
      jwt.sign({ ...claims, role: 'registrar' }, attacker.privateKey, {
        algorithm: 'ES256',
        header: { alg: 'ES256', jwk: attacker.publicKey.export({ format: 'jwk' }) } as jwt.JwtHeader,
      }),
      `${citizen}.extra`,
      citizen.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
    ];
    const problems: string[] = [];
    for (const token of forged) {
      const answer = await gateway.request('POST', `${civic}/persons`, {
        token,
        body: { id: 'forged', personalData: personalDataOf('Forged') },
      });
      const problem = refusalProblem(answer, { status: 401 });
      if (problem) problems.push(`${token.slice(0, 40)}…: ${problem}`);
    }
    expect(problems).to.deep.equal([]);
    await expectLedgerUnchanged(gateway, before);
  });

  it('refuses an organisation on every route of a channel it is not a member of, before any ledger access', async () => {
    const utility = gateway.token('uma', 'UtilityMSP', 'admin');
    const values: Record<string, string> = {
      channel: 'civic',
      did: 'did:cityledger:civic:alice',
      chaincode: 'identity',
      credentialId: 'cred-1',
      credentialType: 'resident',
      feedId: 'air',
      batchId: 'batch-1',
      deviceId: 'aq-1',
      seq: '1',
      blockNumber: '0',
      txId: 'a'.repeat(64),
    };
    const query: Record<string, string> = {
      '/api/v1/channels/{channel}/chaincodes/{chaincode}/history': '?key=x',
      '/api/v1/channels/{channel}/dids': '?type=person',
    };
    const problems: string[] = [];
    let routes = 0;
    for (const [path, operations] of Object.entries(openApi.paths)) {
      if (!path.startsWith('/api/v1/channels/{channel}') || !operations.get) continue;
      if (
        path.includes('{') &&
        /\{(?!channel|did|chaincode|credentialId|credentialType|feedId|batchId|deviceId|seq|blockNumber|txId)\w+\}/.test(
          path,
        )
      ) {
        continue; // a route of a module this battery does not know the parameters of yet
      }
      const requiredQuery = (operations.get.parameters ?? []).filter((p) => p.in === 'query' && p.required);
      if (requiredQuery.some((p) => !(query[path] ?? '').includes(`${p.name}=`))) continue;
      routes++;
      const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => values[name]!) + (query[path] ?? '');
      const answer = await gateway.request('GET', concrete, { token: utility });
      const problem = refusalProblem(answer, { status: 403, code: 'NOT_A_CHANNEL_MEMBER' });
      if (problem) problems.push(`GET ${path}: ${problem}`);
    }
    expect(problems).to.deep.equal([]);
    expect(routes).to.be.greaterThan(20);
  });

  it('has the chaincode refuse a citizen calling registrar, operator and authority transactions, through the gateway and without it', async () => {
    const before = await snapshotLedger(gateway);
    const citizen = gateway.token('carl', 'CityMSP', 'citizen');
    const calls: Array<{
      channel: string;
      chaincode: string;
      function: string;
      args: string[];
      transient?: Record<string, string>;
    }> = [
      {
        channel: 'civic',
        chaincode: 'identity',
        function: 'StorePersonalData',
        args: ['did:cityledger:civic:mallory'],
        transient: { person: JSON.stringify(personalDataOf('M')) },
      },
      {
        channel: 'civic',
        chaincode: 'identity',
        function: 'RegisterPerson',
        args: ['mallory', 'ab'.repeat(32)],
      },
      {
        channel: 'civic',
        chaincode: 'identity',
        function: 'IssueCredential',
        args: ['c-1', 'did:cityledger:civic:carl', 'eligible-voter', '', '2099-01-01T00:00:00Z', ''],
      },
      {
        channel: 'civic',
        chaincode: 'land-registry',
        function: 'ChangeLandUse',
        args: ['P-1', 'industrial', 'I1', 'a'.repeat(64)],
      },
      {
        channel: 'civic',
        chaincode: 'voting',
        function: 'IssueVotingToken',
        args: ['e-1', 'did:cityledger:civic:carl', 'x', 'y'],
      },
      {
        channel: 'civic',
        chaincode: 'donation-tracking',
        function: 'ApproveMilestone',
        args: ['camp-1', '1', 'ok'],
      },
      {
        channel: 'civic',
        chaincode: 'telemetry',
        function: 'CreateFeed',
        args: [
          JSON.stringify({ feedId: 'f', metrics: [{ name: 'x', unit: 'u' }], deviceKinds: ['noise-sensor'] }),
        ],
      },
    ];
    const problems: string[] = [];
    for (const request of calls) {
      const { channel, chaincode, ...body } = request;
      const answer = await gateway.request(
        'POST',
        `/api/v1/channels/${channel}/chaincodes/${chaincode}/transactions`,
        {
          token: citizen,
          body,
        },
      );
      const problem = refusalProblem(answer, { status: 403, code: 'ACCESS_DENIED' });
      if (problem) problems.push(`via the gateway, ${chaincode} ${request.function}: ${problem}`);
    }
    // Without the gateway: the citizen's own certificate straight to the peers.
    const network = (gateway.running.ledger as unknown as { network: EmbeddedNetwork }).network;
    const identity = await network.crypto.enrollUser('CityMSP', 'carl', { role: 'citizen' });
    for (const request of calls) {
      try {
        await network.submit(identity, request);
        problems.push(`direct, ${request.chaincode} ${request.function}: committed`);
      } catch (error) {
        const message = error instanceof EndorseError ? (error.chaincodeMessage ?? '') : String(error);
        if (!/^ACCESS_DENIED/.test(message))
          problems.push(`direct, ${request.chaincode} ${request.function}: ${message}`);
      }
    }
    expect(problems).to.deep.equal([]);
    await expectLedgerUnchanged(gateway, before);
  });
});
