import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { type TestGateway, personalDataOf, startTestGateway, uniqueId } from '../../testing/test-gateway';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** A lot `width` degrees wide and 0.001 high, its west side at longitude `x`. */
const lot = (x: number, width = 0.001) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, 50.85],
      [x + width, 50.85],
      [x + width, 50.851],
      [x, 50.851],
      [x, 50.85],
    ],
  ],
});

describe('land-registry REST resources', () => {
  let gateway: TestGateway;
  let registrar: string;
  const civic = '/api/v1/channels/civic';
  const did = (id: string) => `did:cityledger:civic:${id}`;

  /** A resident citizen: person DID, resident credential, and a token carrying the DID. */
  const resident = async (name: string) => {
    const id = uniqueId(name);
    await gateway.request('POST', `${civic}/persons`, {
      token: registrar,
      body: { id, personalData: personalDataOf(id) },
    });
    const credential = await gateway.request('POST', `${civic}/credentials`, {
      token: registrar,
      body: {
        credentialId: uniqueId('res'),
        subjectDid: did(id),
        credentialType: 'resident',
        validUntil: '2099-01-01T00:00:00Z',
      },
    });
    expect(credential.status).to.equal(201);
    return { did: did(id), token: gateway.token(id, 'CityMSP', 'citizen', did(id)) };
  };

  const registerParcel = async (ownerDid: string, x = 4.35) => {
    const parcelId = uniqueId('P');
    const answer = await gateway.request('POST', `${civic}/parcels`, {
      token: registrar,
      body: {
        parcelId,
        location: { geometry: lot(x) },
        areaM2: 1000,
        landUse: 'residential',
        zoning: 'R2',
        owners: [{ did: ownerDid, shares: 10000 }],
        documentHash: sha256(`deed of ${parcelId}`),
      },
    });
    return { parcelId, answer };
  };

  before(async () => {
    gateway = await startTestGateway();
    registrar = gateway.token('rita', 'CityMSP', 'registrar');
  });
  after(() => gateway.stop());

  it('sells a parcel: seller proposes, buyer accepts, registrar approves, the title and provenance follow', async () => {
    const alice = await resident('alice');
    const bob = await resident('bob');
    const { parcelId, answer } = await registerParcel(alice.did);
    expect(answer.status).to.equal(201);
    expect(answer.headers.get('location')).to.equal(`${civic}/parcels/${parcelId}`);
    expect(answer.body).to.include({ parcelId, areaM2: 1000, status: 'active' });

    const transferId = uniqueId('T');
    const proposed = await gateway.request('POST', `${civic}/transfers`, {
      token: alice.token,
      body: {
        transferId,
        parcelId,
        buyers: [{ did: bob.did, shares: 10000 }],
        price: 25_000_000,
        currency: 'EUR',
        documentHash: sha256(`sale of ${parcelId}`),
      },
    });
    expect(proposed.status).to.equal(201);
    expect(proposed.body.status).to.equal('open');
    const queue = await gateway.request('GET', `${civic}/transfers`, { token: registrar });
    expect(queue.body.records.map((t: { transferId: string }) => t.transferId)).to.include(transferId);

    const accepted = await gateway.request('POST', `${civic}/transfers/${transferId}/acceptance`, {
      token: bob.token,
    });
    expect(accepted.status).to.equal(200);
    expect(accepted.body.pendingConsents).to.deep.equal([]);
    const approved = await gateway.request('POST', `${civic}/transfers/${transferId}/approval`, {
      token: registrar,
    });
    expect(approved.body.status).to.equal('approved');

    const title = await gateway.request('GET', `${civic}/parcels/${parcelId}/title`, { token: alice.token });
    expect(title.body.owners).to.deep.equal([{ did: bob.did, shares: 10000 }]);
    const bobs = await gateway.request('GET', `${civic}/parcels?owner=${bob.did}`, { token: bob.token });
    expect(bobs.body.records.map((h: { parcel: { parcelId: string } }) => h.parcel.parcelId)).to.deep.equal([
      parcelId,
    ]);
    const provenance = await gateway.request('GET', `${civic}/parcels/${parcelId}/provenance`, {
      token: registrar,
    });
    expect(provenance.status).to.equal(200);
    expect(JSON.stringify(provenance.body)).to.include(transferId);
    const deed = await gateway.request('GET', `${civic}/documents/${sha256(`sale of ${parcelId}`)}`, {
      token: bob.token,
    });
    expect(deed.body).to.include({ documentType: 'deed' });
  });

  it('blocks the sale of a mortgaged parcel until the lender releases the mortgage', async () => {
    const alice = await resident('alice');
    const bob = await resident('bob');
    const lender = await resident('lender');
    const { parcelId } = await registerParcel(alice.did, 4.36);
    const mortgage = await gateway.request('POST', `${civic}/parcels/${parcelId}/encumbrances`, {
      token: registrar,
      body: {
        encumbranceId: uniqueId('M'),
        kind: 'mortgage',
        holderDid: lender.did,
        amount: 15_000_000,
        currency: 'EUR',
        description: 'first mortgage',
        documentHash: sha256(`mortgage on ${parcelId}`),
      },
    });
    expect(mortgage.status).to.equal(201);
    const transferId = uniqueId('T');
    await gateway.request('POST', `${civic}/transfers`, {
      token: alice.token,
      body: {
        transferId,
        parcelId,
        buyers: [{ did: bob.did, shares: 10000 }],
        price: 1,
        currency: 'EUR',
        documentHash: sha256(`sale 2 of ${parcelId}`),
      },
    });
    await gateway.request('POST', `${civic}/transfers/${transferId}/acceptance`, { token: bob.token });
    const blocked = await gateway.request('POST', `${civic}/transfers/${transferId}/approval`, {
      token: registrar,
    });
    expect(blocked.status).to.equal(409);
    expect(blocked.body.error.message).to.include(lender.did);
    const released = await gateway.request(
      'POST',
      `${civic}/encumbrances/${mortgage.body.encumbranceId}/release`,
      {
        token: lender.token,
        body: {},
      },
    );
    expect(released.body.status).to.equal('released');
    const approved = await gateway.request('POST', `${civic}/transfers/${transferId}/approval`, {
      token: registrar,
    });
    expect(approved.body.status).to.equal('approved');
  });

  it('refuses a proposal by someone who does not own the parcel (403) and a registration by a citizen', async () => {
    const alice = await resident('alice');
    const mallory = await resident('mallory');
    const { parcelId } = await registerParcel(alice.did, 4.37);
    const stolen = await gateway.request('POST', `${civic}/transfers`, {
      token: mallory.token,
      body: {
        transferId: uniqueId('T'),
        parcelId,
        buyers: [{ did: mallory.did, shares: 10000 }],
        price: 0,
        currency: 'EUR',
        documentHash: sha256('x'),
      },
    });
    expect(stolen.status).to.equal(403);
    expect(stolen.body.error.code).to.equal('ACCESS_DENIED');
    const byCitizen = await gateway.request('POST', `${civic}/parcels`, {
      token: alice.token,
      body: {
        parcelId: uniqueId('P'),
        location: { geometryHash: sha256('g'), geometryRef: 'survey 1' },
        areaM2: 10,
        landUse: 'forest',
        owners: [{ did: alice.did, shares: 10000 }],
        documentHash: sha256('d'),
      },
    });
    expect(byCitizen.status).to.equal(403);
  });

  it('validates bodies against the schema, naming the field', async () => {
    const answer = await gateway.request('POST', `${civic}/parcels`, {
      token: registrar,
      body: {
        parcelId: 'P-x',
        location: { geometry: lot(4.4) },
        areaM2: 10,
        landUse: 'residential',
        owners: [{ did: did('a'), shares: 0 }],
        documentHash: sha256('d'),
      },
    });
    expect(answer.status).to.equal(400);
    expect(answer.body.error.field).to.equal('owners[0].shares');
    const landUse = await gateway.request('POST', `${civic}/parcels`, {
      token: registrar,
      body: {
        parcelId: 'P-x',
        location: { geometry: lot(4.4) },
        areaM2: 10,
        landUse: 'castle',
        owners: [{ did: did('a'), shares: 10000 }],
        documentHash: sha256('d'),
      },
    });
    expect(landUse.body.error.field).to.equal('landUse');
    const rejection = await gateway.request('POST', `${civic}/transfers/T-1/rejection`, {
      token: registrar,
      body: {},
    });
    expect([rejection.status, rejection.body.error.field]).to.deep.equal([400, 'reason']);
  });

  it('answers the polygon as the GeoJSON object it was sent as, in every answer that carries a parcel', async () => {
    const alice = await resident('alice');
    const x = 4.38;
    const { parcelId, answer } = await registerParcel(alice.did, x);
    const geometryOf = (parcel: { location: { geometry?: unknown } }) => parcel.location.geometry;
    expect(geometryOf(answer.body)).to.deep.equal(lot(x));
    const read = await gateway.request('GET', `${civic}/parcels/${parcelId}`, { token: registrar });
    expect(geometryOf(read.body)).to.deep.equal(lot(x));
    const listed = await gateway.request('GET', `${civic}/parcels?owner=${alice.did}`, { token: registrar });
    expect(listed.body.records.map((h: { parcel: object }) => geometryOf(h.parcel as never))).to.deep.equal([
      lot(x),
    ]);
    const rezoned = await gateway.request('PUT', `${civic}/parcels/${parcelId}/land-use`, {
      token: registrar,
      body: { landUse: 'commercial', zoning: 'C1', documentHash: sha256(`rezoning of ${parcelId}`) },
    });
    expect(geometryOf(rezoned.body)).to.deep.equal(lot(x));

    const [west, east] = [uniqueId('P'), uniqueId('P')];
    const split = await gateway.request('POST', `${civic}/parcels/${parcelId}/subdivision`, {
      token: registrar,
      body: {
        children: [
          { parcelId: west, areaM2: 500, location: { geometry: lot(x, 0.0005) } },
          { parcelId: east, areaM2: 500, location: { geometry: lot(x + 0.0005, 0.0005) } },
        ],
        documentHash: sha256(`survey of ${parcelId}`),
      },
    });
    expect(split.status).to.equal(201);
    expect(split.body.map(geometryOf)).to.deep.equal([lot(x, 0.0005), lot(x + 0.0005, 0.0005)]);
    const mergedId = uniqueId('P');
    const merged = await gateway.request('POST', `${civic}/parcel-merges`, {
      token: registrar,
      body: {
        parcelId: mergedId,
        parentIds: [west, east],
        location: { geometry: lot(x) },
        landUse: 'commercial',
        documentHash: sha256(`merge of ${parcelId}`),
      },
    });
    expect(merged.status).to.equal(201);
    expect(geometryOf(merged.body)).to.deep.equal(lot(x));
    const provenance = await gateway.request('GET', `${civic}/parcels/${mergedId}/provenance`, {
      token: registrar,
    });
    const parcels = provenance.body.filter((e: { recordType: string }) => e.recordType === 'parcel');
    expect(parcels.length).to.be.greaterThan(3);
    for (const entry of parcels)
      expect(geometryOf(entry.parcel)).to.be.an('object').with.property('type', 'Polygon');

    const openApi = await gateway.request('GET', '/openapi.json');
    const schemaOf = (path: string, method: string, status: string) =>
      openApi.body.paths[`/api/v1/channels/{channel}${path}`][method].responses[status].content[
        'application/json'
      ].schema;
    const parcelSchemas = [
      schemaOf('/parcels/{parcelId}', 'get', '200'),
      schemaOf('/parcels', 'post', '201'),
      schemaOf('/parcels', 'get', '200').properties.records.items.properties.parcel,
      schemaOf('/parcels/{parcelId}/provenance', 'get', '200').items.properties.parcel,
      schemaOf('/parcels/{parcelId}/subdivision', 'post', '201').items,
    ];
    for (const schema of parcelSchemas) {
      expect(schema.properties.location.properties.geometry).to.deep.include({ type: 'object' });
      expect(schema.properties.location.properties.geometry.properties.type).to.deep.include({
        const: 'Polygon',
      });
    }
  });

  it('answers 404 for an unknown parcel, transfer or document', async () => {
    for (const path of ['/parcels/P-none', '/transfers/T-none', `/documents/${sha256('nothing')}`]) {
      const answer = await gateway.request('GET', `${civic}${path}`, { token: registrar });
      expect(answer.status, path).to.equal(404);
    }
  });
});
