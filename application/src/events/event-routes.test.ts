import { expect } from 'chai';
import { readEvents } from '../testing/event-stream-client';
import { type TestGateway, personalDataOf, startTestGateway, uniqueId } from '../testing/test-gateway';

describe('event stream (server-sent events)', () => {
  let gateway: TestGateway;
  let registrar: string;
  let auditor: string;
  const events = '/api/v1/channels/civic/events';

  before(async () => {
    gateway = await startTestGateway();
    registrar = gateway.token('rita', 'CityMSP', 'registrar');
    auditor = gateway.token('audrey', 'AuditorMSP', 'auditor');
  });
  after(() => gateway.stop());

  /**
   * A person's registration is two transactions: the personal data (City's collection), then the
   * DID. The first is committed here; the returned function commits the second, one block of its own.
   */
  const storePersonalData = async (id: string) => {
    const transactions = '/api/v1/channels/civic/chaincodes/identity/transactions';
    const stored = await gateway.request('POST', transactions, {
      token: registrar,
      body: {
        function: 'StorePersonalData',
        args: [`did:cityledger:civic:${id}`],
        transient: { person: personalDataOf(id) },
      },
    });
    expect(stored.status).to.equal(200);
    return async () => {
      const answer = await gateway.request('POST', transactions, {
        token: registrar,
        body: { function: 'RegisterPerson', args: [id, stored.body.result.personalDataHash] },
      });
      expect(answer.status).to.equal(200);
      return { txId: answer.body.txId as string, blockNumber: answer.body.blockNumber as number };
    };
  };
  const registerPerson = async (id: string) => (await storePersonalData(id))();
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  it('delivers live chaincode events then the block commit, with resumable ids', async () => {
    const id = uniqueId('live');
    const register = await storePersonalData(id);
    let committed: { txId: string; blockNumber: number } | undefined;
    const { status, events: received } = await readEvents(
      `${gateway.url}${events}`,
      { headers: auth(auditor), until: (e) => e.some((x) => x.event === 'block') },
      async () => {
        committed = await register();
      },
    );
    expect(status).to.equal(200);
    const [chaincode, block] = received;
    expect(chaincode).to.deep.include({ id: `${committed!.blockNumber}:0`, event: 'chaincode' });
    expect(chaincode!.data).to.deep.include({
      channel: 'civic',
      blockNumber: committed!.blockNumber,
      txIndex: 0,
      txId: committed!.txId,
      chaincode: 'identity',
      event: 'DidRegistered',
    });
    expect(chaincode!.data.payload).to.include({ did: `did:cityledger:civic:${id}`, didType: 'person' });
    expect(block).to.deep.include({ id: String(committed!.blockNumber), event: 'block' });
    expect(block!.data.transactions).to.deep.equal([
      { txIndex: 0, txId: committed!.txId, validationCode: 'VALID', chaincode: 'identity' },
    ]);
  });

  it('replays from ?fromBlock and resumes exactly after Last-Event-ID', async () => {
    const registrations = [
      await storePersonalData(uniqueId('replay')),
      await storePersonalData(uniqueId('replay')),
    ];
    const first = await registrations[0]!();
    const second = await registrations[1]!();
    const replay = await readEvents(`${gateway.url}${events}?fromBlock=${first.blockNumber}`, {
      headers: auth(auditor),
      until: (e) => e.some((x) => x.id === String(second.blockNumber)),
    });
    expect(replay.events.map((e) => e.id)).to.deep.equal([
      `${first.blockNumber}:0`,
      String(first.blockNumber),
      `${second.blockNumber}:0`,
      String(second.blockNumber),
    ]);

    const afterChaincodeEvent = await readEvents(`${gateway.url}${events}?fromBlock=0`, {
      headers: { ...auth(auditor), 'Last-Event-ID': `${first.blockNumber}:0` },
      until: (e) => e.some((x) => x.id === String(second.blockNumber)),
    });
    expect(afterChaincodeEvent.events.map((e) => e.id)).to.deep.equal([
      String(first.blockNumber),
      `${second.blockNumber}:0`,
      String(second.blockNumber),
    ]);

    const afterBlock = await readEvents(`${gateway.url}${events}`, {
      headers: { ...auth(auditor), 'Last-Event-ID': String(first.blockNumber) },
      until: (e) => e.some((x) => x.id === String(second.blockNumber)),
    });
    expect(afterBlock.events[0]!.id).to.equal(`${second.blockNumber}:0`);
  });

  it('filters chaincode events by chaincode and event name; block commits still come', async () => {
    const person = await registerPerson(uniqueId('filter'));
    const filtered = await readEvents(
      `${gateway.url}${events}?fromBlock=${person.blockNumber}&event=CredentialIssued`,
      {
        headers: auth(auditor),
        until: (e) => e.some((x) => x.event === 'block'),
      },
    );
    expect(filtered.events.map((e) => e.event)).to.deep.equal(['block']);
    const byChaincode = await readEvents(
      `${gateway.url}${events}?fromBlock=${person.blockNumber}&chaincode=identity`,
      {
        headers: auth(auditor),
        until: (e) => e.some((x) => x.event === 'block'),
      },
    );
    expect(byChaincode.events.map((e) => e.event)).to.deep.equal(['chaincode', 'block']);
  });

  it('refuses organisations that are not on the channel, and malformed resume positions', async () => {
    const utility = await gateway.request('GET', events, {
      token: gateway.token('uma', 'UtilityMSP', 'operator'),
    });
    expect(utility.status).to.equal(403);
    const badId = await gateway.request('GET', events, {
      token: auditor,
      headers: { 'Last-Event-ID': 'yesterday' },
    });
    expect(badId.status).to.equal(400);
    expect(badId.body.error.field).to.equal('Last-Event-ID');
    const badBlock = await gateway.request('GET', `${events}?fromBlock=-1`, { token: auditor });
    expect(badBlock.body.error.field).to.equal('fromBlock');
    const noToken = await gateway.request('GET', events);
    expect(noToken.status).to.equal(401);
  });
});
