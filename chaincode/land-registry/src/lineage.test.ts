import { expect } from 'chai';
import {
  ALICE,
  alice,
  auditor,
  bank,
  BOB,
  bob,
  failure,
  locationOf,
  owners,
  proposeSale,
  rectangle,
  registerMortgage,
  registerParcel,
  Registry,
  registrar,
  SURVEY,
} from './test-support';

const west = rectangle(4.35, 50.85, 4.3504, 50.851);
const east = rectangle(4.3504, 50.85, 4.351, 50.851);
const far = rectangle(4.36, 50.85, 4.361, 50.851);

const split = (areas: number[], ids = areas.map((_, i) => `P-1.${i + 1}`)) =>
  JSON.stringify(
    areas.map((areaM2, i) => ({
      parcelId: ids[i],
      areaM2,
      location: { geometry: i % 2 === 0 ? west : east },
    })),
  );

describe('land registry: subdivision, merge and provenance', () => {
  let registry: Registry;
  beforeEach(async () => {
    registry = new Registry();
    await registerParcel(registry);
  });

  const subdivide = (children: string, parcelId = 'P-1') =>
    registry.submit(registrar, (c, ctx) => c.SubdivideParcel(ctx, parcelId, children, SURVEY));
  const merge = (parentIds: string[], id = 'P-3', polygon = rectangle(4.35, 50.85, 4.351, 50.851)) =>
    registry.submit(registrar, (c, ctx) =>
      c.MergeParcels(ctx, id, JSON.stringify(parentIds), locationOf(polygon), 'residential', 'R2', SURVEY),
    );

  it('splits a parcel into children that take its title and link back to it, and retires the parent', async () => {
    const children = await subdivide(split([400, 600]));
    expect(children.map((c) => [c.parcelId, c.areaM2, c.parentIds, c.landUse])).to.deep.equal([
      ['P-1.1', 400, ['P-1'], 'residential'],
      ['P-1.2', 600, ['P-1'], 'residential'],
    ]);
    const parent = await registry.evaluate(auditor, (c, ctx) => c.GetParcel(ctx, 'P-1'));
    expect(parent).to.deep.include({
      status: 'retired',
      retiredBy: 'subdivision',
      childIds: ['P-1.1', 'P-1.2'],
    });
    const childTitle = await registry.evaluate(auditor, (c, ctx) => c.GetTitle(ctx, 'P-1.2'));
    expect(childTitle).to.deep.include({
      owners: [{ did: ALICE, shares: 10000 }],
      acquiredBy: 'subdivision',
    });
    const listed = await registry.evaluate(auditor, (c, ctx) => c.ListParcelsOfOwner(ctx, ALICE, '', ''));
    expect(listed.records.map((h) => h.parcel.parcelId)).to.deep.equal(['P-1.1', 'P-1.2']);
    expect(registry.ledger.lastEvent()).to.deep.include({ name: 'ParcelSubdivided' });
    expect(registry.keys('parcel')).to.deep.equal(['parcel/P-1', 'parcel/P-1.1', 'parcel/P-1.2']);
  });

  it('refuses a split whose areas do not add up to the parent', async () => {
    expect(await failure(subdivide(split([400, 599])))).to.equal(
      "INVALID_ARGUMENT: childrenJson: areas must add up to the parent's 1000 m², got 999 m² (400 + 599)",
    );
    expect(registry.keys('parcel')).to.deep.equal(['parcel/P-1']);
  });

  it('names the field of a malformed split', async () => {
    expect(await failure(subdivide(split([1000])))).to.match(
      /^INVALID_ARGUMENT: childrenJson: must have at least 2 item/,
    );
    expect(await failure(subdivide(split([500, 500], ['A', 'A'])))).to.match(
      /^INVALID_ARGUMENT: childrenJson\[1\].parcelId: 'A' is used twice/,
    );
    expect(await failure(subdivide(split([500, 500], ['P-1', 'B'])))).to.match(/childrenJson\[0\].parcelId/);
    expect(
      await failure(subdivide(split([500, 500], ['A', 'P-2']).replace('"areaM2":500', '"areaM2":"x"'))),
    ).to.match(/childrenJson\[0\].areaM2: must be an integer/);
  });

  it('refuses to split a parcel with an open transfer, a retired parcel, or into an existing id', async () => {
    await registerParcel(registry, 'P-2');
    await proposeSale(registry);
    expect(await failure(subdivide(split([400, 600])))).to.equal(
      'CONFLICT: parcel P-1 has the open transfer T-1 and cannot be subdivided',
    );
    await registry.submit(alice, (c, ctx) => c.WithdrawTransfer(ctx, 'T-1', ''));
    expect(await failure(subdivide(split([400, 600], ['A', 'P-2'])))).to.equal(
      'CONFLICT: parcel P-2 already exists',
    );
    await subdivide(split([400, 600]));
    expect(await failure(subdivide(split([400, 600], ['X', 'Y'])))).to.match(
      /^CONFLICT: parcel P-1 was retired by subdivision/,
    );
    expect(await failure(proposeSale(registry, 'T-2'))).to.match(/^CONFLICT: parcel P-1 was retired/);
  });

  it('lets only the City registrar split or merge', async () => {
    await registerParcel(registry, 'P-2', undefined, east);
    for (const actor of [auditor, alice]) {
      expect(
        await failure(
          registry.submit(actor, (c, ctx) => c.SubdivideParcel(ctx, 'P-1', split([400, 600]), SURVEY)),
        ),
      ).to.match(/^ACCESS_DENIED/);
      expect(
        await failure(
          registry.submit(actor, (c, ctx) =>
            c.MergeParcels(ctx, 'P-3', '["P-1","P-2"]', locationOf(west), 'residential', '', SURVEY),
          ),
        ),
      ).to.match(/^ACCESS_DENIED/);
    }
  });

  it('keeps a mortgage of the parent on every child, so selling a child needs the lender', async () => {
    await registerMortgage(registry);
    await subdivide(split([400, 600]));
    const onChild = await registry.evaluate(auditor, (c, ctx) => c.ListEncumbrances(ctx, 'P-1.2', ''));
    expect(onChild.map((e) => [e.encumbranceId, e.parcelId])).to.deep.equal([['M-1', 'P-1']]);
    await proposeSale(registry, 'T-1', 'P-1.2');
    await registry.submit(bob, (c, ctx) => c.AcceptTransfer(ctx, 'T-1'));
    expect(await failure(registry.submit(registrar, (c, ctx) => c.ApproveTransfer(ctx, 'T-1')))).to.match(
      /holder of M-1/,
    );
    await registry.submit(bank, (c, ctx) => c.ConsentToTransfer(ctx, 'T-1'));
    await registry.submit(registrar, (c, ctx) => c.ApproveTransfer(ctx, 'T-1'));
    expect((await registry.evaluate(auditor, (c, ctx) => c.GetTitle(ctx, 'P-1.2'))).owners[0].did).to.equal(
      BOB,
    );
  });

  it('merges adjacent parcels of the same owners into one whose area is their sum', async () => {
    await registerParcel(registry, 'P-2', undefined, far, '500');
    await registry.submit(registrar, (c, ctx) =>
      c.SubdivideParcel(ctx, 'P-2', split([200, 300], ['P-2.1', 'P-2.2']), SURVEY),
    );
    const merged = await merge(['P-2.1', 'P-2.2']);
    expect(merged).to.deep.include({
      parcelId: 'P-3',
      areaM2: 500,
      parentIds: ['P-2.1', 'P-2.2'],
      status: 'active',
    });
    expect(registry.ledger.lastEvent()!.payload).to.include({ adjacencyChecked: true, areaM2: 500 });
    const parents = await Promise.all(
      ['P-2.1', 'P-2.2'].map((id) => registry.evaluate(auditor, (c, ctx) => c.GetParcel(ctx, id))),
    );
    expect(parents.map((p) => [p.status, p.retiredBy, p.childIds])).to.deep.equal([
      ['retired', 'merge', ['P-3']],
      ['retired', 'merge', ['P-3']],
    ]);
    expect((await registry.evaluate(auditor, (c, ctx) => c.GetTitle(ctx, 'P-3'))).acquiredBy).to.equal(
      'merge',
    );
  });

  it('refuses to merge parcels of different owners, parcels apart, unknown or retired parcels', async () => {
    await registerParcel(registry, 'P-2', owners([BOB, 10000]), east);
    expect(await failure(merge(['P-1', 'P-2']))).to.match(
      /^CONFLICT: parcels P-1 and P-2 have different owners/,
    );
    await registerParcel(registry, 'P-4', undefined, far);
    expect(await failure(merge(['P-1', 'P-4']))).to.match(/^CONFLICT: parcels P-1, P-4 are not adjacent/);
    expect(await failure(merge(['P-1', 'P-404']))).to.equal('NOT_FOUND: parcel P-404 does not exist');
    expect(await failure(merge(['P-1']))).to.match(
      /^INVALID_ARGUMENT: parentIdsJson: must have at least 2 item/,
    );
    expect(await failure(merge(['P-1', 'P-1']))).to.match(
      /^INVALID_ARGUMENT: parentIdsJson\[1\]: duplicates/,
    );
    expect(await failure(merge(['P-1', 'P-4'], 'P-1'))).to.match(
      /^INVALID_ARGUMENT: parcelId: must be a new id/,
    );
  });

  it('traces a parcel back through its ancestors: every title and encumbrance change, oldest first', async () => {
    await registerMortgage(registry);
    await registry.submit(bank, (c, ctx) => c.ReleaseEncumbrance(ctx, 'M-1', ''));
    await subdivide(split([400, 600]));
    await proposeSale(registry, 'T-1', 'P-1.1');
    await registry.submit(bob, (c, ctx) => c.AcceptTransfer(ctx, 'T-1'));
    await registry.submit(registrar, (c, ctx) => c.ApproveTransfer(ctx, 'T-1'));

    const provenance = await registry.evaluate(auditor, (c, ctx) => c.GetProvenance(ctx, 'P-1.1'));
    const summary = provenance.map((e) => {
      const what =
        e.parcel?.status ??
        e.title?.owners.map((o) => o.did.split(':').pop()).join('+') ??
        `${e.encumbrance?.encumbranceId} ${e.encumbrance?.status}`;
      return `${e.parcelId} ${e.recordType} ${what}`;
    });
    expect(summary).to.deep.equal([
      'P-1 parcel active',
      'P-1 title alice',
      'P-1 encumbrance M-1 open',
      'P-1 encumbrance M-1 released',
      'P-1 parcel retired',
      'P-1.1 parcel active',
      'P-1.1 title alice',
      'P-1.1 title bob',
    ]);
    expect(provenance.every((e, i) => i === 0 || provenance[i - 1].timestamp <= e.timestamp)).to.equal(true);
    expect(await failure(registry.evaluate(auditor, (c, ctx) => c.GetProvenance(ctx, 'nope')))).to.match(
      /^NOT_FOUND/,
    );
  });
});
