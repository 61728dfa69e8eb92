import { expect } from 'chai';
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
