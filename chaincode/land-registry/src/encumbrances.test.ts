import type { FakeTransaction } from '@cityledger/chaincode-common/testing';
import { expect } from 'chai';
import { ChaincodeStub } from 'fabric-shim';
import {
  ALICE,
  alice,
  auditor,
  BANK,
  bank,
  BOB,
  bob,
  carol,
  failure,
  MORTGAGE_DEED,
  proposeSale,
  registerMortgage,
  registerParcel,
  Registry,
  registrar,
  sha256,
  WATER_BOARD,
  waterBoard,
} from './test-support';

describe('land registry: encumbrances', () => {
  let registry: Registry;
  beforeEach(async () => {
    registry = new Registry();
    await registerParcel(registry);
  });

  const accept = () => registry.submit(bob, (c, ctx) => c.AcceptTransfer(ctx, 'T-1'));
  const approve = () => registry.submit(registrar, (c, ctx) => c.ApproveTransfer(ctx, 'T-1'));
  const owner = async () =>
    (await registry.evaluate(auditor, (c, ctx) => c.GetTitle(ctx, 'P-1'))).owners[0].did;
  const register = (kind: string, amount: string, currency: string, holder = WATER_BOARD, id = 'E-1') =>
    registry.submit(registrar, (c, ctx) =>
      c.RegisterEncumbrance(ctx, id, 'P-1', kind, holder, amount, currency, '', sha256(id)),
    );

  it('registers a mortgage with its lender and amount and lists it on the parcel', async () => {
    const mortgage = await registerMortgage(registry);
    expect(mortgage).to.include({
      kind: 'mortgage',
      holderDid: BANK,
      amount: 15000000,
      currency: 'EUR',
      status: 'open',
    });
    expect(registry.ledger.lastEvent()).to.deep.include({ name: 'EncumbranceRegistered' });
    const listed = await registry.evaluate(auditor, (c, ctx) => c.ListEncumbrances(ctx, 'P-1', ''));
    expect(listed.map((e) => e.encumbranceId)).to.deep.equal(['M-1']);
    const deed = await registry.evaluate(auditor, (c, ctx) => c.GetDocument(ctx, MORTGAGE_DEED));
    expect(deed).to.include({ documentType: 'mortgage-deed' });
  });

  it('blocks the transfer of a mortgaged parcel until the lender consents, and keeps the mortgage', async () => {
    await registerMortgage(registry);
    const proposed = await proposeSale(registry);
    expect(proposed.pendingConsents).to.deep.include({
      capacity: 'encumbrance-holder',
      did: BANK,
      encumbranceId: 'M-1',
    });
    await accept();
    expect(await failure(approve())).to.equal(
      `CONFLICT: transfer T-1 still needs the consent of ${BANK} (holder of M-1)`,
    );
    expect(await owner()).to.equal(ALICE);

    const consented = await registry.submit(bank, (c, ctx) => c.ConsentToTransfer(ctx, 'T-1'));
    // The lender's transaction does not read the buyer's consent, so it cannot count it.
    expect(consented.pendingConsents).to.deep.equal([{ capacity: 'buyer', did: BOB }]);
    const transfer = await registry.evaluate(auditor, (c, ctx) => c.GetTransfer(ctx, 'T-1'));
    expect(transfer.pendingConsents).to.deep.equal([]);
    expect(registry.ledger.lastEvent()!.payload).to.deep.include({
      did: BANK,
      consents: [{ capacity: 'encumbrance-holder', encumbranceId: 'M-1' }],
    });
    await approve();
    expect(await owner()).to.equal(BOB);
    const mortgage = await registry.evaluate(auditor, (c, ctx) => c.GetEncumbrance(ctx, 'M-1'));
    expect(mortgage.status).to.equal('open');
  });

  it('lets the sale go through without the lender’s consent once the lender has released the mortgage', async () => {
    await registerMortgage(registry);
    await proposeSale(registry);
    await accept();
    const released = await registry.submit(bank, (c, ctx) =>
      c.ReleaseEncumbrance(ctx, 'M-1', sha256('discharge M-1')),
    );
    expect(released).to.include({ status: 'released', releaseDocumentHash: sha256('discharge M-1') });
    expect(registry.ledger.lastEvent()).to.deep.include({ name: 'EncumbranceReleased' });
    await approve();
    expect(await owner()).to.equal(BOB);
    expect(
      await registry.evaluate(auditor, (c, ctx) => c.ListEncumbrances(ctx, 'P-1', 'false')),
    ).to.deep.equal([]);
    expect(
      await registry.evaluate(auditor, (c, ctx) => c.ListEncumbrances(ctx, 'P-1', 'true')),
    ).to.have.length(1);
  });

  it('needs the consent of a lender whose mortgage was registered after the proposal', async () => {
    await proposeSale(registry);
    await accept();
    await registerMortgage(registry);
    expect(await failure(approve())).to.match(
      /^CONFLICT: .*still needs the consent of .*bank \(holder of M-1\)/,
    );
  });

  it('blocks a transfer on an open lien too, which may be registered without an amount', async () => {
    const lien = await register('lien', '', '', BANK, 'L-1');
    expect(lien).not.to.have.property('amount');
    await proposeSale(registry);
    await accept();
    expect(await failure(approve())).to.match(/holder of L-1/);
  });

  it('does not block a transfer on an easement, which survives it', async () => {
    await register('easement', '', '');
    await proposeSale(registry);
    await accept();
    await approve();
    expect(await owner()).to.equal(BOB);
    const easements = await registry.evaluate(auditor, (c, ctx) => c.ListEncumbrances(ctx, 'P-1', ''));
    expect(easements.map((e) => [e.kind, e.holderDid, e.status])).to.deep.equal([
      ['easement', WATER_BOARD, 'open'],
    ]);
  });

  it('does not count a consent from someone who holds no encumbrance on the parcel', async () => {
    await registerMortgage(registry);
    await proposeSale(registry);
    expect(await failure(registry.submit(carol, (c, ctx) => c.ConsentToTransfer(ctx, 'T-1')))).to.match(
      /^ACCESS_DENIED/,
    );
    expect(await failure(registry.submit(waterBoard, (c, ctx) => c.ConsentToTransfer(ctx, 'T-1')))).to.match(
      /^ACCESS_DENIED/,
    );
  });

  it('lets only the City registrar register encumbrances', async () => {
    for (const actor of [auditor, alice, bank]) {
      expect(
        await failure(
          registry.submit(actor, (c, ctx) =>
            c.RegisterEncumbrance(ctx, 'M-2', 'P-1', 'mortgage', BANK, '1', 'EUR', '', MORTGAGE_DEED),
          ),
        ),
      ).to.match(/^ACCESS_DENIED/);
    }
  });

  it('lets only the holder release an encumbrance, and only once', async () => {
    await registerMortgage(registry);
    expect(await failure(registry.submit(alice, (c, ctx) => c.ReleaseEncumbrance(ctx, 'M-1', '')))).to.equal(
      `ACCESS_DENIED: ${ALICE} does not hold encumbrance M-1; only its holder may release it`,
    );
    expect(
      await failure(registry.submit(registrar, (c, ctx) => c.ReleaseEncumbrance(ctx, 'M-1', ''))),
    ).to.match(/^ACCESS_DENIED/);
    await registry.submit(bank, (c, ctx) => c.ReleaseEncumbrance(ctx, 'M-1', ''));
    expect(await failure(registry.submit(bank, (c, ctx) => c.ReleaseEncumbrance(ctx, 'M-1', '')))).to.equal(
      'CONFLICT: encumbrance M-1 is already released',
    );
    expect(await failure(registry.submit(bank, (c, ctx) => c.ReleaseEncumbrance(ctx, 'M-9', '')))).to.equal(
      'NOT_FOUND: encumbrance M-9 does not exist',
    );
  });

  it('names the field of a mortgage without an amount, an easement with one, an unknown holder or kind', async () => {
    expect(await failure(register('mortgage', '', 'EUR'))).to.match(/^INVALID_ARGUMENT: amount: /);
    expect(await failure(register('mortgage', '100', ''))).to.match(/^INVALID_ARGUMENT: currency: /);
    expect(await failure(register('easement', '100', ''))).to.equal(
      'INVALID_ARGUMENT: amount: must be empty for an easement',
    );
    expect(await failure(register('covenant', '', ''))).to.match(
      /^INVALID_ARGUMENT: kind: must be one of 'mortgage', 'lien', 'easement'/,
    );
    expect(await failure(register('lien', '', '', 'did:cityledger:civic:ghost'))).to.match(
      /^INVALID_ARGUMENT: holderDid: .* is not registered/,
    );
    expect(await failure(register('lien', '', '', 'bank'))).to.match(
      /^INVALID_ARGUMENT: holderDid: must be a DID/,
    );
    expect(registry.keys('encumbrance')).to.deep.equal([]);
  });

  it('refuses an encumbrance id twice and an encumbrance on an unknown parcel', async () => {
    await registerMortgage(registry);
    expect(await failure(registerMortgage(registry))).to.equal('CONFLICT: encumbrance M-1 already exists');
    expect(await failure(registerMortgage(registry, 'M-2', 'P-404'))).to.equal(
      'NOT_FOUND: parcel P-404 does not exist',
    );
  });

  it('lets the buyer accept and the lender consent concurrently without touching each other’s keys', async () => {
    await registerMortgage(registry);
    await proposeSale(registry);
    // Both simulate against the same committed state, as endorsements in one block do.
    const txs = [bob, bank].map((actor) => registry.ledger.begin(actor));
    await registry.contract.AcceptTransfer(txs[0]!.ctx, 'T-1');
    await registry.contract.ConsentToTransfer(txs[1]!.ctx, 'T-1');
    const [accepting, consenting] = txs;
    for (const [a, b] of [
      [accepting!, consenting!],
      [consenting!, accepting!],
    ]) {
      for (const written of a.writes.keys()) {
        expect(readKeys(b).has(written), 'MVCC read conflict').to.equal(false);
        expect(b.writes.has(written), 'write conflict').to.equal(false);
        expect(
          rangePrefixes(b).some((prefix) => written.startsWith(prefix)),
          'phantom read',
        ).to.equal(false);
      }
    }
    txs.forEach((tx) => registry.ledger.commit(tx));
    const transfer = await registry.evaluate(auditor, (c, ctx) => c.GetTransfer(ctx, 'T-1'));
    expect(transfer.pendingConsents).to.deep.equal([]);
    await approve();
    expect(await owner()).to.equal(BOB);
  });
});

function readKeys(tx: FakeTransaction): Set<string> {
  return new Set(tx.stub.getState.args.map((args) => args[0]));
}

function rangePrefixes(tx: FakeTransaction): string[] {
  return [
    ...tx.stub.getStateByPartialCompositeKey.args.map(([objectType, attributes]) =>
      ChaincodeStub.prototype.createCompositeKey.call(tx.stub, objectType, attributes),
    ),
    ...tx.stub.getStateByRange.args.map(([startKey]) => startKey),
  ];
}
