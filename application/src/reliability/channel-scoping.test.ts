import { loadConsortium } from '@cityledger/network';
import { expect } from 'chai';
import { type TestGateway, startTestGateway } from '../testing/test-gateway';

interface OpenApiOperation {
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; schema?: { enum?: string[] } }>;
  requestBody?: unknown;
}

/**
 * Every operation of `/openapi.json` that names a channel — in its path or through a device DID —
 * is called with a token of every organisation that is not a member of that channel: each must
 * answer 403 NOT_A_CHANNEL_MEMBER, whatever the rest of the request holds. Walking the document
 * means a route added later is covered without anyone remembering to add it here.
 */
describe('reliability: no operation serves a channel to an organisation outside it', function () {
  this.timeout(120_000);
  let gateway: TestGateway;
  let paths: Record<string, Record<string, OpenApiOperation>>;
  const consortium = loadConsortium();
  const channels = consortium.definition.channels;
  const organisations = consortium.peerOrganizations().map((org) => org.mspId);

  before(async () => {
    gateway = await startTestGateway({ RATE_LIMIT_PER_MINUTE: '0' });
    paths = (await gateway.request('GET', '/openapi.json')).body.paths;
  });
  after(() => gateway.stop());

  /** The request path for `template` on `channel`, or undefined when the operation names no channel. */
  function onChannel(template: string, channel: string): string | undefined {
    if (template.includes('{channel}')) {
      return template.replace(/\{(\w+)\}/g, (_m, name: string) =>
        name === 'channel' ? channel : name === 'did' ? `did:cityledger:${channel}:alice` : 'x1',
      );
    }
    if (template.includes('{deviceId}')) {
      return template.replace(/\{(\w+)\}/g, (_m, name: string) =>
        name === 'deviceId' ? `did:cityledger:${channel}:meter-1` : '1',
      );
    }
    return undefined;
  }

  it('answers 403 NOT_A_CHANNEL_MEMBER to every non-member on every channel-scoped operation', async () => {
    const leaks: string[] = [];
    const checked = new Set<string>();
    for (const [template, operations] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        // Anonymous operations (device ingest, the ballot box) carry their own credential, no org.
        if (Array.isArray(operation.security) && operation.security.length === 0) continue;
        const channelEnum = operation.parameters?.find((p) => p.name === 'channel')?.schema?.enum;
        for (const channel of channels.filter((c) => !channelEnum || channelEnum.includes(c.name))) {
          const path = onChannel(template, channel.name);
          if (!path) continue;
          checked.add(`${method.toUpperCase()} ${template}`);
          for (const org of organisations.filter((o) => !channel.members.includes(o))) {
            const answer = await gateway.request(method.toUpperCase(), path, {
              token: gateway.token('mallory', org, 'admin'),
              ...(operation.requestBody ? { body: {} } : {}),
            });
            if (answer.status !== 403 || answer.body?.error?.code !== 'NOT_A_CHANNEL_MEMBER') {
              leaks.push(
                `${org} ${method.toUpperCase()} ${path} → ${answer.status} ${JSON.stringify(answer.body)}`,
              );
            }
          }
        }
      }
    }
    expect(leaks).to.deep.equal([]);
    expect(checked).to.include('GET /api/v1/iot/readings/{deviceId}/{seq}');
    expect(checked.size).to.be.greaterThan(50);
  });

  it('lists the IoT routes and the anonymous ballot box, the anonymous ones without a token requirement', () => {
    expect(paths['/api/v1/iot/readings/{deviceId}/{seq}']?.get?.security).to.equal(undefined);
    expect(paths['/api/v1/iot/readings']?.post?.security).to.deep.equal([]);
    expect(
      paths['/api/v1/ballot-box/{channel}/elections/{electionId}/ballots']?.post?.security,
    ).to.deep.equal([]);
  });

  it('refuses a household meter reading to an organisation outside the energy channel', async () => {
    const energy = channels.find((c) => c.name === 'energy')!;
    const outsider = organisations.find((o) => !energy.members.includes(o))!;
    const answer = await gateway.request('GET', '/api/v1/iot/readings/did:cityledger:energy:meter-dan/4', {
      token: gateway.token('carol', outsider, 'citizen'),
    });
    expect([answer.status, answer.body.error.code]).to.deep.equal([403, 'NOT_A_CHANNEL_MEMBER']);
    const member = await gateway.request('GET', '/api/v1/iot/readings/did:cityledger:energy:meter-dan/4', {
      token: gateway.token('uma', energy.members[0]!, 'operator'),
    });
    expect([member.status, member.body.error.code]).to.deep.equal([404, 'UNKNOWN_READING']);
  });
});
