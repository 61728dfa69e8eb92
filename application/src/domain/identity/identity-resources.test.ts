import { expect } from 'chai';
import {
  type TestGateway,
  devicePublicKeyPem,
  personalDataOf,
  startTestGateway,
  uniqueId,
} from '../../testing/test-gateway';

describe('identity REST resources', () => {
  let gateway: TestGateway;
  let registrar: string;
  let utilityOperator: string;
  let citizen: string;
  const civic = '/api/v1/channels/civic';
  const energy = '/api/v1/channels/energy';

  before(async () => {
    gateway = await startTestGateway();
    registrar = gateway.token('rita', 'CityMSP', 'registrar');
    utilityOperator = gateway.token('uma', 'UtilityMSP', 'operator');
    citizen = gateway.token('carl', 'CityMSP', 'citizen');
  });
  after(() => gateway.stop());

  const registerPerson = async (base = civic, token = registrar) => {
    const id = uniqueId('person');
    const answer = await gateway.request('POST', `${base}/persons`, {
      token,
      body: { id, personalData: personalDataOf(id) },
    });
    return { id, answer };
  };

  it('registers a person: 201, Location, transaction headers, only the hash public', async () => {
    const { id, answer } = await registerPerson();
    const did = `did:cityledger:civic:${id}`;
    expect(answer.status).to.equal(201);
    expect(answer.headers.get('location')).to.equal(`/api/v1/channels/civic/dids/${did}`);
    expect(answer.headers.get('x-transaction-id')).to.match(/^[0-9a-f]{64}$/);
    expect(answer.body.person.personalDataHash).to.match(/^[0-9a-f]{64}$/);
    const read = await gateway.request('GET', `${civic}/dids/${did}`, { token: citizen });
    expect(read.body).to.deep.equal(answer.body);
    const personal = await gateway.request('GET', `${civic}/persons/${did}/personal-data`, {
      token: registrar,
    });
    expect(personal.body).to.deep.equal(personalDataOf(id));
    const check = await gateway.request('POST', `${civic}/persons/${did}/personal-data/verifications`, {
      token: citizen,
      body: personalDataOf(id),
    });
    expect(check.body).to.deep.equal({ did, matches: true });
  });

  it('refuses personal data to a citizen (chaincode ACCESS_DENIED → 403)', async () => {
    const { id } = await registerPerson();
    const answer = await gateway.request('GET', `${civic}/persons/did:cityledger:civic:${id}/personal-data`, {
      token: citizen,
    });
    expect(answer.status).to.equal(403);
  });

  it('validates the body against the schema, naming the field', async () => {
    const answer = await gateway.request('POST', `${civic}/persons`, {
      token: registrar,
      body: { id: 'p1', personalData: { ...personalDataOf('x'), birthDate: '01/04/1990' } },
    });
    expect(answer.status).to.equal(400);
    expect(answer.body.error.field).to.equal('personalData.birthDate');
    const missing = await gateway.request('POST', `${civic}/persons`, {
      token: registrar,
      body: { id: 'p1' },
    });
    expect(missing.body.error).to.include({ field: 'personalData', message: 'personalData: is required' });
  });

  it('registers a smart meter on the energy channel and rotates its key', async () => {
    const owner = await registerPerson(energy);
    const ownerDid = `did:cityledger:energy:${owner.id}`;
    const id = uniqueId('meter');
    const body = {
      id,
      kind: 'smart-meter',
      ownerDid,
      publicKeyPem: devicePublicKeyPem(),
      metrics: ['import_kwh', 'export_kwh'],
      feedId: 'meters',
    };
    const refused = await gateway.request('POST', `${energy}/devices`, {
      token: gateway.token('cora', 'CityMSP', 'operator'),
      body,
    });
    expect(refused.status).to.equal(403);
    const created = await gateway.request('POST', `${energy}/devices`, { token: utilityOperator, body });
    expect(created.status).to.equal(201);
    expect(created.body.device).to.include({ kind: 'smart-meter', ownerDid, feedId: 'meters' });
    const did = created.body.did as string;
    const rotated = await gateway.request('POST', `${energy}/devices/${did}/keys`, {
      token: utilityOperator,
      body: { publicKeyPem: devicePublicKeyPem() },
    });
    expect(rotated.status).to.equal(200);
    expect(rotated.body.verificationKeys).to.have.length(2);
    const key = await gateway.request('GET', `${energy}/devices/${did}/key`, { token: utilityOperator });
    expect(key.body.keyId).to.equal(`${did}#key-2`);
    const devices = await gateway.request('GET', `${energy}/dids/${ownerDid}/devices?pageSize=10`, {
      token: utilityOperator,
    });
    expect(devices.body.records.map((d: { did: string }) => d.did)).to.deep.equal([did]);
    const kind = await gateway.request('POST', `${energy}/devices`, {
      token: utilityOperator,
      body: { ...body, kind: 'toaster' },
    });
    expect(kind.body.error.field).to.equal('kind');
  });

  it('refuses a device with a metric its feed does not take (400, naming it) and writes nothing', async () => {
    const cityOperator = gateway.token('cora', 'CityMSP', 'operator');
    const feedId = uniqueId('air');
    const feed = await gateway.request('POST', `${civic}/feeds`, {
      token: cityOperator,
      body: {
        feedId,
        metrics: [{ name: 'pm2_5', unit: 'ug/m3' }],
        deviceKinds: ['air-quality-sensor'],
      },
    });
    expect(feed.status).to.equal(201);
    const owner = await registerPerson(civic);
    const id = uniqueId('aq');
    const body = {
      id,
      kind: 'air-quality-sensor',
      ownerDid: `did:cityledger:civic:${owner.id}`,
      publicKeyPem: devicePublicKeyPem(),
      metrics: ['pm2_5', 'no2'],
      feedId,
    };
    const refused = await gateway.request('POST', `${civic}/devices`, { token: cityOperator, body });
    expect(refused.status).to.equal(400);
    expect(refused.body.error).to.include({
      code: 'INVALID_ARGUMENT',
      field: 'metricsJson',
    });
    expect(refused.body.error.message).to.contain(`feed ${feedId} does not take no2; it takes pm2_5`);
    const absent = await gateway.request('GET', `${civic}/devices/did:cityledger:civic:${id}`, {
      token: cityOperator,
    });
    expect(absent.status).to.equal(404);
    const created = await gateway.request('POST', `${civic}/devices`, {
      token: cityOperator,
      body: { ...body, metrics: ['pm2_5'] },
    });
    expect(created.status).to.equal(201);
  });

  it('issues, checks, lists and revokes a credential', async () => {
    const { id } = await registerPerson();
    const subjectDid = `did:cityledger:civic:${id}`;
    const credentialId = uniqueId('voter');
    const issued = await gateway.request('POST', `${civic}/credentials`, {
      token: registrar,
      body: {
        credentialId,
        subjectDid,
        credentialType: 'eligible-voter',
        validUntil: '2099-01-01T00:00:00Z',
        claims: { district: '4' },
      },
    });
    expect(issued.status).to.equal(201);
    expect(issued.headers.get('location')).to.equal(`/api/v1/channels/civic/credentials/${credentialId}`);
    const validity = await gateway.request('GET', `${civic}/credentials/${credentialId}/validity`, {
      token: citizen,
    });
    expect(validity.body).to.deep.equal({ credentialId, valid: true });
    const byType = await gateway.request(
      'GET',
      `${civic}/dids/${subjectDid}/credentials/eligible-voter/validity`,
      { token: citizen },
    );
    expect(byType.body).to.include({ valid: true, credentialId });
    const list = await gateway.request('GET', `${civic}/dids/${subjectDid}/credentials`, { token: citizen });
    expect(list.body.records).to.have.length(1);
    const revoked = await gateway.request('DELETE', `${civic}/credentials/${credentialId}?reason=moved`, {
      token: registrar,
    });
    expect(revoked.status).to.equal(200);
    expect(revoked.body.status).to.equal('revoked');
    const after = await gateway.request('GET', `${civic}/credentials/${credentialId}/validity`, {
      token: citizen,
    });
    expect(after.body).to.deep.equal({ credentialId, valid: false, reason: 'revoked' });
    const again = await gateway.request('DELETE', `${civic}/credentials/${credentialId}`, {
      token: registrar,
    });
    expect(again.status).to.equal(409);
    const history = await gateway.request('GET', `${civic}/credentials/${credentialId}/history`, {
      token: citizen,
    });
    expect(history.body).to.have.length(2);
  });

  it('deactivates a DID and reports it invalid', async () => {
    const { id } = await registerPerson();
    const did = `did:cityledger:civic:${id}`;
    const deactivated = await gateway.request('POST', `${civic}/dids/${did}/deactivation`, {
      token: registrar,
      body: { reason: 'moved away' },
    });
    expect(deactivated.body.status).to.equal('deactivated');
    const validity = await gateway.request('GET', `${civic}/dids/${did}/validity`, { token: citizen });
    expect(validity.body).to.include({ valid: false, reason: 'did-deactivated' });
    const history = await gateway.request('GET', `${civic}/dids/${did}/history`, { token: citizen });
    expect(history.body).to.have.length(2);
  });

  it('answers 404 for unknown records and 400 for malformed DIDs', async () => {
    const unknown = await gateway.request('GET', `${civic}/dids/did:cityledger:civic:nobody`, {
      token: citizen,
    });
    expect(unknown.status).to.equal(404);
    const malformed = await gateway.request('GET', `${civic}/dids/alice`, { token: citizen });
    expect([malformed.status, malformed.body.error.field]).to.deep.equal([400, 'did']);
  });

  it('lists DIDs by type with pagination', async () => {
    await registerPerson();
    await registerPerson();
    const page = await gateway.request('GET', `${civic}/dids?type=person&pageSize=1`, { token: citizen });
    expect(page.body.records).to.have.length(1);
    expect(page.body.bookmark).to.be.a('string').and.not.equal('');
    const next = await gateway.request(
      'GET',
      `${civic}/dids?type=person&pageSize=1&bookmark=${encodeURIComponent(page.body.bookmark)}`,
      { token: citizen },
    );
    expect(next.body.records[0].did).to.not.equal(page.body.records[0].did);
    const badType = await gateway.request('GET', `${civic}/dids?type=robot`, { token: citizen });
    expect(badType.body.error.field).to.equal('type');
  });
});
