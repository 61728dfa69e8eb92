import type { LandParcel } from '@cityledger/chaincode-land-registry';
import { expect } from 'chai';
import { parcelAnswers, parcelWithGeometry } from './parcel-answers';

const POLYGON = {
  type: 'Polygon',
  coordinates: [
    [
      [4.35, 50.85],
      [4.351, 50.85],
      [4.351, 50.851],
      [4.35, 50.85],
    ],
  ],
};
const HASH = 'a'.repeat(64);

function parcel(location: LandParcel['location']): LandParcel {
  return {
    parcelId: 'P-1',
    location,
    areaM2: 100,
    landUse: 'residential',
    zoning: 'R2',
    status: 'active',
    parentIds: [],
    childIds: [],
    registeredAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('parcel answers', () => {
  it('turns the canonical JSON text the ledger keeps back into the GeoJSON object', () => {
    const answer = parcelWithGeometry(parcel({ geometry: JSON.stringify(POLYGON), geometryHash: HASH }));
    expect(answer.location).to.deep.equal({ geometry: POLYGON, geometryHash: HASH });
    expect(parcelAnswers.parcel.schema.safeParse(answer).success).to.equal(true);
  });

  it('leaves a location with only a hash and a survey reference as it is', () => {
    const answer = parcelWithGeometry(parcel({ geometryHash: HASH, geometryRef: 'survey 12' }));
    expect(answer.location).to.deep.equal({ geometryHash: HASH, geometryRef: 'survey 12' });
    expect(answer.location).not.to.have.property('geometry');
  });

  it('reaches the parcels inside pages of holdings and provenance entries, and nothing else', () => {
    const stored = parcel({ geometry: JSON.stringify(POLYGON), geometryHash: HASH });
    const title = { parcelId: 'P-1', owners: [{ did: 'did:cityledger:civic:alice', shares: 10000 }] };
    const page = parcelAnswers.holdings.from({
      records: [{ parcel: stored, title }],
      bookmark: 'b',
      fetchedRecordsCount: 1,
    });
    expect(page).to.deep.equal({
      records: [{ parcel: parcelWithGeometry(stored), title }],
      bookmark: 'b',
      fetchedRecordsCount: 1,
    });
    const history = parcelAnswers.provenance.from([
      { parcelId: 'P-1', recordType: 'parcel', txId: 't1', timestamp: 'x', parcel: stored },
      { parcelId: 'P-1', recordType: 'title', txId: 't1', timestamp: 'x', title },
    ]) as Array<{ parcel?: { location: { geometry?: unknown } }; title?: unknown }>;
    expect(history[0]!.parcel!.location.geometry).to.deep.equal(POLYGON);
    expect(history[1]).to.deep.equal({
      parcelId: 'P-1',
      recordType: 'title',
      txId: 't1',
      timestamp: 'x',
      title,
    });
  });
});
