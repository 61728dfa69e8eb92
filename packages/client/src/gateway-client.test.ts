import { expect } from 'chai';
import { GatewayClient, answerOf } from './gateway-client';
import { documentedOperation } from './documented-operation';
import { GatewayError, UndocumentedRouteError } from './gateway-error';

interface SeenRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

/** A gateway stand-in that records each request and answers `status` with `body`. */
function fakeGateway(status: number, body: unknown) {
  const seen: SeenRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    seen.push({
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: await request.text(),
    });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { seen, fetch };
}

describe('GatewayClient', () => {
  it('sends typed calls to the base URL with the bearer token, path parameters filled in', async () => {
    const gateway = fakeGateway(200, { result: { parcelId: 'p-1' } });
    const client = new GatewayClient({
      baseUrl: 'http://gateway.test',
      token: 't0k3n',
      fetch: gateway.fetch,
    });
    const answer = await answerOf(
      client.api.POST('/api/v1/channels/{channel}/chaincodes/{chaincode}/queries', {
        params: { path: { channel: 'civic', chaincode: 'land-registry' } },
        body: { function: 'GetParcel', args: ['p-1'] },
      }),
    );
    expect(answer).to.deep.equal({ result: { parcelId: 'p-1' } });
    expect(gateway.seen[0].url).to.equal(
      'http://gateway.test/api/v1/channels/civic/chaincodes/land-registry/queries',
    );
    expect(gateway.seen[0].headers.get('authorization')).to.equal('Bearer t0k3n');
    expect(JSON.parse(gateway.seen[0].body)).to.deep.equal({ function: 'GetParcel', args: ['p-1'] });
  });

  it('rejects at compile time a path the gateway does not serve', () => {
    const client = new GatewayClient({ baseUrl: 'http://gateway.test', fetch: fakeGateway(200, {}).fetch });
    // @ts-expect-error -- not an operation of the OpenAPI document
    expect(() => client.api.GET('/api/v1/no-such-route')).to.not.throw();
  });

  it('turns a refusal into a GatewayError with the gateway’s code and message', async () => {
    const gateway = fakeGateway(403, { error: { code: 'ACCESS_DENIED', message: 'not a member of civic' } });
    const client = new GatewayClient({ baseUrl: 'http://gateway.test', token: 'x', fetch: gateway.fetch });
    const error = await client.send('GET', '/api/v1/channels/civic/verify').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(GatewayError).and.include({ status: 403, code: 'ACCESS_DENIED' });
    expect((error as GatewayError).refused).to.equal(true);
    const typed = await answerOf(client.api.GET('/api/v1/channels')).catch((e: unknown) => e);
    expect(typed)
      .to.be.instanceOf(GatewayError)
      .and.include({ status: 403, message: 'not a member of civic' });
  });

  it('answers a refusal with its status from request(), for callers that act on it', async () => {
    const gateway = fakeGateway(409, { error: { code: 'CONFLICT', message: 'exists' } });
    const client = new GatewayClient({ baseUrl: 'http://gateway.test', fetch: gateway.fetch });
    const answer = await client.request('POST', '/api/v1/channels/civic/organisations', { id: 'x' });
    expect(answer.status).to.equal(409);
    expect(answer.body).to.deep.equal({ error: { code: 'CONFLICT', message: 'exists' } });
  });

  it('refuses, without a request, a run-time path that is not in the OpenAPI document', async () => {
    const gateway = fakeGateway(200, {});
    const client = new GatewayClient({ baseUrl: 'http://gateway.test', fetch: gateway.fetch });
    const error = await client.send('POST', '/api/v1/channels/civic/verify').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(UndocumentedRouteError);
    expect(gateway.seen).to.deep.equal([]);
  });

  it('reports an unreachable gateway as status 0, UNREACHABLE', async () => {
    const client = new GatewayClient({
      baseUrl: 'http://gateway.test',
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    const error = await client.send('GET', '/api/v1/channels').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(GatewayError).and.include({ status: 0, code: 'UNREACHABLE' });
  });
});

describe('documentedOperation', () => {
  it('matches a concrete path to its template, a literal segment before a parameter', () => {
    expect(documentedOperation('POST', '/api/v1/channels/civic/chaincodes/voting/queries')).to.equal(
      '/api/v1/channels/{channel}/chaincodes/voting/queries',
    );
    expect(documentedOperation('POST', '/api/v1/channels/civic/chaincodes/nope/queries')).to.equal(
      '/api/v1/channels/{channel}/chaincodes/{chaincode}/queries',
    );
    expect(documentedOperation('GET', '/api/v1/channels/civic/elections/pb-2025/nope')).to.equal(undefined);
  });
});
