import { expect } from 'chai';
import { type TestGateway, personalDataOf, startTestGateway, uniqueId } from '../../testing/test-gateway';

describe('identity times', function () {
  this.timeout(60_000);
  let gateway: TestGateway;
  let registrar: string;
  let subjectDid: string;
  const civic = '/api/v1/channels/civic';

  before(async () => {
    gateway = await startTestGateway();
    registrar = gateway.token('rita', 'CityMSP', 'registrar');
    const id = uniqueId('person');
    const person = await gateway.request('POST', `${civic}/persons`, {
      token: registrar,
      body: { id, personalData: personalDataOf(id) },
    });
    expect(person.status).to.equal(201);
    subjectDid = person.body.did;
  });
  after(() => gateway.stop());

  const issue = (
    credentialId: string,
    times: { validFrom?: string; validUntil: string },
    token = registrar,
  ) =>
    gateway.request('POST', `${civic}/credentials`, {
      token,
      body: { credentialId, subjectDid, credentialType: 'eligible-voter', ...times },
    });

  const refusalOf = (answer: { status: number; body: { error?: Record<string, string> } }) => [
    answer.status,
    answer.body.error?.code,
    answer.body.error?.field,
    answer.body.error?.message?.split(',')[0],
  ];

  it('refuses a time with an offset other than UTC up front, naming the field', async () => {
    const credentialId = uniqueId('voter');
    for (const [field, times] of [
      ['validUntil', { validUntil: '2099-01-01T02:00:00+02:00' }],
      ['validFrom', { validFrom: '2026-01-01T00:00:00-05:00', validUntil: '2099-01-01T00:00:00Z' }],
    ] as const) {
      expect(refusalOf(await issue(credentialId, times)), field).to.deep.equal([
        400,
        'INVALID_ARGUMENT',
        field,
        `${field}: must be an ISO-8601 UTC timestamp (RFC 3339) like 2025-01-31T12:00:00Z`,
      ]);
    }
    // Judged before the ledger is asked: a caller the contract would refuse gets the same 400.
    const citizen = gateway.token('carl', 'CityMSP', 'citizen');
    expect(
      refusalOf(await issue(credentialId, { validUntil: '2099-01-01T02:00:00+02:00' }, citizen)),
    ).to.deep.equal([
      400,
      'INVALID_ARGUMENT',
      'validUntil',
      'validUntil: must be an ISO-8601 UTC timestamp (RFC 3339) like 2025-01-31T12:00:00Z',
    ]);
    const absent = await gateway.request('GET', `${civic}/credentials/${credentialId}`, { token: registrar });
    expect(absent.status).to.equal(404);

    const key = await gateway.request(
      'GET',
      `${civic}/devices/${subjectDid}/key?at=2026-01-01T01:00:00%2B01:00`,
      { token: registrar },
    );
    expect(refusalOf(key)).to.deep.equal([
      400,
      'INVALID_ARGUMENT',
      'at',
      'at: must be an ISO-8601 UTC timestamp (RFC 3339) like 2025-01-31T12:00:00Z',
    ]);
  });

  it('takes UTC however RFC 3339 spells it', async () => {
    for (const validUntil of [
      '2099-01-01T00:00:00Z',
      '2099-01-01T00:00:00.5+00:00',
      '2099-01-01t00:00:00z',
    ]) {
      const answer = await issue(uniqueId('voter'), { validUntil });
      expect(answer.status, validUntil).to.equal(201);
    }
  });
});
