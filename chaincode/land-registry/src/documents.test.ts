import { expect } from 'chai';
import { alice, auditor, failure, registerParcel, Registry, registrar, sha256 } from './test-support';

describe('land registry: documents', () => {
  let registry: Registry;
  beforeEach(async () => {
    registry = new Registry();
    await registerParcel(registry);
    await registerParcel(registry, 'P-2');
  });

  const order = sha256('court order 2025/42');
  const anchor = (type = 'court-order', parcels = '["P-1"]', actor = registrar) =>
    registry.submit(actor, (c, ctx) => c.AnchorDocument(ctx, order, type, 'District court 2025/42', parcels));

  it('anchors a court order by hash with its type and reference and links it to parcels', async () => {
    const document = await anchor();
    expect(document).to.deep.include({
      documentHash: order,
      documentType: 'court-order',
      parcelIds: ['P-1'],
      reference: 'District court 2025/42',
    });
    expect(registry.ledger.lastEvent()).to.deep.include({ name: 'DocumentAnchored' });
    expect(
      await registry.evaluate(auditor, (c, ctx) => c.GetDocument(ctx, order.toUpperCase())),
    ).to.deep.include({ documentHash: order });
    const listed = await registry.evaluate(auditor, (c, ctx) => c.ListDocumentsOfParcel(ctx, 'P-1', '', ''));
    expect(listed.records.map((d) => d.documentType).sort()).to.deep.equal(['court-order', 'deed']);
  });

  it('adds parcel links when a known document is anchored again, and refuses a repeat or a different type', async () => {
    await anchor();
    const again = await anchor('court-order', '["P-1","P-2"]');
    expect(again.parcelIds).to.deep.equal(['P-1', 'P-2']);
    expect(await failure(anchor('court-order', '["P-2"]'))).to.match(
      /^CONFLICT: document .* is already anchored with these parcels/,
    );
    expect(await failure(anchor('survey', '["P-1"]'))).to.match(
      /^CONFLICT: document .* is already anchored as a court-order/,
    );
  });

  it('lets only the City registrar anchor documents', async () => {
    expect(await failure(anchor('court-order', '["P-1"]', alice))).to.match(/^ACCESS_DENIED/);
    expect(await failure(anchor('court-order', '["P-1"]', auditor))).to.match(/^ACCESS_DENIED/);
  });

  it('names the field of a malformed hash, type, reference or parcel list, and refuses unknown parcels', async () => {
    const call = (hash: string, type: string, ref: string, parcels: string) =>
      failure(registry.submit(registrar, (c, ctx) => c.AnchorDocument(ctx, hash, type, ref, parcels)));
    expect(await call('xyz', 'deed', 'r', '[]')).to.match(/^INVALID_ARGUMENT: documentHash: /);
    expect(await call(order, 'photo', 'r', '[]')).to.match(/^INVALID_ARGUMENT: documentType: /);
    expect(await call(order, 'deed', '', '[]')).to.match(/^INVALID_ARGUMENT: reference: /);
    expect(await call(order, 'deed', 'r', '{}')).to.match(/^INVALID_ARGUMENT: parcelIdsJson: /);
    expect(await call(order, 'deed', 'r', '["P-404"]')).to.equal('NOT_FOUND: parcel P-404 does not exist');
    expect(await failure(registry.evaluate(auditor, (c, ctx) => c.GetDocument(ctx, order)))).to.match(
      /^NOT_FOUND/,
    );
  });
});
