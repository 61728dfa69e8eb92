import { expect } from 'chai';
import * as fc from 'fast-check';
import { SHARE_DENOMINATOR } from './shares';
import {
  ALICE,
  alice,
  auditor,
  BOB,
  bob,
  CAROL,
  carol,
  DAVE,
  failure,
  owners,
  proposeSale,
  registerParcel,
  Registry,
  registrar,
  SALE_DEED,
  type Actor,
} from './test-support';

describe('land registry: transfer workflow', () => {
  let registry: Registry;
  beforeEach(async () => {
    registry = new Registry();
    await registerParcel(registry);
  });

  const accept = (actor: Actor = bob, id = 'T-1') =>
    registry.submit(actor, (c, ctx) => c.AcceptTransfer(ctx, id));
  const approve = (id = 'T-1') => registry.submit(registrar, (c, ctx) => c.ApproveTransfer(ctx, id));
  const title = (id = 'P-1') => registry.evaluate(auditor, (c, ctx) => c.GetTitle(ctx, id));
  const propose = (
    actor: Actor,
    sellers: string,
    buyers: string,
    opts: { id?: string; price?: string; currency?: string; doc?: string } = {},
  ) =>
    registry.submit(actor, (c, ctx) =>
      c.ProposeTransfer(
        ctx,
        opts.id ?? 'T-1',
        'P-1',
        sellers,
        buyers,
        opts.price ?? '100',
        opts.currency ?? 'EUR',
        opts.doc ?? SALE_DEED,
      ),
    );

  it('changes the title only when the owner proposed, the buyer accepted and the registrar approved', async () => {
    const proposed = await proposeSale(registry);
    expect(proposed).to.include({ status: 'open', proposedBy: ALICE, price: 25000000, currency: 'EUR' });
    expect(proposed.pendingConsents).to.deep.equal([{ capacity: 'buyer', did: BOB }]);
    const accepted = await accept();
    expect(accepted.pendingConsents).to.deep.equal([]);
    expect((await title()).owners).to.deep.equal([{ did: ALICE, shares: 10000 }]);

    const approved = await approve();
    expect(approved).to.include({ status: 'approved', closedBy: 'x509::/CN=registrar1::/CN=ca.citymsp' });
    expect(await title()).to.deep.include({
      owners: [{ did: BOB, shares: 10000 }],
      acquiredBy: 'transfer',
      transferId: 'T-1',
      documentHash: SALE_DEED,
    });
    expect(registry.keys('parcel~owner')).to.deep.equal([`parcel~owner/${BOB}/P-1`]);
    expect(registry.keys('open-transfer')).to.deep.equal([]);
    expect(registry.eventNames()).to.deep.equal([
      'ParcelRegistered',
      'TransferProposed',
      'TransferAccepted',
      'TransferApproved',
    ]);
    expect(registry.ledger.lastEvent()!.payload).to.deep.include({
      previousOwners: [{ did: ALICE, shares: 10000 }],
      owners: [{ did: BOB, shares: 10000 }],
      price: 25000000,
    });
    const deed = await registry.evaluate(auditor, (c, ctx) => c.GetDocument(ctx, SALE_DEED));
    expect(deed).to.include({ documentType: 'deed', reference: 'transfer T-1' });
  });

  it('refuses a proposal from someone who does not own the parcel', async () => {
    const message = await failure(propose(bob, '', owners([CAROL, 10000])));
    expect(message).to.equal(
      `ACCESS_DENIED: ${BOB} does not own parcel P-1; only an owner may propose its transfer`,
    );
    expect(registry.keys('transfer')).to.deep.equal([]);
  });

  it('lets a co-owner sell only its own part, and needs every selling co-owner’s consent', async () => {
    await registerParcel(registry, 'P-2', owners([ALICE, 5000], [BOB, 5000]));
    const sellBoth = (actor: Actor) =>
      registry.submit(actor, (c, ctx) =>
        c.ProposeTransfer(ctx, 'T-2', 'P-2', '', owners([CAROL, 10000]), '100', 'EUR', SALE_DEED),
      );
    expect(
      await failure(
        registry.submit(alice, (c, ctx) =>
          c.ProposeTransfer(
            ctx,
            'T-2',
            'P-2',
            owners([BOB, 5000]),
            owners([CAROL, 5000]),
            '100',
            'EUR',
            SALE_DEED,
          ),
        ),
      ),
    ).to.match(/^ACCESS_DENIED: .* is not among the sellers/);

    const proposed = await sellBoth(alice);
    expect(proposed.pendingConsents).to.deep.equal([
      { capacity: 'seller', did: BOB },
      { capacity: 'buyer', did: CAROL },
    ]);
    await accept(carol, 'T-2');
    expect(await failure(approve('T-2'))).to.equal(
      `CONFLICT: transfer T-2 still needs the consent of ${BOB} (seller)`,
    );
    const consented = await registry.submit(bob, (c, ctx) => c.ConsentToTransfer(ctx, 'T-2'));
    // The co-seller's transaction does not read the buyer's acceptance, so it cannot count it.
    expect(consented.pendingConsents).to.deep.equal([{ capacity: 'buyer', did: CAROL }]);
    const transfer = await registry.evaluate(auditor, (c, ctx) => c.GetTransfer(ctx, 'T-2'));
    expect(transfer.pendingConsents).to.deep.equal([]);
    await approve('T-2');
    expect((await title('P-2')).owners).to.deep.equal([{ did: CAROL, shares: 10000 }]);
  });

  it('moves a part of a title and leaves the other owners’ parts untouched', async () => {
    await registerParcel(registry, 'P-2', owners([ALICE, 5000], [BOB, 5000]));
    await registry.submit(alice, (c, ctx) =>
      c.ProposeTransfer(
        ctx,
        'T-2',
        'P-2',
        owners([ALICE, 2000]),
        owners([CAROL, 2000]),
        '100',
        'EUR',
        SALE_DEED,
      ),
    );
    await accept(carol, 'T-2');
    await approve('T-2');
    expect((await title('P-2')).owners).to.deep.equal([
      { did: ALICE, shares: 3000 },
      { did: BOB, shares: 5000 },
      { did: CAROL, shares: 2000 },
    ]);
    expect(registry.keys('parcel~owner').filter((k) => k.endsWith('/P-2'))).to.have.length(3);
  });

  it('refuses buyers whose shares do not add up to the parts sold', async () => {
    expect(await failure(propose(alice, '', owners([BOB, 5000], [CAROL, 4999])))).to.equal(
      'INVALID_ARGUMENT: buyersJson: shares must add up to the 10000 parts sold, got 9999',
    );
  });

  it('names the field when a seller gives more than it holds, a non-owner sells, or a buyer is also a seller', async () => {
    expect(await failure(propose(alice, owners([ALICE, 10001]), owners([BOB, 10001])))).to.match(
      /INVALID_ARGUMENT: sellersJson\[0\].shares: must be between 1 and 10000/,
    );
    await registerParcel(registry, 'P-2', owners([ALICE, 5000], [BOB, 5000]));
    const onP2 = (sellers: string, buyers: string) =>
      failure(
        registry.submit(alice, (c, ctx) =>
          c.ProposeTransfer(ctx, 'T-2', 'P-2', sellers, buyers, '1', 'EUR', SALE_DEED),
        ),
      );
    expect(await onP2(owners([ALICE, 6000]), owners([CAROL, 6000]))).to.equal(
      `INVALID_ARGUMENT: sellersJson[0].shares: ${ALICE} holds only 5000 parts of parcel P-2`,
    );
    expect(await onP2(owners([ALICE, 5000], [CAROL, 100]), owners([DAVE, 5100]))).to.match(
      /INVALID_ARGUMENT: sellersJson\[1\].did: .*carol does not own parcel P-2/,
    );
    expect(await onP2(owners([ALICE, 5000]), owners([ALICE, 5000]))).to.match(
      /INVALID_ARGUMENT: buyersJson\[0\].did: .* is also a seller/,
    );
  });

  it('refuses a buyer who may not hold land', async () => {
    expect(await failure(propose(alice, '', owners([DAVE, 10000])))).to.match(
      /^INVALID_ARGUMENT: buyersJson\[0\].did: .*dave may not hold land: it holds no valid 'resident' credential \(no-credential\)/,
    );
  });

  it('names the field of a malformed price, currency, document hash or id', async () => {
    expect(await failure(propose(alice, '', owners([BOB, 10000]), { price: '-1' }))).to.match(
      /INVALID_ARGUMENT: price: /,
    );
    expect(await failure(propose(alice, '', owners([BOB, 10000]), { price: '1.50' }))).to.match(
      /INVALID_ARGUMENT: price: /,
    );
    expect(await failure(propose(alice, '', owners([BOB, 10000]), { currency: 'eur' }))).to.match(
      /INVALID_ARGUMENT: currency: /,
    );
    expect(await failure(propose(alice, '', owners([BOB, 10000]), { doc: '' }))).to.match(
      /INVALID_ARGUMENT: documentHash: /,
    );
    expect(await failure(propose(alice, '', owners([BOB, 10000]), { id: '' }))).to.match(
      /INVALID_ARGUMENT: transferId: /,
    );
    expect(await failure(propose(alice, '', 'not json'))).to.match(
      /INVALID_ARGUMENT: buyersJson: is not valid JSON/,
    );
    expect(registry.keys('transfer')).to.deep.equal([]);
  });

  it('keeps at most one open transfer per parcel and never reuses a transfer id', async () => {
    await proposeSale(registry, 'T-1');
    expect(await failure(proposeSale(registry, 'T-2'))).to.equal(
      'CONFLICT: parcel P-1 already has the open transfer T-1',
    );
    await registry.submit(alice, (c, ctx) => c.WithdrawTransfer(ctx, 'T-1', 'changed my mind'));
    expect(await failure(proposeSale(registry, 'T-1'))).to.equal('CONFLICT: transfer T-1 already exists');
    await proposeSale(registry, 'T-2');
  });

  it('lets only a buyer accept, and only once', async () => {
    await proposeSale(registry);
    expect(await failure(accept(carol))).to.equal(`ACCESS_DENIED: ${CAROL} is not a buyer in transfer T-1`);
    expect(await failure(accept(alice))).to.match(/^ACCESS_DENIED: .*alice is not a buyer/);
    await accept(bob);
    expect(await failure(accept(bob))).to.equal(`CONFLICT: ${BOB} has already accepted transfer T-1`);
  });

  it('refuses approval until the buyer has accepted', async () => {
    await proposeSale(registry);
    expect(await failure(approve())).to.equal(
      `CONFLICT: transfer T-1 still needs the consent of ${BOB} (buyer)`,
    );
  });

  it('refuses a consent from someone with nothing to consent to', async () => {
    await proposeSale(registry);
    expect(await failure(registry.submit(carol, (c, ctx) => c.ConsentToTransfer(ctx, 'T-1')))).to.match(
      /^ACCESS_DENIED: .*carol is neither a seller in transfer T-1 nor the holder/,
    );
    expect(await failure(registry.submit(alice, (c, ctx) => c.ConsentToTransfer(ctx, 'T-1')))).to.equal(
      `CONFLICT: ${ALICE} has already consented to transfer T-1`,
    );
  });

  it('lets either side withdraw before approval, but no one else, and not afterwards', async () => {
    await proposeSale(registry);
    expect(await failure(registry.submit(carol, (c, ctx) => c.WithdrawTransfer(ctx, 'T-1', '')))).to.match(
      /^ACCESS_DENIED/,
    );
    const withdrawn = await registry.submit(bob, (c, ctx) =>
      c.WithdrawTransfer(ctx, 'T-1', 'financing fell through'),
    );
    expect(withdrawn).to.include({ status: 'withdrawn', closedBy: BOB, reason: 'financing fell through' });
    expect(registry.ledger.lastEvent()!.name).to.equal('TransferWithdrawn');
    expect(await failure(approve())).to.equal('CONFLICT: transfer T-1 is withdrawn');
    expect(await failure(accept())).to.equal('CONFLICT: transfer T-1 is withdrawn');

    await proposeSale(registry, 'T-2');
    await accept(bob, 'T-2');
    await approve('T-2');
    for (const side of [alice, bob]) {
      expect(await failure(registry.submit(side, (c, ctx) => c.WithdrawTransfer(ctx, 'T-2', '')))).to.equal(
        'CONFLICT: transfer T-2 is approved',
      );
    }
  });

  it('lets the registrar reject with a reason, which frees the parcel for another proposal', async () => {
    await proposeSale(registry);
    expect(await failure(registry.submit(registrar, (c, ctx) => c.RejectTransfer(ctx, 'T-1', '')))).to.equal(
      'INVALID_ARGUMENT: reason: must not be empty',
    );
    const rejected = await registry.submit(registrar, (c, ctx) =>
      c.RejectTransfer(ctx, 'T-1', 'deed not notarised'),
    );
    expect(rejected).to.include({ status: 'rejected', reason: 'deed not notarised' });
    expect(registry.ledger.lastEvent()).to.deep.include({ name: 'TransferRejected' });
    expect((await title()).owners).to.deep.equal([{ did: ALICE, shares: 10000 }]);
    await proposeSale(registry, 'T-2');
  });

  it('lets only a City registrar approve or reject', async () => {
    await proposeSale(registry);
    await accept();
    for (const actor of [auditor, alice, bob]) {
      expect(await failure(registry.submit(actor, (c, ctx) => c.ApproveTransfer(ctx, 'T-1')))).to.match(
        /^ACCESS_DENIED/,
      );
      expect(await failure(registry.submit(actor, (c, ctx) => c.RejectTransfer(ctx, 'T-1', 'no')))).to.match(
        /^ACCESS_DENIED/,
      );
    }
  });

  it('refuses approval when a buyer lost the right to hold land after accepting', async () => {
    await proposeSale(registry);
    await accept();
    registry.identity.dids.get(BOB)!.credentials.clear();
    expect(await failure(approve())).to.match(
      /^CONFLICT: .*bob may no longer hold land: it holds no valid 'resident' credential/,
    );
    expect((await title()).owners).to.deep.equal([{ did: ALICE, shares: 10000 }]);
  });

  it('shows open transfers with the consents given and still missing', async () => {
    await registerParcel(registry, 'P-2');
    await proposeSale(registry, 'T-1', 'P-1');
    await proposeSale(registry, 'T-2', 'P-2');
    await accept(bob, 'T-2');
    const open = await registry.evaluate(auditor, (c, ctx) => c.ListOpenTransfers(ctx, '', ''));
    expect(
      open.records.map((t) => [t.transferId, t.pendingConsents.length, t.consents.length]),
    ).to.deep.equal([
      ['T-1', 1, 1],
      ['T-2', 0, 2],
    ]);
    const ofP1 = await registry.evaluate(auditor, (c, ctx) => c.GetOpenTransfer(ctx, 'P-1'));
    expect(ofP1.transferId).to.equal('T-1');
    await approve('T-2');
    expect(await failure(registry.evaluate(auditor, (c, ctx) => c.GetOpenTransfer(ctx, 'P-2')))).to.equal(
      'NOT_FOUND: parcel P-2 has no open transfer',
    );
    const history = await registry.evaluate(auditor, (c, ctx) => c.ListTransfersOfParcel(ctx, 'P-2', '', ''));
    expect(history.records.map((t) => t.status)).to.deep.equal(['approved']);
    expect(await failure(registry.evaluate(auditor, (c, ctx) => c.GetTransfer(ctx, 'T-9')))).to.equal(
      'NOT_FOUND: transfer T-9 does not exist',
    );
  });

  it('keeps every title whole and the owner listings equal to the titles through any chain of sales', async () => {
    const people: [string, Actor][] = [
      [ALICE, alice],
      [BOB, bob],
      [CAROL, carol],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(2), fc.nat(2), fc.integer({ min: 1, max: 10000 })), {
          minLength: 1,
          maxLength: 6,
        }),
        async (sales) => {
          const reg = new Registry();
          await registerParcel(reg);
          let n = 0;
          for (const [from, to, wanted] of sales) {
            const current = await reg.evaluate(auditor, (c, ctx) => c.GetTitle(ctx, 'P-1'));
            const seller = current.owners[from % current.owners.length];
            const buyer = people[to];
            if (buyer[0] === seller.did) continue;
            const parts = 1 + (wanted % seller.shares);
            const id = `T-${(n += 1)}`;
            const sellerActor = people.find(([d]) => d === seller.did)![1];
            await reg.submit(sellerActor, (c, ctx) =>
              c.ProposeTransfer(
                ctx,
                id,
                'P-1',
                owners([seller.did, parts]),
                owners([buyer[0], parts]),
                '1',
                'EUR',
                SALE_DEED,
              ),
            );
            await reg.submit(buyer[1], (c, ctx) => c.AcceptTransfer(ctx, id));
            await reg.submit(registrar, (c, ctx) => c.ApproveTransfer(ctx, id));
          }
          const final = await reg.evaluate(auditor, (c, ctx) => c.GetTitle(ctx, 'P-1'));
          expect(final.owners.reduce((sum, o) => sum + o.shares, 0)).to.equal(SHARE_DENOMINATOR);
          expect(final.owners.every((o) => o.shares > 0)).to.equal(true);
          expect(reg.keys('parcel~owner')).to.deep.equal(
            final.owners.map((o) => `parcel~owner/${o.did}/P-1`),
          );
        },
      ),
      { numRuns: 25 },
    );
  });
});
