import { expect } from 'chai';
import { readEvents } from '../testing/event-stream-client';
import { type TestGateway, personalDataOf, startTestGateway, uniqueId } from '../testing/test-gateway';

describe('auditor explorer', () => {
  let gateway: TestGateway;
  let auditor: string;
  let cityAdmin: string;
  let citizen: string;
  let person: { id: string; did: string; txId: string; blockNumber: number };

  before(async () => {
    gateway = await startTestGateway();
    auditor = gateway.token('audrey', 'AuditorMSP', 'auditor');
    cityAdmin = gateway.token('ida', 'CityMSP', 'admin');
    citizen = gateway.token('carl', 'CityMSP', 'citizen');
    const id = uniqueId('person');
    const answer = await gateway.request('POST', '/api/v1/channels/civic/persons', {
      token: gateway.token('rita', 'CityMSP', 'registrar'),
      body: { id, personalData: personalDataOf('Ada') },
    });
    person = {
      id,
      did: answer.body.did,
      txId: answer.headers.get('x-transaction-id')!,
      blockNumber: Number(answer.headers.get('x-block-number')),
    };
  });
  after(() => gateway.stop());

  const get = (path: string, token = auditor) =>
    gateway.request('GET', `/api/v1/channels/civic${path}`, { token });

  it('shows a block with its hash chain and transactions', async () => {
    const answer = await get(`/blocks/${person.blockNumber}`);
    expect(answer.status).to.equal(200);
    expect(answer.body.headerHash).to.match(/^[0-9a-f]{64}$/);
    const previous = await get(`/blocks/${person.blockNumber - 1}`);
    expect(answer.body.previousHash).to.equal(previous.body.headerHash);
    expect(answer.body.transactions[0]).to.deep.include({
      txId: person.txId,
      validationCode: 'VALID',
      chaincode: 'identity',
    });
    expect(answer.body.transactions[0].event.name).to.equal('DidRegistered');
  });

  it('shows an event payload in a block and a transaction as the event stream does: the JSON value', async () => {
    const { events } = await readEvents(
      `${gateway.url}/api/v1/channels/civic/events?fromBlock=${person.blockNumber}`,
      { headers: { authorization: `Bearer ${auditor}` }, until: (e) => e.some((x) => x.event === 'block') },
    );
    const streamed = events.find((e) => e.event === 'chaincode')!.data as { payload: unknown };
    expect(streamed.payload).to.include({ did: person.did, didType: 'person' });
    const block = await get(`/blocks/${person.blockNumber}`);
    expect(block.body.transactions[0].event.payload).to.deep.equal(streamed.payload);
    const tx = await get(`/transactions/${person.txId}`);
    expect(tx.body.event.payload).to.deep.equal(streamed.payload);
  });

  it('lists blocks newest first, a page at a time, each naming its predecessor', async () => {
    const first = await get('/blocks?limit=3');
    expect(first.status).to.equal(200);
    const { height } = first.body;
    expect(first.body.indexedHeight).to.equal(height);
    expect(first.body.blocks.map((b: { blockNumber: number }) => b.blockNumber)).to.deep.equal([
      height - 1,
      height - 2,
      height - 3,
    ]);
    const seen: Array<{ blockNumber: number; headerHash: string; previousHash: string; txCount: number }> =
      [];
    let bookmark: string | undefined;
    do {
      const page = await get(`/blocks?limit=4${bookmark ? `&bookmark=${bookmark}` : ''}`);
      expect(page.status).to.equal(200);
      expect(page.body.blocks.length).to.be.at.most(4);
      seen.push(...page.body.blocks);
      bookmark = page.body.bookmark;
    } while (bookmark);
    expect(seen.map((b) => b.blockNumber)).to.deep.equal(
      Array.from({ length: height }, (_, i) => height - 1 - i),
    );
    for (let i = 0; i + 1 < seen.length; i++) expect(seen[i]!.previousHash).to.equal(seen[i + 1]!.headerHash);
    const shown = await get(`/blocks/${person.blockNumber}`);
    const listed = seen.find((b) => b.blockNumber === person.blockNumber)!;
    expect(listed).to.include({ headerHash: shown.body.headerHash, txCount: shown.body.transactions.length });
    expect(listed).to.have.property('time', shown.body.transactions[0].timestamp);
  });

  it('lists transactions newest first and filters them by chaincode, function, creator, code and time', async () => {
    const all = await get('/transactions?limit=100');
    expect(all.status).to.equal(200);
    const times = all.body.transactions.map((t: { time: string }) => Date.parse(t.time));
    expect(times).to.deep.equal([...times].sort((a, b) => b - a));
    const registered = all.body.transactions.find((t: { txId: string }) => t.txId === person.txId);
    expect(registered).to.deep.include({
      blockNumber: person.blockNumber,
      txIndex: 0,
      chaincode: 'identity',
      function: 'RegisterPerson',
      creatorMsp: 'CityMSP',
      validationCode: 'VALID',
    });

    const byFunction = await get('/transactions?chaincode=identity&function=RegisterPerson');
    expect(byFunction.body.transactions.map((t: { txId: string }) => t.txId)).to.include(person.txId);
    for (const t of byFunction.body.transactions)
      expect(t).to.include({ chaincode: 'identity', function: 'RegisterPerson' });
    expect((await get('/transactions?creatorMsp=AuditorMSP')).body.transactions).to.deep.equal([]);
    expect((await get('/transactions?validationCode=MVCC_READ_CONFLICT')).body.transactions).to.deep.equal(
      [],
    );
    const valid = await get('/transactions?validationCode=VALID&creatorMsp=CityMSP&limit=100');
    expect(valid.body.transactions.map((t: { txId: string }) => t.txId)).to.include(person.txId);

    const at = encodeURIComponent(registered.time);
    const exact = await get(`/transactions?from=${at}&to=${at}&function=RegisterPerson`);
    expect(exact.body.transactions.map((t: { txId: string }) => t.txId)).to.deep.equal([person.txId]);
    const later = new Date(Date.parse(registered.time) + 1).toISOString();
    expect((await get(`/transactions?from=${later}&txId=${person.txId}`)).body.transactions).to.deep.equal(
      [],
    );

    const byId = await get(`/transactions?txId=${person.txId}`);
    expect(byId.body.transactions).to.deep.equal([registered]);
  });

  it('pages transactions with a bookmark, without repeats or gaps', async () => {
    const all = (await get('/transactions?limit=100')).body.transactions;
    const paged: unknown[] = [];
    let bookmark: string | undefined;
    do {
      const page = await get(`/transactions?limit=2${bookmark ? `&bookmark=${bookmark}` : ''}`);
      paged.push(...page.body.transactions);
      bookmark = page.body.bookmark;
    } while (bookmark);
    expect(paged).to.deep.equal(all);
  });

  it('lists a transaction committed after the gateway started, first', async () => {
    const id = uniqueId('later');
    const answer = await gateway.request('POST', '/api/v1/channels/civic/persons', {
      token: gateway.token('rita', 'CityMSP', 'registrar'),
      body: { id, personalData: personalDataOf('Bea') },
    });
    const txId = answer.headers.get('x-transaction-id');
    const [newest] = (await get('/transactions?limit=1')).body.transactions;
    expect(newest.txId).to.equal(txId);
    const [block] = (await get('/blocks?limit=1')).body.blocks;
    expect(block.blockNumber).to.equal(Number(answer.headers.get('x-block-number')));
  });

  it('seals its bookmarks as the chaincode lists do: an altered or foreign one answers 400 naming bookmark', async () => {
    const refusalOf = async (path: string, token = auditor) => {
      const answer = await gateway.request('GET', path, { token });
      return [answer.status, answer.body.error?.code, answer.body.error?.field, answer.body.error?.message];
    };
    const asChaincodeLists = await refusalOf(
      `/api/v1/channels/civic/dids?type=person&bookmark=${'A'.repeat(30)}`,
    );
    expect(asChaincodeLists.slice(0, 3)).to.deep.equal([400, 'INVALID_ARGUMENT', 'bookmark']);
    const civicPath = (path: string) => `/api/v1/channels/civic${path}`;

    const blocks = (await get('/blocks?limit=1')).body.bookmark;
    const filtered = '/transactions?chaincode=identity&creatorMsp=CityMSP';
    const transactions = (await get(`${filtered}&from=2020-01-01T00:00:00Z&limit=1`)).body.bookmark;
    const altered = `${blocks.slice(0, 5)}${blocks[5] === 'A' ? 'B' : 'A'}${blocks.slice(6)}`;
    const unsealed = Buffer.from('b:1', 'utf8').toString('base64url');
    for (const [label, path, token] of [
      ['altered', civicPath(`/blocks?bookmark=${altered}`), auditor],
      ['a position of the client’s choosing', civicPath(`/blocks?bookmark=${unsealed}`), auditor],
      ['of the other listing', civicPath(`/transactions?bookmark=${blocks}`), auditor],
      ['of another channel', `/api/v1/channels/energy/blocks?bookmark=${blocks}`, cityAdmin],
      [
        'with a filter added',
        civicPath(`${filtered}&from=2020-01-01T00:00:00Z&validationCode=VALID&bookmark=${transactions}`),
        auditor,
      ],
      [
        'with a filter dropped',
        civicPath(`/transactions?chaincode=identity&from=2020-01-01T00:00:00Z&bookmark=${transactions}`),
        auditor,
      ],
      [
        'with another time',
        civicPath(`${filtered}&from=2020-01-01T00:00:01Z&bookmark=${transactions}`),
        auditor,
      ],
    ] as const) {
      expect(await refusalOf(path, token), label).to.deep.equal(asChaincodeLists);
    }

    // The same listing however the query spells it, and with any page size.
    const sameListing = await get(
      `/transactions?from=2020-01-01T00:00:00.000Z&creatorMsp=CityMSP&chaincode=identity&limit=5&bookmark=${transactions}`,
    );
    expect(sameListing.status).to.equal(200);
    expect(sameListing.body.transactions).to.have.length.greaterThan(0);
    expect((await get(`/blocks?limit=7&bookmark=${blocks}`)).status).to.equal(200);
  });

  it('refuses bad limits, bookmarks and time ranges with 400 naming the parameter', async () => {
    const fieldOf = async (path: string) => {
      const answer = await get(path);
      return [answer.status, answer.body.error?.field];
    };
    expect(await fieldOf('/blocks?limit=0')).to.deep.equal([400, 'limit']);
    expect(await fieldOf('/blocks?limit=101')).to.deep.equal([400, 'limit']);
    expect(await fieldOf('/transactions?limit=ten')).to.deep.equal([400, 'limit']);
    expect(await fieldOf('/blocks?bookmark=bm90LWEtYm9va21hcms')).to.deep.equal([400, 'bookmark']);
    const txBookmark = (await get('/transactions?limit=1')).body.bookmark;
    expect(await fieldOf(`/blocks?bookmark=${txBookmark}`)).to.deep.equal([400, 'bookmark']);
    expect(await fieldOf('/transactions?from=yesterday')).to.deep.equal([400, 'from']);
    expect(await fieldOf('/transactions?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z')).to.deep.equal([
      400,
      'from',
    ]);
    expect(await fieldOf('/transactions?validationCode=valid')).to.deep.equal([400, 'validationCode']);
    expect(await fieldOf('/transactions?creatorMsp=City')).to.deep.equal([400, 'creatorMsp']);
  });

  it('lets only auditors and admins of channel members list blocks and transactions', async () => {
    expect((await get('/transactions', cityAdmin)).status).to.equal(200);
    const refused = await get('/blocks', citizen);
    expect([refused.status, refused.body.error.code]).to.deep.equal([403, 'ROLE_NOT_ALLOWED']);
    const outsider = await get('/transactions', gateway.token('ulla', 'UtilityMSP', 'auditor'));
    expect(outsider.body.error.code).to.equal('NOT_A_CHANNEL_MEMBER');
  });

  it('shows which orderer signed a block, and that its signature verifies', async () => {
    const answer = await get(`/blocks/${person.blockNumber}`);
    expect(answer.body.ordererSignatures).to.have.length(1);
    expect(answer.body.ordererSignatures[0]).to.include({ mspId: 'OrdererMSP', verified: true });
    expect(answer.body.ordererSignatures[0].orderer).to.match(/^orderer\d/);
    expect(answer.body.ordererSignatures[0]).to.not.have.property('consenterId');
  });

  it('shows a transaction: creator, endorsers, validation code, read/write set and event — but no personal data', async () => {
    const answer = await get(`/transactions/${person.txId}`);
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.include({
      txId: person.txId,
      validationCodeName: 'VALID',
      function: 'RegisterPerson',
    });
    expect(answer.body.args[0]).to.equal(person.id);
    expect(answer.body.args[1]).to.match(/^[0-9a-f]{64}$/);
    expect(answer.body.creator.mspId).to.equal('CityMSP');
    expect(answer.body.creator.subject).to.match(/CN=rita/);
    expect(answer.body.endorsements.map((e: { mspId: string }) => e.mspId))
      .to.include('CityMSP')
      .and.have.length.greaterThan(1);
    const identityWrites = answer.body.readWriteSet.find(
      (ns: { namespace: string }) => ns.namespace === 'identity',
    ).writes;
    expect(identityWrites.length).to.be.greaterThan(0);
    expect(answer.body.event.name).to.equal('DidRegistered');
    expect(JSON.stringify(answer.body)).to.not.include('Harbour Street');
  });

  it('gives the history of a composite key and of a raw key', async () => {
    const composite = await get(
      `/chaincodes/identity/history?objectType=did&attribute=${encodeURIComponent(person.did)}`,
    );
    expect(composite.status).to.equal(200);
    expect(composite.body.history).to.have.length(1);
    expect(composite.body.history[0]).to.include({
      txId: person.txId,
      blockNumber: person.blockNumber,
      isDelete: false,
    });
    expect(JSON.parse(composite.body.history[0].value)).to.include({ did: person.did });
    const raw = await get(
      `/chaincodes/identity/history?key=${encodeURIComponent(`\u0000did\u0000${person.did}\u0000`)}`,
    );
    expect(raw.body.history).to.deep.equal(composite.body.history);
  });

  it('bounds the history key: a long one answers 400 naming key, a huge one 414, both in the error envelope', async () => {
    const long = await get(`/chaincodes/identity/history?key=${'k'.repeat(4000)}`);
    expect([long.status, long.body.error.code, long.body.error.field]).to.deep.equal([
      400,
      'INVALID_ARGUMENT',
      'key',
    ]);
    // Past Node's 16 KB header limit the request never reaches express; it still gets the envelope.
    const huge = await get(`/chaincodes/identity/history?key=${'k'.repeat(100_000)}`);
    expect([huge.status, huge.body.error.code]).to.deep.equal([414, 'URI_TOO_LONG']);
    const hugeHeader = await gateway.request('GET', '/healthz', {
      headers: { 'x-padding': 'p'.repeat(20_000) },
    });
    expect([hugeHeader.status, hugeHeader.body.error.code]).to.deep.equal([431, 'HEADERS_TOO_LARGE']);
  });

  it('verifies the chain', async () => {
    const answer = await get('/verify');
    expect(answer.status).to.equal(200);
    expect(answer.body.ok).to.equal(true);
    expect(answer.body.height).to.be.greaterThan(person.blockNumber);
    expect(answer.body).to.include({ bft: false }).and.not.have.property('notSignedBy');
    const [signer] = answer.body.signers;
    expect(answer.body.signers).to.have.length(1);
    expect(signer).to.include({ mspId: 'OrdererMSP', blocks: answer.body.height });
  });

  it('lists the blocks an ordering organisation did not sign when asked with signer', async () => {
    const orderer = await get('/verify?signer=OrdererMSP');
    expect(orderer.status).to.equal(200);
    expect(orderer.body.notSignedBy).to.deep.equal({ mspId: 'OrdererMSP', blocks: [], truncated: false });
    // The city runs no orderer on the embedded network: every block after genesis lacks its signature.
    const city = await get('/verify?signer=CityMSP');
    const afterGenesis = Array.from({ length: city.body.height - 1 }, (_, i) => i + 1);
    expect(city.body.notSignedBy).to.deep.equal({ mspId: 'CityMSP', blocks: afterGenesis, truncated: false });
    const bad = await get('/verify?signer=nobody');
    expect([bad.status, bad.body.error.field]).to.deep.equal([400, 'signer']);
  });

  it('lets an org admin in too, but not other roles or organisations off the channel', async () => {
    expect((await get('/verify', cityAdmin)).status).to.equal(200);
    const refused = await get('/verify', citizen);
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal('ROLE_NOT_ALLOWED');
    const utilityAuditor = await get('/blocks/0', gateway.token('ulla', 'UtilityMSP', 'auditor'));
    expect(utilityAuditor.body.error.code).to.equal('NOT_A_CHANNEL_MEMBER');
  });

  it('answers 404 for a block or transaction that does not exist and 400 for malformed ones', async () => {
    expect((await get('/blocks/999999')).status).to.equal(404);
    expect((await get(`/transactions/${'0'.repeat(64)}`)).status).to.equal(404);
    const badBlock = await get('/blocks/latest');
    expect([badBlock.status, badBlock.body.error.field]).to.deep.equal([400, 'blockNumber']);
    const noKey = await get('/chaincodes/identity/history');
    expect([noKey.status, noKey.body.error.field]).to.deep.equal([400, 'key']);
    expect((await get('/chaincodes/casino/history?key=x')).status).to.equal(404);
    expect(
      (await gateway.request('GET', '/api/v1/channels/atlantis/verify', { token: auditor })).status,
    ).to.equal(404);
  });
});
