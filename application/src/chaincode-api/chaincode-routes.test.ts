import { expect } from 'chai';
import { type TestGateway, personalDataOf, startTestGateway, uniqueId } from '../testing/test-gateway';

describe('generic chaincode API', () => {
  let gateway: TestGateway;
  let registrar: string;
  let citizen: string;
  let utilityOperator: string;
  let cityOperator: string;

  before(async () => {
    gateway = await startTestGateway({ BODY_LIMIT: '4kb' });
    registrar = gateway.token('rita', 'CityMSP', 'registrar');
    citizen = gateway.token('carl', 'CityMSP', 'citizen');
    utilityOperator = gateway.token('uma', 'UtilityMSP', 'operator');
    cityOperator = gateway.token('otto', 'CityMSP', 'operator');
  });
  after(() => gateway.stop());

  const transactions = (channel: string, chaincode: string) =>
    `/api/v1/channels/${channel}/chaincodes/${chaincode}/transactions`;
  const queries = (channel: string, chaincode: string) =>
    `/api/v1/channels/${channel}/chaincodes/${chaincode}/queries`;
  const submit = (token: string, body: unknown, channel = 'civic', chaincode = 'identity') =>
    gateway.request('POST', transactions(channel, chaincode), { token, body });
  const query = (token: string, body: unknown, channel = 'civic', chaincode = 'identity') =>
    gateway.request('POST', queries(channel, chaincode), { token, body });
  const height = async (channel: string) =>
    (await gateway.request('GET', '/api/v1/channels', { token: registrar })).body.channels.find(
      (c: { name: string }) => c.name === channel,
    ).height as number;

  /** Both steps of a person's registration through the generic API; answers the second. */
  const registerPerson = async (id: string, name: string) => {
    const stored = await submit(registrar, {
      function: 'StorePersonalData',
      args: [`did:cityledger:civic:${id}`],
      transient: { person: personalDataOf(name) },
    });
    expect(stored.status, JSON.stringify(stored.body)).to.equal(200);
    return submit(registrar, { function: 'RegisterPerson', args: [id, stored.body.result.personalDataHash] });
  };

  it('submits a transaction with transient data and answers txId, blockNumber and the parsed result', async () => {
    const id = uniqueId('person');
    const answer = await submit(registrar, {
      function: 'StorePersonalData',
      args: [`did:cityledger:civic:${id}`],
      transient: { person: personalDataOf('Ada') },
    });
    expect(answer.status).to.equal(200);
    expect(answer.body.txId).to.match(/^[0-9a-f]{64}$/);
    expect(answer.body.blockNumber).to.be.a('number');
    expect(answer.body.result.did).to.equal(`did:cityledger:civic:${id}`);
    expect(answer.body.result.personalDataHash).to.match(/^[0-9a-f]{64}$/);
    const registered = await submit(registrar, {
      function: 'RegisterPerson',
      args: [id, answer.body.result.personalDataHash],
    });
    expect(registered.status).to.equal(200);
    expect(registered.body.result).to.include({
      did: `did:cityledger:civic:${id}`,
      didType: 'person',
      status: 'active',
    });
  });

  it('answers 400 naming the transient entry when transient data is sent to a step other organisations endorse', async () => {
    const answer = await submit(registrar, {
      function: 'RegisterPerson',
      args: [uniqueId('person'), 'ab'.repeat(32)],
      transient: { person: personalDataOf('Leak') },
    });
    expect(answer.status).to.equal(400);
    expect(answer.body.error).to.include({ code: 'INVALID_ARGUMENT', field: 'transient.person' });
  });

  it('evaluates a query and parses its JSON result', async () => {
    const id = uniqueId('person');
    await registerPerson(id, 'Bo');
    const answer = await query(citizen, { function: 'IsDidValid', args: [`did:cityledger:civic:${id}`] });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.equal({ result: { valid: true, didType: 'person', controller: 'CityMSP' } });
  });

  it('lists the channels and chaincodes of the caller’s organisation only', async () => {
    const answer = await gateway.request('GET', '/api/v1/channels', { token: utilityOperator });
    expect(answer.body.channels.map((c: { name: string }) => c.name)).to.deep.equal(['energy']);
    const chaincodes = await gateway.request('GET', '/api/v1/channels/energy/chaincodes', {
      token: utilityOperator,
    });
    const identity = chaincodes.body.chaincodes.find((c: { name: string }) => c.name === 'identity');
    expect(identity.transactions).to.deep.include({
      name: 'RegisterDevice',
      kind: 'submit',
      parameters: ['id', 'kind', 'ownerDid', 'publicKeyPem', 'metricsJson', 'feedId'],
    });
    expect(identity.transactions).to.deep.include({ name: 'GetDid', kind: 'evaluate', parameters: ['did'] });
  });

  it('refuses an organisation that is not a member of the channel with 403 before calling the ledger', async () => {
    const answer = await query(utilityOperator, { function: 'GetDid', args: ['did:cityledger:civic:x'] });
    expect(answer.status).to.equal(403);
    expect(answer.body.error).to.deep.equal({
      code: 'NOT_A_CHANNEL_MEMBER',
      message: 'UtilityMSP is not a member of channel civic',
    });
    const events = await gateway.request('GET', '/api/v1/channels/civic/chaincodes', {
      token: utilityOperator,
    });
    expect(events.status).to.equal(403);
  });

  it('answers 403 when the chaincode refuses the caller’s role (citizen calling a registrar transaction)', async () => {
    const answer = await submit(citizen, {
      function: 'RegisterPerson',
      args: [uniqueId('person'), 'ab'.repeat(32)],
    });
    expect(answer.status).to.equal(403);
    expect(answer.body.error.code).to.equal('ACCESS_DENIED');
    expect(answer.body.error.message).to.match(/^CityMSP 'citizen' may not register a person/);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const answer = await submit(registrar, '{"function": "GetDid", ');
    expect(answer.status).to.equal(400);
    expect(answer.body.error).to.deep.equal({
      code: 'INVALID_ARGUMENT',
      message: 'body: is not valid JSON',
      field: 'body',
    });
  });

  it('answers 400 naming the missing or malformed field', async () => {
    const missing = await submit(registrar, { args: [] });
    expect(missing.status).to.equal(400);
    expect(missing.body.error).to.deep.equal({
      code: 'INVALID_ARGUMENT',
      message: 'function: is required',
      field: 'function',
    });
    const wrongType = await submit(registrar, { function: 'GetDid', args: [null] });
    expect(wrongType.body.error.field).to.equal('args[0]');
    const unknownField = await submit(registrar, { function: 'GetDid', args: ['x'], extra: 1 });
    expect(unknownField.status).to.equal(400);
    const noBody = await gateway.request('POST', transactions('civic', 'identity'), { token: registrar });
    expect(noBody.body.error).to.include({ code: 'INVALID_ARGUMENT', field: 'body' });
  });

  it('answers 400 for the wrong number of arguments, naming the parameters', async () => {
    const answer = await query(registrar, { function: 'GetDid', args: [] });
    expect(answer.status).to.equal(400);
    expect(answer.body.error.message).to.equal('args: GetDid takes 1 arguments (did), got 0');
  });

  it('answers 400 with the chaincode’s field when the chaincode refuses an argument', async () => {
    const answer = await submit(registrar, {
      function: 'RegisterPerson',
      args: ['bad id!', 'ab'.repeat(32)],
    });
    expect(answer.status).to.equal(400);
    expect(answer.body.error.code).to.equal('INVALID_ARGUMENT');
    expect(answer.body.error.field).to.equal('id');
  });

  it('answers 404 for an unknown channel, chaincode or transaction', async () => {
    const channel = await query(registrar, { function: 'GetDid', args: ['x'] }, 'nowhere');
    expect([channel.status, channel.body.error.code]).to.deep.equal([404, 'UNKNOWN_CHANNEL']);
    const chaincode = await query(registrar, { function: 'GetDid', args: ['x'] }, 'civic', 'casino');
    expect([chaincode.status, chaincode.body.error.code]).to.deep.equal([404, 'UNKNOWN_CHAINCODE']);
    const fn = await submit(registrar, { function: 'MintMoney', args: [] });
    expect([fn.status, fn.body.error.code]).to.deep.equal([404, 'UNKNOWN_FUNCTION']);
  });

  it('answers 404 NOT_FOUND when the chaincode has no such record', async () => {
    const answer = await query(registrar, { function: 'GetDid', args: ['did:cityledger:civic:nobody'] });
    expect(answer.status).to.equal(404);
    expect(answer.body.error.code).to.equal('NOT_FOUND');
  });

  it('answers 409 CONFLICT for a duplicate, and the failed submission changes neither height nor state', async () => {
    const id = uniqueId('person');
    const first = await registerPerson(id, 'Ann');
    expect(first.status).to.equal(200);
    const before = await height('civic');
    const duplicate = await submit(registrar, {
      function: 'RegisterPerson',
      args: [id, first.body.result.person.personalDataHash],
    });
    expect(duplicate.status).to.equal(409);
    expect(duplicate.body.error.code).to.equal('CONFLICT');
    expect(await height('civic')).to.equal(before);
    const stored = await query(registrar, { function: 'GetDid', args: [`did:cityledger:civic:${id}`] });
    expect(stored.body.result).to.deep.equal(first.body.result);
  });

  it('leaves no state behind when a submission is refused (height and record unchanged)', async () => {
    const before = await height('energy');
    const feedId = uniqueId('feed');
    const refused = await submit(
      utilityOperator,
      {
        function: 'CreateFeed',
        args: [JSON.stringify({ feedId, metrics: [], deviceKinds: ['smart-meter'] })],
      },
      'energy',
      'telemetry',
    );
    expect(refused.status).to.equal(400);
    expect(refused.body.error.field).to.equal('feedJson.metrics');
    expect(await height('energy')).to.equal(before);
    const lookup = await query(
      utilityOperator,
      { function: 'GetFeed', args: [feedId] },
      'energy',
      'telemetry',
    );
    expect(lookup.status).to.equal(404);
  });

  it('re-endorses transactions that lose an MVCC read conflict, so concurrent updates of one record all commit', async () => {
    const feedId = uniqueId('feed');
    const created = await submit(
      cityOperator,
      {
        function: 'CreateFeed',
        args: [{ feedId, metrics: [{ name: 'pm2_5', unit: 'ug/m3' }], deviceKinds: ['air-quality-sensor'] }],
      },
      'civic',
      'telemetry',
    );
    expect(created.status).to.equal(200);
    const limits = [10, 20, 30, 40];
    const answers = await Promise.all(
      limits.map((limit) =>
        submit(
          cityOperator,
          {
            function: 'UpdateFeedThresholds',
            args: [feedId, [{ metric: 'pm2_5', comparison: 'gt', limit }]],
          },
          'civic',
          'telemetry',
        ),
      ),
    );
    expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 200, 200]);
    const metrics = await gateway.request('GET', '/metrics');
    const retries =
      /cityledger_ledger_submission_retries_total\{channel="civic",chaincode="telemetry"\} (\d+)/.exec(
        metrics.body,
      );
    expect(Number(retries?.[1])).to.be.greaterThan(0);
    const history = await query(
      cityOperator,
      { function: 'GetFeedHistory', args: [feedId] },
      'civic',
      'telemetry',
    );
    expect(history.body.result).to.have.length(5);
  });

  it('answers 413 for a body over the configured limit', async () => {
    const answer = await submit(registrar, { function: 'GetDid', args: ['x'.repeat(5000)] });
    expect(answer.status).to.equal(413);
    expect(answer.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
  });
});
