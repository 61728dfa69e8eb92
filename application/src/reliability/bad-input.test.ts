import { createHash, generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import {
  type TestGateway,
  devicePublicKeyPem,
  personalDataOf,
  startTestGateway,
} from '../testing/test-gateway';
import {
  type LedgerSnapshot,
  expectLedgerUnchanged,
  expectRefusal,
  refusalProblem,
  snapshotLedger,
} from './ledger-snapshot';
import { HOSTILE_IDENTIFIERS, type JsonSchema, mutationsOf } from './schema-mutations';

/**
 * The bad-input battery. Every case is sent by a caller who would be allowed to make the change,
 * so a missing check would show up as a write; each test ends by proving that no channel's
 * height and no key of any world state changed.
 */
describe('reliability: bad input gets a clear 4xx and changes nothing', function () {
  this.timeout(30_000);
  let gateway: TestGateway;
  let tokens: Record<string, string>;
  let openApi: { paths: Record<string, Record<string, OpenApiOperation>> };
  let snapshot: LedgerSnapshot;
  const civic = '/api/v1/channels/civic';
  const BODY_LIMIT = 256 * 1024;
  const electionKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
  const OPTIONS = JSON.stringify([
    { optionId: 'park', label: 'A park' },
    { optionId: 'pool', label: 'A pool' },
  ]);

  interface OpenApiOperation {
    requestBody?: { content: Record<string, { schema: JsonSchema }> };
    parameters?: Array<{ name: string; in: string }>;
  }

  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const PERSON = 'did:cityledger:civic:alice';
  const DEVICE = 'did:cityledger:civic:aq-1';
  const ORG = 'did:cityledger:civic:harbour-trust';
  const FEED = 'air';

  /** Values for path parameters: existing records, so an update that slipped through would show. */
  const pathValues: Record<string, string> = {
    channel: 'civic',
    chaincode: 'identity',
    credentialId: 'cred-1',
    credentialType: 'resident',
    feedId: FEED,
    batchId: 'batch-1',
    deviceId: 'aq-1',
    seq: '1',
    blockNumber: '1',
    txId: 'a'.repeat(64),
  };
  const didFor = (path: string) => (path.includes('/devices/') ? DEVICE : PERSON);
  const concretePath = (path: string) =>
    path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'did' ? didFor(path) : pathValues[name]!));

  /** A body each write route accepts, and who could make the change. */
  const baselines: Record<string, { token: string; body: unknown }> = {};
  const defineBaselines = () => {
    const { registrar, cityOperator } = tokens as Record<string, string>;
    const reading = {
      deviceId: 'aq-1',
      seq: 1,
      timestamp: '2025-01-01T10:00:00Z',
      metric: 'pm2_5',
      value: 12.5,
      unit: 'ug/m3',
      signature: 'MEUCIQ==',
    };
    Object.assign(baselines, {
      'post /api/v1/channels/{channel}/persons': {
        token: registrar,
        body: { id: 'bob', personalData: personalDataOf('Bob') },
      },
      'put /api/v1/channels/{channel}/persons/{did}/personal-data': {
        token: registrar,
        body: personalDataOf('Alice Changed'),
      },
      'post /api/v1/channels/{channel}/persons/{did}/personal-data/verifications': {
        token: registrar,
        body: personalDataOf('Alice'),
      },
      'post /api/v1/channels/{channel}/organisations': {
        token: registrar,
        body: { id: 'new-org', name: 'New Org', publicKeyPem: devicePublicKeyPem() },
      },
      'post /api/v1/channels/{channel}/devices': {
        token: cityOperator,
        body: {
          id: 'aq-2',
          kind: 'air-quality-sensor',
          ownerDid: ORG,
          publicKeyPem: devicePublicKeyPem(),
          metrics: ['pm2_5'],
          feedId: FEED,
        },
      },
      'post /api/v1/channels/{channel}/devices/{did}/keys': {
        token: cityOperator,
        body: { publicKeyPem: devicePublicKeyPem() },
      },
      'post /api/v1/channels/{channel}/dids/{did}/deactivation': {
        token: registrar,
        body: { reason: 'moved' },
      },
      'post /api/v1/channels/{channel}/credentials': {
        token: registrar,
        body: {
          credentialId: 'cred-2',
          subjectDid: PERSON,
          credentialType: 'resident',
          validFrom: '2025-01-01T00:00:00Z',
          validUntil: '2099-01-01T00:00:00Z',
          claims: { district: 'harbour' },
        },
      },
      'post /api/v1/channels/{channel}/feeds': {
        token: cityOperator,
        body: {
          feedId: 'noise',
          description: 'noise levels',
          metrics: [{ name: 'db_a', unit: 'dB' }],
          deviceKinds: ['noise-sensor'],
          thresholds: [{ metric: 'db_a', comparison: 'gt', limit: 85 }],
        },
      },
      'put /api/v1/channels/{channel}/feeds/{feedId}/thresholds': {
        token: cityOperator,
        body: { thresholds: [{ metric: 'pm2_5', comparison: 'gte', limit: 50 }] },
      },
      'post /api/v1/channels/{channel}/batches': {
        token: cityOperator,
        body: {
          feedId: FEED,
          batchId: 'batch-1',
          merkleRoot: sha256('root'),
          count: 2,
          perDevice: { [DEVICE]: { firstSeq: 1, lastSeq: 2 } },
          from: '2025-01-01T10:00:00Z',
          to: '2025-01-01T10:05:00Z',
          alerts: [
            { deviceId: DEVICE, seq: 2, metric: 'pm2_5', value: 80, timestamp: '2025-01-01T10:05:00Z' },
          ],
        },
      },
      'post /api/v1/channels/{channel}/batches/{batchId}/verifications': {
        token: registrar,
        body: { reading, proof: [{ position: 'left', hash: sha256('sibling') }] },
      },
      'post /api/v1/channels/{channel}/chaincodes/{chaincode}/transactions': {
        token: registrar,
        body: {
          function: 'StorePersonalData',
          args: ['did:cityledger:civic:carol'],
          transient: { person: personalDataOf('Carol') },
        },
      },
      'post /api/v1/channels/{channel}/chaincodes/{chaincode}/queries': {
        token: registrar,
        body: { function: 'GetDid', args: [PERSON] },
      },
    });
  };

  /** Every route of the OpenAPI document that takes a JSON body, as `method path`. */
  const writeRoutes = () =>
    Object.entries(openApi.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, op]) => op.requestBody?.content['application/json'])
        .map(([method, op]) => ({
          key: `${method} ${path}`,
          method: method.toUpperCase(),
          path,
          schema: op.requestBody!.content['application/json']!.schema,
        })),
    );

  before(async () => {
    gateway = await startTestGateway({ BODY_LIMIT: String(BODY_LIMIT), RATE_LIMIT_PER_MINUTE: '0' });
    tokens = {
      registrar: gateway.token('rita', 'CityMSP', 'registrar'),
      cityOperator: gateway.token('otto', 'CityMSP', 'operator'),
      utilityOperator: gateway.token('uma', 'UtilityMSP', 'operator'),
      communityOperator: gateway.token('nora', 'CommunityMSP', 'operator'),
      electionAuthority: gateway.token('elle', 'CityMSP', 'election-authority'),
      citizen: gateway.token('carl', 'CityMSP', 'citizen'),
      auditor: gateway.token('audrey', 'AuditorMSP', 'auditor'),
    };
    const seed = async (path: string, token: string, body: unknown) => {
      const answer = await gateway.request('POST', `${civic}${path}`, { token, body });
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).to.equal(201);
    };
    await seed('/persons', tokens.registrar!, { id: 'alice', personalData: personalDataOf('Alice') });
    await seed('/organisations', tokens.registrar!, { id: 'harbour-trust', name: 'Harbour Trust' });
    await seed('/feeds', tokens.cityOperator!, {
      feedId: FEED,
      metrics: [{ name: 'pm2_5', unit: 'ug/m3' }],
      deviceKinds: ['air-quality-sensor'],
    });
    await seed('/devices', tokens.cityOperator!, {
      id: 'aq-1',
      kind: 'air-quality-sensor',
      ownerDid: ORG,
      publicKeyPem: devicePublicKeyPem(),
      metrics: ['pm2_5'],
      feedId: FEED,
    });
    openApi = (await gateway.request('GET', '/openapi.json')).body;
    defineBaselines();
  });
  beforeEach(async () => {
    snapshot = await snapshotLedger(gateway);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'passed') await expectLedgerUnchanged(gateway, snapshot);
  });
  after(() => gateway.stop());

  it('has a baseline body for every identity, telemetry and generic write route, each one valid', async () => {
    const routes = writeRoutes().filter(
      (r) => !/\/chaincodes\/[a-z-]+\/(transactions|queries)$/.test(r.path) || r.path.includes('{chaincode}'),
    );
    const identityAndTelemetry = routes.filter((r) =>
      /persons|organisations|devices|dids|credentials|feeds|batches|chaincode\}/.test(r.path),
    );
    const missing = identityAndTelemetry.map((r) => r.key).filter((key) => !baselines[key]);
    expect(missing, 'write routes without a baseline in this battery').to.deep.equal([]);
    // Valid bodies pass validation and reach the channel check: 403 for an organisation that is
    // not on the civic channel proves the schema accepted them (and nothing is written).
    for (const key of Object.keys(baselines)) {
      const route = routes.find((r) => r.key === key)!;
      const answer = await gateway.request(route.method, concretePath(route.path), {
        token: tokens.utilityOperator,
        body: baselines[key]!.body,
      });
      expectRefusal(answer, { status: 403, code: 'NOT_A_CHANNEL_MEMBER' }, key);
    }
  });

  it('answers every body route with 400 for malformed JSON, non-object bodies and wrong encodings, and 413 when too large', async () => {
    const problems: string[] = [];
    let cases = 0;
    for (const route of writeRoutes()) {
      const send = (body: string, headers: Record<string, string> = {}) =>
        gateway.request(route.method, concretePath(route.path), { token: tokens.registrar, body, headers });
      const expectations: Array<[string, string, Record<string, string>, number]> = [
        ['truncated JSON', '{"id": "x", ', {}, 400],
        ['single quotes', "{'id': 'x'}", {}, 400],
        ['a trailing comma', '{"id": "x",}', {}, 400],
        ['a JSON array', '[]', {}, 400],
        ['a JSON string', '"hello"', {}, 400],
        ['a JSON number', '42', {}, 400],
        ['JSON null', 'null', {}, 400],
        ['an empty body', '', {}, 400],
        ['a non-UTF-8 charset', '{}', { 'content-type': 'application/json; charset=latin1' }, 400],
        ['text/plain', '{}', { 'content-type': 'text/plain' }, 400],
        // Past every route's limit, device ingest's larger one (1,000 readings of 1 KB) included.
        [
          'an oversized body',
          JSON.stringify({ pad: 'x'.repeat(Math.max(BODY_LIMIT, 1024 * 1024)) }),
          {},
          413,
        ],
      ];
      // A body whose fields are all optional may be empty: `{}` is what an empty JSON body means.
      const emptyIsValid = !(route.schema.required ?? []).length && !route.schema.oneOf;
      for (const [label, body, headers, status] of expectations) {
        if (label === 'an empty body' && emptyIsValid) continue;
        cases++;
        const problem = refusalProblem(await send(body, headers), {
          status,
          ...(status === 400 ? { code: 'INVALID_ARGUMENT' } : { code: 'PAYLOAD_TOO_LARGE' }),
        });
        if (problem) problems.push(`${route.key} with ${label}: ${problem}`);
      }
    }
    expect(problems).to.deep.equal([]);
    expect(cases).to.be.greaterThan(200);
  });

  it('refuses every single-field fault of every REST body — missing, wrong type, range, length, hostile identifiers, extra fields — naming the field', async () => {
    const problems: string[] = [];
    let cases = 0;
    for (const route of writeRoutes()) {
      const baseline = baselines[route.key];
      if (!baseline) continue;
      for (const mutation of mutationsOf(route.schema, baseline.body)) {
        cases++;
        const answer = await gateway.request(route.method, concretePath(route.path), {
          token: baseline.token,
          body: mutation.body,
        });
        const problem = refusalProblem(answer, {
          status: 400,
          code: 'INVALID_ARGUMENT',
          field: mutation.field,
        });
        if (problem) problems.push(`${route.key} with ${mutation.label}: ${problem}`);
      }
    }
    expect(problems).to.deep.equal([]);
    expect(cases).to.be.greaterThan(300);
  });

  it('refuses hostile values in path and query parameters, naming the parameter', async () => {
    const problems: string[] = [];
    const get = (path: string, token = tokens.registrar) => gateway.request('GET', path, { token });
    const cases: Array<[string, string, string]> = [];
    // A lone surrogate has no UTF-8 form (the malformed-percent-encoding test covers it); an empty
    // segment names another route.
    for (const [label, value] of HOSTILE_IDENTIFIERS.filter(([, v]) => v !== '' && !/\p{Cs}/u.test(v))) {
      const encoded = encodeURIComponent(value);
      cases.push([`did with ${label}`, `${civic}/dids/did:cityledger:civic:${encoded}`, 'did']);
      cases.push([`credentialId with ${label}`, `${civic}/credentials/${encoded}`, 'credentialId']);
      cases.push([`feedId with ${label}`, `${civic}/feeds/${encoded}`, 'feedId']);
    }
    cases.push(
      ['pageSize -1', `${civic}/dids?type=person&pageSize=-1`, 'pageSize'],
      ['pageSize 0', `${civic}/dids?type=person&pageSize=0`, 'pageSize'],
      ['pageSize 1.5', `${civic}/dids?type=person&pageSize=1.5`, 'pageSize'],
      ['pageSize 1e3', `${civic}/dids?type=person&pageSize=1e3`, 'pageSize'],
      ['pageSize 201', `${civic}/dids?type=person&pageSize=201`, 'pageSize'],
      ['a forged bookmark', `${civic}/dids?type=person&bookmark=%00%ff`, 'bookmark'],
      ['an unknown DID type', `${civic}/dids?type=robot`, 'type'],
      ['a key time that is not a time', `${civic}/devices/${DEVICE}/key?at=yesterday`, 'at'],
      ['a key time with month 13', `${civic}/devices/${DEVICE}/key?at=2025-13-01T00:00:00Z`, 'at'],
      ['a negative sequence', `${civic}/devices/aq-1/anchored-readings/-1`, 'seq'],
      ['an unsafe-integer sequence', `${civic}/devices/aq-1/anchored-readings/9007199254740993`, 'seq'],
      ['a channel name with a separator', '/api/v1/channels/civic%00/dids', 'channel'],
    );
    for (const [label, path, field] of cases) {
      const problem = refusalProblem(await get(path), { status: 400, code: 'INVALID_ARGUMENT', field });
      if (problem) problems.push(`${label}: ${problem}`);
    }
    const auditor = tokens.auditor;
    for (const [label, path, field] of [
      ['block -1', `${civic}/blocks/-1`, 'blockNumber'],
      ['block 2^64', `${civic}/blocks/18446744073709551616`, 'blockNumber'],
      ['block 1.0', `${civic}/blocks/1.0`, 'blockNumber'],
      ['a txId that is not hex', `${civic}/transactions/${'z'.repeat(64)}`, 'txId'],
      ['events from block -1', `${civic}/events?fromBlock=-1`, 'fromBlock'],
    ] as const) {
      const problem = refusalProblem(await get(path, auditor), {
        status: 400,
        code: 'INVALID_ARGUMENT',
        field,
      });
      if (problem) problems.push(`${label}: ${problem}`);
    }
    expect(problems).to.deep.equal([]);
  });

  it('answers a malformed percent-encoding in the path with 400, not 500', async () => {
    const answer = await gateway.request('GET', `${civic}/dids/%E0%A4%A`, { token: tokens.registrar });
    expectRefusal(answer, { status: 400, code: 'INVALID_ARGUMENT' });
  });

  describe('through the generic chaincode API', () => {
    const submit = (token: string, channel: string, chaincode: string, fn: string, args: unknown[]) =>
      gateway.request('POST', `/api/v1/channels/${channel}/chaincodes/${chaincode}/transactions`, {
        token,
        body: { function: fn, args },
      });

    // Well-formed arguments of the contracts' create transactions. Each test replaces only the
    // argument it attacks, so a refusal can only be about that argument.
    const FUTURE = '2099-06-01T00:00:00.000Z';
    const parcelArgs = (parcelId: string, { areaM2 = '500' } = {}) => [
      parcelId,
      JSON.stringify({ geometryHash: sha256('survey'), geometryRef: 'survey 1' }),
      areaM2,
      'residential',
      'R1',
      JSON.stringify([{ ownerDid: PERSON, shareParts: 10000 }]),
      sha256('deed'),
    ];
    const campaignArgs = (campaignId: string, { goalCents = '10000', deadline = FUTURE } = {}) => [
      campaignId,
      ORG,
      'Shelter',
      goalCents,
      'EUR',
      deadline,
      JSON.stringify([PERSON]),
      JSON.stringify([{ description: 'Beds', amountCents: 10000, evidenceRequired: 'invoice' }]),
    ];
    const electionArgs = (
      electionId: string,
      { opensAt = FUTURE, closesAt = '2099-06-02T00:00:00.000Z' } = {},
    ) => [
      electionId,
      'Budget',
      'Park or pool',
      'plurality',
      OPTIONS,
      '',
      '',
      'eligible-voter',
      opensAt,
      closesAt,
      electionKeyPem,
    ];

    /**
     * A check that the answer is a 400 INVALID_ARGUMENT naming `field`. It records misses in
     * `problems` instead of failing at the first, so one run lists every case the gateway gets wrong.
     */
    const invalidArgumentCheck =
      (problems: string[]) =>
      async (label: string, answer: Awaited<ReturnType<typeof submit>>, field: string) => {
        const problem = refusalProblem(answer, { status: 400, code: 'INVALID_ARGUMENT', field });
        if (problem) problems.push(`${label}: ${problem}`);
      };

    /** A transaction with one argument, named `field` in the refusal, taken from the value under test. */
    interface ArgumentProbe {
      token: string;
      channel: string;
      chaincode: string;
      fn: string;
      args: (value: string) => string[];
      field: string;
    }

    it('refuses function names that are not transactions of the contract: system contracts, separators, prototype members', async () => {
      const problems: string[] = [];
      for (const fn of [
        'org.hyperledger.fabric:GetMetadata',
        'constructor',
        'toString',
        'beforeTransaction',
        'afterTransaction',
        'unknownTransaction',
        'getName',
      ]) {
        const problem = refusalProblem(await submit(tokens.registrar!, 'civic', 'identity', fn, []), {
          status: 404,
          code: 'UNKNOWN_FUNCTION',
        });
        if (problem) problems.push(`${fn}: ${problem}`);
      }
      for (const fn of [
        'RegisterPerson\u0000',
        'Register Person',
        '../RegisterPerson',
        'RegisterPerson\n',
        '',
      ]) {
        const problem = refusalProblem(await submit(tokens.registrar!, 'civic', 'identity', fn, ['x']), {
          status: 400,
          field: 'function',
        });
        if (problem) problems.push(`${JSON.stringify(fn)}: ${problem}`);
      }
      expect(problems).to.deep.equal([]);
    });

    it('refuses hostile identifiers (composite-key separators, control characters, paths) in every contract, naming the argument', async () => {
      const calls: ArgumentProbe[] = [
        {
          token: tokens.registrar!,
          channel: 'civic',
          chaincode: 'identity',
          fn: 'RegisterOrganisation',
          args: (id) => [id, 'Org', ''],
          field: 'id',
        },
        {
          token: tokens.cityOperator!,
          channel: 'civic',
          chaincode: 'telemetry',
          fn: 'CreateFeed',
          args: (id) => [
            JSON.stringify({
              feedId: id,
              metrics: [{ name: 'pm10', unit: 'ug/m3' }],
              deviceKinds: ['air-quality-sensor'],
            }),
          ],
          field: 'feedJson.feedId',
        },
        {
          token: tokens.registrar!,
          channel: 'civic',
          chaincode: 'land-registry',
          fn: 'RegisterParcel',
          args: (id) => parcelArgs(id),
          field: 'parcelId',
        },
        {
          token: tokens.communityOperator!,
          channel: 'civic',
          chaincode: 'donation-tracking',
          fn: 'CreateCampaign',
          args: (id) => campaignArgs(id),
          field: 'campaignId',
        },
        {
          token: tokens.electionAuthority!,
          channel: 'civic',
          chaincode: 'voting',
          fn: 'CreateElection',
          args: (id) => electionArgs(id),
          field: 'electionId',
        },
        {
          token: tokens.utilityOperator!,
          channel: 'energy',
          chaincode: 'energy-trading',
          fn: 'Deposit',
          args: (id) => ['did:cityledger:energy:ada', id, '100', 'bank'],
          field: 'transferId',
        },
      ];
      const problems: string[] = [];
      for (const call of calls) {
        for (const [label, value] of HOSTILE_IDENTIFIERS) {
          const args = call.args(value);
          const answer = await submit(call.token, call.channel, call.chaincode, call.fn, args);
          // A lone surrogate has no UTF-8 form: the gateway refuses it before it could reach the
          // chaincode as U+FFFD, naming the argument by position.
          const position = args.indexOf(value);
          const field = /\p{Cs}/u.test(value) && position >= 0 ? `args[${position}]` : call.field;
          const problem = refusalProblem(answer, { status: 400, code: 'INVALID_ARGUMENT', field });
          if (problem) problems.push(`${call.chaincode} ${call.fn} with ${label}: ${problem}`);
        }
      }
      expect(problems).to.deep.equal([]);
    });

    it('refuses negative, zero, fractional, exponent, hexadecimal, padded, non-numeric and unsafe-integer amounts, naming the argument', async () => {
      const amounts = [
        '-1',
        '0',
        '1.5',
        '1e3',
        '0x10',
        ' 10',
        '10 ',
        '+10',
        'NaN',
        'Infinity',
        '',
        '9007199254740993',
        '1000000000000000000000',
      ];
      const calls: ArgumentProbe[] = [
        {
          token: tokens.utilityOperator!,
          channel: 'energy',
          chaincode: 'energy-trading',
          fn: 'Deposit',
          args: (a) => ['did:cityledger:energy:ada', 'dep-1', a, 'bank'],
          field: 'amountCents',
        },
        {
          token: tokens.utilityOperator!,
          channel: 'energy',
          chaincode: 'energy-trading',
          fn: 'Withdraw',
          args: (a) => ['did:cityledger:energy:ada', 'wd-1', a, 'bank'],
          field: 'amountCents',
        },
        {
          token: tokens.citizen!,
          channel: 'civic',
          chaincode: 'donation-tracking',
          fn: 'Donate',
          args: (a) => ['campaign-1', a, 'EUR', PERSON, ''],
          field: 'amountCents',
        },
        {
          token: tokens.communityOperator!,
          channel: 'civic',
          chaincode: 'donation-tracking',
          fn: 'CreateCampaign',
          args: (a) => campaignArgs('campaign-2', { goalCents: a }),
          field: 'goalCents',
        },
        {
          token: tokens.registrar!,
          channel: 'civic',
          chaincode: 'land-registry',
          fn: 'RegisterParcel',
          args: (a) => parcelArgs('P-9', { areaM2: a }),
          field: 'areaM2',
        },
      ];
      const problems: string[] = [];
      for (const call of calls) {
        for (const amount of amounts) {
          const answer = await submit(call.token, call.channel, call.chaincode, call.fn, call.args(amount));
          const problem = refusalProblem(answer, {
            status: 400,
            code: 'INVALID_ARGUMENT',
            field: call.field,
          });
          if (problem)
            problems.push(`${call.chaincode} ${call.fn} with ${JSON.stringify(amount)}: ${problem}`);
        }
      }
      expect(problems).to.deep.equal([]);
    });

    it('refuses timestamps that are malformed, in the past where only the future makes sense, or out of order', async () => {
      const problems: string[] = [];
      const check = invalidArgumentCheck(problems);
      const credential = (validFrom: string, validUntil: string) =>
        gateway.request('POST', `${civic}/credentials`, {
          token: tokens.registrar,
          body: {
            credentialId: 'cred-t',
            subjectDid: PERSON,
            credentialType: 'resident',
            validFrom,
            validUntil,
          },
        });
      await check(
        'credential valid until before valid from',
        await credential('2099-01-01T00:00:00Z', '2098-01-01T00:00:00Z'),
        'validUntil',
      );
      await check(
        'credential with month 13',
        await credential('2025-13-01T00:00:00Z', '2099-01-01T00:00:00Z'),
        'validFrom',
      );
      await check(
        'credential with a date only',
        await credential('2025-01-01', '2099-01-01T00:00:00Z'),
        'validFrom',
      );
      await check(
        'credential with epoch seconds',
        await credential('1735689600', '2099-01-01T00:00:00Z'),
        'validFrom',
      );
      const campaign = (deadline: string) =>
        submit(
          tokens.communityOperator!,
          'civic',
          'donation-tracking',
          'CreateCampaign',
          campaignArgs('campaign-t', { deadline }),
        );
      await check('campaign deadline in the past', await campaign('2000-01-01T00:00:00.000Z'), 'deadline');
      await check('campaign deadline that is not a time', await campaign('next week'), 'deadline');
      const election = (opensAt: string, closesAt: string) =>
        submit(
          tokens.electionAuthority!,
          'civic',
          'voting',
          'CreateElection',
          electionArgs('election-t', { opensAt, closesAt }),
        );
      await check(
        'election closing before it opens',
        await election('2099-06-02T00:00:00.000Z', '2099-06-01T00:00:00.000Z'),
        'closesAt',
      );
      await check(
        'election opening at a malformed time',
        await election('2099-02-30T00:00:00.000Z', '2099-06-01T00:00:00.000Z'),
        'opensAt',
      );
      await check(
        'a telemetry batch whose time range runs backwards',
        await gateway.request('POST', `${civic}/batches`, {
          token: tokens.cityOperator,
          body: {
            feedId: FEED,
            batchId: 'batch-t',
            merkleRoot: sha256('r'),
            count: 1,
            perDevice: { [DEVICE]: { firstSeq: 1, lastSeq: 1 } },
            from: '2025-01-01T10:05:00Z',
            to: '2025-01-01T10:00:00Z',
          },
        }),
        'batchJson.to',
      );
      expect(problems).to.deep.equal([]);
    });

    it('refuses argument lists of the wrong length or shape and oversized strings', async () => {
      const problems: string[] = [];
      const check = invalidArgumentCheck(problems);
      const registrar = tokens.registrar!;
      await check(
        'too few',
        await submit(registrar, 'civic', 'identity', 'RegisterOrganisation', ['x']),
        'args',
      );
      await check(
        'too many',
        await submit(registrar, 'civic', 'identity', 'RegisterOrganisation', ['x', 'y', '', 'z']),
        'args',
      );
      await check(
        '257 arguments',
        await submit(registrar, 'civic', 'identity', 'RegisterOrganisation', Array(257).fill('x')),
        'args',
      );
      await check(
        'a null argument',
        await submit(registrar, 'civic', 'identity', 'RegisterOrganisation', [null, 'y', '']),
        'args[0]',
      );
      await check(
        'an id of 60 kB',
        await submit(registrar, 'civic', 'identity', 'RegisterOrganisation', ['x'.repeat(60_000), 'y', '']),
        'id',
      );
      await check(
        'a name of 60 kB',
        await submit(registrar, 'civic', 'identity', 'RegisterOrganisation', [
          'org-big',
          'y'.repeat(60_000),
          '',
        ]),
        'name',
      );
      await check(
        'a feed document that is not JSON',
        await submit(tokens.cityOperator!, 'civic', 'telemetry', 'CreateFeed', ['{"feedId": "f", ']),
        'feedJson',
      );
      await check(
        'a feed document that is a JSON array',
        await submit(tokens.cityOperator!, 'civic', 'telemetry', 'CreateFeed', ['[]']),
        'feedJson',
      );
      const transient = await gateway.request('POST', `${civic}/chaincodes/identity/transactions`, {
        token: registrar,
        body: {
          function: 'StorePersonalData',
          args: ['did:cityledger:civic:dora'],
          transient: { person: 42 },
        },
      });
      await check('a transient value that is a number', transient, 'transient.person');
      expect(problems).to.deep.equal([]);
    });
  });

  describe('bodies that parse but cannot be handled faithfully', () => {
    it('answers 400, not 500, for deeply nested JSON in chaincode arguments', async () => {
      const deep = '['.repeat(100_000) + ']'.repeat(100_000);
      const answer = await gateway.request('POST', `${civic}/chaincodes/identity/queries`, {
        token: tokens.registrar,
        body: `{"function": "GetDid", "args": [${deep}]}`,
      });
      expectRefusal(answer, { status: 400, code: 'INVALID_ARGUMENT' });
    });

    it('refuses a lone UTF-16 surrogate in free text instead of storing U+FFFD in its place', async () => {
      const answer = await gateway.request('POST', `${civic}/organisations`, {
        token: tokens.registrar,
        body: { id: 'surrogate-org', name: 'Acme \ud800 Ltd' },
      });
      expectRefusal(answer, { status: 400, code: 'INVALID_ARGUMENT', field: 'name' });
    });
  });
});
