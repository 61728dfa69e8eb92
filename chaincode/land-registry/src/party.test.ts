import { expect } from 'chai';
import { ALICE, alice, BANK, failure, owners, proposeSale, registerParcel, Registry } from './test-support';

describe('land registry: who a party acts for', () => {
  let registry: Registry;
  beforeEach(async () => {
    registry = new Registry();
    await registerParcel(registry);
  });

  it('lets an owner act through the DID named in its certificate', async () => {
    const transfer = await proposeSale(registry);
    expect(transfer.proposedBy).to.equal(ALICE);
  });

  it('refuses a certificate that names no DID', async () => {
    const anonymous = { ...alice, attributes: {} };
    expect(await failure(registry.submit(anonymous, (c, ctx) => c.AcceptTransfer(ctx, 'T-1')))).to.match(
      /^ACCESS_DENIED: CityMSP 'citizen' may not accept a transfer: the certificate names no DID/,
    );
  });

  it('refuses a certificate whose did attribute is not a DID of this channel', async () => {
    const stranger = { ...alice, attributes: { did: 'did:cityledger:energy:alice' } };
    expect(await failure(proposeSaleAs(registry, stranger))).to.match(
      /^ACCESS_DENIED: .*not a DID of this channel/,
    );
  });

  it('refuses a certificate from an MSP that does not control the DID it names', async () => {
    const impostor = { mspId: 'CommunityMSP', role: 'admin', attributes: { did: ALICE } };
    expect(await failure(proposeSaleAs(registry, impostor))).to.equal(
      `ACCESS_DENIED: a CommunityMSP certificate may not act for ${ALICE}, which CityMSP controls`,
    );
    const bankViaCity = { mspId: 'CityMSP', role: 'citizen', attributes: { did: BANK } };
    expect(await failure(proposeSaleAs(registry, bankViaCity))).to.match(
      /^ACCESS_DENIED: a CityMSP certificate may not act for/,
    );
  });

  it('refuses a deactivated DID', async () => {
    registry.identity.dids.get(ALICE)!.status = 'deactivated';
    expect(await failure(proposeSale(registry))).to.match(
      /^ACCESS_DENIED: .*alice may not propose a transfer: did-deactivated/,
    );
    expect(registry.keys('transfer')).to.deep.equal([]);
  });
});

function proposeSaleAs(registry: Registry, actor: Parameters<Registry['submit']>[0]) {
  return registry.submit(actor, (c, ctx) =>
    c.ProposeTransfer(
      ctx,
      'T-1',
      'P-1',
      '',
      owners(['did:cityledger:civic:bob', 10000]),
      '1',
      'EUR',
      'a'.repeat(64),
    ),
  );
}
