import { expect } from 'chai';
import {
  ALICE,
  alice,
  auditor,
  BANK,
  BOB,
  bob,
  cityOperator,
  communityRegistrar,
  DAVE,
  failure,
  locationOf,
  owners,
  rectangle,
  registerParcel,
  Registry,
  registrar,
  sha256,
} from './test-support';

describe('land registry: parcels and titles', () => {
  let registry: Registry;
  beforeEach(() => {
    registry = new Registry();
  });

  it('registers a parcel with its first title and lists it under its owner', async () => {
    const parcel = await registerParcel(registry);
    expect(parcel).to.include({
      parcelId: 'P-1',
      areaM2: 1000,
      landUse: 'residential',
      zoning: 'R2',
      status: 'active',
    });
    expect(parcel.location.geometryHash).to.match(/^[0-9a-f]{64}$/);
    const title = await registry.evaluate(auditor, (c, ctx) => c.GetTitle(ctx, 'P-1'));
    expect(title).to.include({ acquiredBy: 'registration', documentHash: sha256('deed of P-1') });
    expect(title.owners).to.deep.equal([{ did: ALICE, shares: 10000 }]);
    const page = await registry.evaluate(auditor, (c, ctx) => c.ListParcelsOfOwner(ctx, ALICE, '', ''));
    expect(page.records.map((h) => h.parcel.parcelId)).to.deep.equal(['P-1']);
    expect(registry.ledger.lastEvent()).to.deep.include({ name: 'ParcelRegistered' });
    expect((registry.ledger.lastEvent()!.payload as { owners: unknown }).owners).to.deep.equal([
      { did: ALICE, shares: 10000 },
    ]);
  });

  it('keeps only the geometry hash and its survey reference when the polygon stays off the ledger', async () => {
    const location = JSON.stringify({ geometryHash: sha256('polygon'), geometryRef: 'survey 2025/117' });
    const parcel = await registry.submit(registrar, (c, ctx) =>
      c.RegisterParcel(
        ctx,
        'P-9',
        location,
        '500',
        'agricultural',
        '',
        owners([ALICE, 10000]),
        sha256('deed'),
      ),
    );
    expect(parcel.location).to.deep.equal({
      geometryHash: sha256('polygon'),
      geometryRef: 'survey 2025/117',
    });
  });

  it('registers a parcel held by a resident and an organisation in shares', async () => {
    await registerParcel(registry, 'P-2', owners([BANK, 2500], [ALICE, 7500]));
    const title = await registry.evaluate(auditor, (c, ctx) => c.GetTitle(ctx, 'P-2'));
    expect(title.owners).to.deep.equal([
      { did: ALICE, shares: 7500 },
      { did: BANK, shares: 2500 },
    ]);
  });

  for (const [who, actor] of [
    ['the auditor', auditor],
    ['a City operator', cityOperator],
    ['a CommunityMSP registrar', communityRegistrar],
    ['an owner', alice],
  ] as const) {
    it(`refuses ${who} as a registrar and writes nothing`, async () => {
      const message = await failure(
        registry.submit(actor, (c, ctx) =>
          c.RegisterParcel(
            ctx,
            'P-1',
            locationOf(rectangle(0, 0, 1, 1)),
            '1',
            'residential',
            '',
            owners([ALICE, 10000]),
            sha256('d'),
          ),
        ),
      );
      expect(message).to.match(/^ACCESS_DENIED: /);
      expect(registry.ledger.state.size).to.equal(0);
    });
  }

  it('refuses owners whose shares do not add up to exactly 10,000', async () => {
    const message = await failure(registerParcel(registry, 'P-1', owners([ALICE, 5000], [BOB, 4999])));
    expect(message).to.equal(
      'INVALID_ARGUMENT: ownersJson: shares must add up to exactly 10000 (parts per 10000), got 9999',
    );
    expect(registry.ledger.state.size).to.equal(0);
  });

  it('refuses a person without a resident credential, an unknown DID and a DID named twice as owners', async () => {
    expect(await failure(registerParcel(registry, 'P-1', owners([DAVE, 10000])))).to.match(
      /INVALID_ARGUMENT: ownersJson\[0\].did: .*dave may not hold land: it holds no valid 'resident' credential/,
    );
    expect(
      await failure(registerParcel(registry, 'P-1', owners(['did:cityledger:civic:ghost', 10000]))),
    ).to.match(/ownersJson\[0\].did: .* it is not registered/);
    expect(await failure(registerParcel(registry, 'P-1', owners([ALICE, 5000], [ALICE, 5000])))).to.match(
      /ownersJson\[1\].did: names .* twice/,
    );
  });

  it('names the field of every malformed argument', async () => {
    const register = (
      args: Partial<Record<'id' | 'location' | 'area' | 'use' | 'zoning' | 'owners' | 'doc', string>>,
    ) =>
      failure(
        registry.submit(registrar, (c, ctx) =>
          c.RegisterParcel(
            ctx,
            args.id ?? 'P-1',
            args.location ?? locationOf(rectangle(0, 0, 1, 1)),
            args.area ?? '100',
            args.use ?? 'residential',
            args.zoning ?? '',
            args.owners ?? owners([ALICE, 10000]),
            args.doc ?? sha256('d'),
          ),
        ),
      );
    expect(await register({ id: 'P 1' })).to.match(/INVALID_ARGUMENT: parcelId: /);
    expect(await register({ location: '{}' })).to.match(
      /INVALID_ARGUMENT: locationJson: must give either geometry/,
    );
    expect(await register({ location: JSON.stringify({ geometryHash: sha256('x') }) })).to.match(
      /locationJson.geometryRef: is required/,
    );
    expect(
      await register({ location: JSON.stringify({ geometry: { type: 'Polygon', coordinates: [] } }) }),
    ).to.match(/locationJson.geometry.coordinates: /);
    expect(await register({ area: '0' })).to.match(/INVALID_ARGUMENT: areaM2: /);
    expect(await register({ area: '12.5' })).to.match(/INVALID_ARGUMENT: areaM2: must be an integer/);
    expect(await register({ use: 'castle' })).to.match(/INVALID_ARGUMENT: landUse: must be one of/);
    expect(await register({ zoning: 'R2\n' })).to.match(/INVALID_ARGUMENT: zoning: /);
    expect(await register({ owners: '[]' })).to.match(
      /INVALID_ARGUMENT: ownersJson: must have at least 1 item/,
    );
    expect(await register({ owners: JSON.stringify([{ did: ALICE, shares: 10000, note: 'x' }]) })).to.match(
      /ownersJson\[0\]: has unknown field/,
    );
    expect(
      await register({ owners: JSON.stringify([{ did: 'did:cityledger:energy:alice', shares: 10000 }]) }),
    ).to.match(/ownersJson\[0\].did: must be a DID of channel 'civic'/);
    expect(await register({ doc: 'abc' })).to.match(/INVALID_ARGUMENT: documentHash: /);
    expect(registry.ledger.state.size).to.equal(0);
  });

  it('refuses to register a cadastral id twice', async () => {
    await registerParcel(registry);
    expect(await failure(registerParcel(registry))).to.equal('CONFLICT: parcel P-1 already exists');
  });

  it('changes land use and zoning on the registrar’s word, keeping the previous values in the event', async () => {
    await registerParcel(registry);
    const parcel = await registry.submit(registrar, (c, ctx) =>
      c.ChangeLandUse(ctx, 'P-1', 'commercial', 'C1', sha256('permit')),
    );
    expect(parcel).to.include({ landUse: 'commercial', zoning: 'C1' });
    expect(registry.ledger.lastEvent()!.payload).to.include({
      previousLandUse: 'residential',
      previousZoning: 'R2',
      landUse: 'commercial',
    });
    expect(
      await failure(
        registry.submit(registrar, (c, ctx) => c.ChangeLandUse(ctx, 'P-1', 'commercial', 'C1', sha256('p'))),
      ),
    ).to.match(/^CONFLICT: parcel P-1 already has land use commercial/);
    expect(
      await failure(
        registry.submit(alice, (c, ctx) => c.ChangeLandUse(ctx, 'P-1', 'industrial', '', sha256('p'))),
      ),
    ).to.match(/^ACCESS_DENIED/);
  });

  it('answers NOT_FOUND for an unknown parcel', async () => {
    expect(await failure(registry.evaluate(auditor, (c, ctx) => c.GetParcel(ctx, 'nope')))).to.equal(
      'NOT_FOUND: parcel nope does not exist',
    );
    expect(await failure(registry.evaluate(auditor, (c, ctx) => c.GetTitle(ctx, 'nope')))).to.match(
      /^NOT_FOUND/,
    );
  });

  it('pages through the parcels of an owner with a bookmark', async () => {
    for (const id of ['P-1', 'P-2', 'P-3']) {
      await registerParcel(registry, id);
    }
    const first = await registry.evaluate(bob, (c, ctx) => c.ListParcelsOfOwner(ctx, ALICE, '2', ''));
    expect(first.records.map((h) => h.parcel.parcelId)).to.deep.equal(['P-1', 'P-2']);
    const second = await registry.evaluate(bob, (c, ctx) =>
      c.ListParcelsOfOwner(ctx, ALICE, '2', first.bookmark),
    );
    expect(second.records.map((h) => h.parcel.parcelId)).to.deep.equal(['P-3']);
    expect(second.bookmark).to.equal('');
    expect(
      await failure(registry.evaluate(bob, (c, ctx) => c.ListParcelsOfOwner(ctx, ALICE, '0', ''))),
    ).to.match(/INVALID_ARGUMENT: pageSize/);
  });
});
