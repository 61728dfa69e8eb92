import { contracts as identityContracts } from '@cityledger/chaincode-identity';
import { expect } from 'chai';
import { type TestGateway, startTestGateway } from '../testing/test-gateway';

describe('gateway operations: health, readiness, metrics, OpenAPI, docs, limits', () => {
  let gateway: TestGateway;
  let limited: TestGateway;

  before(async () => {
    gateway = await startTestGateway();
    // Only identity installed, and a tiny rate limit: readiness names what is missing, 429 is reachable.
    limited = await startTestGateway({ RATE_LIMIT_PER_MINUTE: '3' }, { identity: identityContracts });
  });
  after(async () => {
    await limited.stop();
    await gateway.stop();
  });

  it('answers /healthz while the process is up', async () => {
    const answer = await gateway.request('GET', '/healthz');
    expect([answer.status, answer.body]).to.deep.equal([200, { status: 'ok' }]);
  });

  it('answers /readyz 200 when every chaincode is installed, with the channel heights', async () => {
    const answer = await gateway.request('GET', '/readyz');
    expect(answer.status).to.equal(200);
    expect(answer.body.ready).to.equal(true);
    expect(answer.body.channels.map((c: { channel: string }) => c.channel)).to.deep.equal([
      'energy',
      'civic',
    ]);
  });

  it('answers /readyz 503 naming each chaincode that is not installed', async () => {
    const answer = await limited.request('GET', '/readyz');
    expect(answer.status).to.equal(503);
    expect(answer.body.problems).to.include('chaincode telemetry is not installed on channel civic');
    expect(answer.body.problems).to.not.include('chaincode identity is not installed on channel civic');
  });

  it('serves Prometheus metrics: requests, latencies, submissions by outcome, ledger height and verification per channel', async () => {
    const token = gateway.token('otto', 'CityMSP', 'operator');
    await gateway.request('POST', '/api/v1/channels/civic/chaincodes/telemetry/transactions', {
      token,
      body: { function: 'CreateFeed', args: ['{}'] },
    });
    const answer = await gateway.request('GET', '/metrics');
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('content-type')).to.match(/^text\/plain/);
    expect(answer.body).to.match(/cityledger_ledger_height\{channel="civic"\} \d+/);
    expect(answer.body).to.include('cityledger_chain_verified{channel="civic"} 1');
    expect(answer.body).to.match(
      /cityledger_ledger_submissions_total\{channel="civic",chaincode="telemetry",outcome="refused"\} 1/,
    );
    expect(answer.body).to.include(
      'cityledger_http_requests_total{method="POST",route="/api/v1/channels/{channel}/chaincodes/{chaincode}/transactions",status="400"} 1',
    );
    expect(answer.body).to.include('cityledger_http_request_duration_seconds_bucket');
  });

  it('publishes one OpenAPI document from the validating schemas and the chaincode metadata', async () => {
    const answer = await gateway.request('GET', '/openapi.json');
    expect(answer.status).to.equal(200);
    const doc = answer.body;
    expect(doc.openapi).to.equal('3.1.0');
    const registerDevice = doc.paths['/api/v1/channels/{channel}/devices'].post;
    const schema = registerDevice.requestBody.content['application/json'].schema;
    expect(schema.required).to.include.members([
      'id',
      'kind',
      'ownerDid',
      'publicKeyPem',
      'metrics',
      'feedId',
    ]);
    expect(schema.properties.kind.enum).to.include('smart-meter');
    expect(registerDevice.parameters[0]).to.include({ name: 'channel', in: 'path', required: true });
    expect(Object.keys(registerDevice.responses)).to.include.members([
      '201',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '429',
      '503',
    ]);
    const generic = doc.paths['/api/v1/channels/{channel}/chaincodes/identity/transactions'].post;
    const functions = generic.requestBody.content['application/json'].schema.oneOf.map(
      (o: { title: string }) => o.title,
    );
    expect(functions).to.include.members(['RegisterPerson', 'RegisterDevice', 'IssueCredential']);
    expect(functions).to.not.include('GetDid');
    expect(generic.parameters[0].schema.enum).to.deep.equal(['energy', 'civic']);
    expect(doc.paths['/api/v1/channels/{channel}/events'].get.responses['200'].content).to.have.key(
      'text/event-stream',
    );
    expect(doc.components.securitySchemes.bearerAuth.scheme).to.equal('bearer');
  });

  it('describes argument lists in valid JSON Schema 2020-12, zero-argument functions included', async () => {
    const doc = (await gateway.request('GET', '/openapi.json')).body;
    // 2020-12: "prefixItems" MUST be a non-empty array; schema tools refuse the whole operation otherwise.
    const emptyPrefixItems: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (Array.isArray(record.prefixItems) && record.prefixItems.length === 0) emptyPrefixItems.push(where);
      for (const [key, child] of Object.entries(record)) walk(child, `${where}/${key}`);
    };
    walk(doc, '#');
    expect(emptyPrefixItems).to.deep.equal([]);
    const queries = doc.paths['/api/v1/channels/{channel}/chaincodes/energy-trading/queries'].post;
    const noArguments = queries.requestBody.content['application/json'].schema.oneOf.find(
      (o: { properties: { args: { maxItems: number } } }) => o.properties.args.maxItems === 0,
    );
    expect(noArguments, 'a zero-argument query of energy-trading').to.not.equal(undefined);
    expect(noArguments.properties.args).to.not.have.property('prefixItems');
  });

  it('serves a self-contained /docs page with no external requests', async () => {
    const answer = await gateway.request('GET', '/docs');
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('content-type')).to.match(/^text\/html/);
    expect(answer.body).to.include("fetch('/openapi.json')");
    expect(answer.body).to.not.match(/(src|href)="https?:/);
    expect(answer.headers.get('content-security-policy'))
      .to.include("default-src 'none'")
      .and.include("connect-src 'self'");
  });

  it('answers unknown routes with a JSON 404 and never leaks a stack trace', async () => {
    const answer = await gateway.request('GET', '/api/v1/nothing-here', {
      token: gateway.token('a', 'CityMSP', 'citizen'),
    });
    expect(answer.status).to.equal(404);
    expect(answer.body.error.code).to.equal('UNKNOWN_ROUTE');
    expect(JSON.stringify(answer.body)).to.not.match(/\/work\/|\.ts:|\.js:|at /);
  });

  it('echoes a request id for correlation with the logs', async () => {
    const answer = await gateway.request('GET', '/healthz', { headers: { 'X-Request-Id': 'trace-42' } });
    expect(answer.headers.get('x-request-id')).to.equal('trace-42');
  });

  it('answers 429 with Retry-After once a client exceeds the rate limit', async () => {
    const token = limited.token('alice', 'CityMSP', 'citizen');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await limited.request('GET', '/api/v1/channels', { token })).status);
    expect(statuses).to.deep.equal([200, 200, 200, 429]);
    const answer = await limited.request('GET', '/api/v1/channels', { token });
    expect(answer.body.error.code).to.equal('RATE_LIMITED');
    expect(Number(answer.headers.get('retry-after'))).to.be.greaterThan(0);
  });

  it('answers 503 LEDGER_UNAVAILABLE and /readyz 503 once the ledger is gone', async () => {
    const token = gateway.token('rita', 'CityMSP', 'registrar');
    await gateway.running.ledger.close();
    const answer = await gateway.request('POST', '/api/v1/channels/civic/chaincodes/identity/queries', {
      token,
      body: { function: 'GetDid', args: ['did:cityledger:civic:x'] },
    });
    expect(answer.status).to.equal(503);
    expect(answer.body.error.code).to.equal('LEDGER_UNAVAILABLE');
    const ready = await gateway.request('GET', '/readyz');
    expect(ready.status).to.equal(503);
    expect(ready.body.problems).to.deep.equal(['the ledger connection is closed']);
    expect((await gateway.request('GET', '/healthz')).status).to.equal(200);
  });
});
