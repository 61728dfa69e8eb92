import { expect } from 'chai';
import { SmartMeter } from '../../demo/smart-meter';
import { ManualClock } from '@cityledger/network/testing';
import { type TestGateway, personalDataOf, startTestGateway, uniqueId } from '../../testing/test-gateway';

describe('energy-trading REST resources', () => {
  let gateway: TestGateway;
  let operator: string;
  // The market's time is the proposals' time: the tests move it instead of waiting for an interval.
  const clock = new ManualClock();
  const energy = '/api/v1/channels/energy';
  const market = `${energy}/market`;

  /** A prosumer: person DID with a prosumer credential, a smart meter, an account held by a City user. */
  const prosumer = async (name: string) => {
    const id = uniqueId(name);
    const did = `did:cityledger:energy:${id}`;
    const registrar = gateway.token('rita', 'CityMSP', 'registrar');
    await gateway.request('POST', `${energy}/persons`, {
      token: registrar,
      body: { id, personalData: personalDataOf(id) },
    });
    const credential = await gateway.request('POST', `${energy}/credentials`, {
      token: operator,
      body: {
        credentialId: uniqueId('pros'),
        subjectDid: did,
        credentialType: 'prosumer',
        validUntil: '2099-01-01T00:00:00Z',
      },
    });
    expect(credential.status).to.equal(201);
    const meter = new SmartMeter(uniqueId(`${name}-meter`));
    const device = await gateway.request('POST', `${energy}/devices`, {
      token: operator,
      body: {
        id: meter.id,
        kind: 'smart-meter',
        ownerDid: did,
        publicKeyPem: meter.publicKeyPem,
        metrics: ['import_wh', 'export_wh'],
        feedId: 'meters',
      },
    });
    meter.did = device.body.did;
    const account = await gateway.request('POST', `${market}/accounts`, {
      token: operator,
      body: { accountDid: did, holder: { org: 'CityMSP', userId: id } },
    });
    expect(account.status).to.equal(201);
    expect(account.headers.get('location')).to.equal(`${market}/accounts/${did}`);
    const link = await gateway.request('POST', `${market}/accounts/${did}/meters`, {
      token: operator,
      body: { meterDid: meter.did },
    });
    expect(link.status).to.equal(201);
    return { did, meter, token: gateway.token(id, 'CityMSP', 'citizen') };
  };

  before(async function () {
    this.timeout(60_000);
    gateway = await startTestGateway({}, undefined, clock.now);
    operator = gateway.token('uma', 'UtilityMSP', 'operator');
    const config = await gateway.request('PUT', `${market}/config`, {
      token: operator,
      body: {
        intervalMinutes: 1,
        gateClosureMinutes: 0,
        settlementDelayMinutes: 0,
        gridTariffCentsPerKwh: 30,
        feedInTariffCentsPerKwh: 8,
        gridFeeCentsPerKwh: 4,
      },
    });
    expect(config.status).to.equal(200);
  });
  after(() => gateway.stop());

  it('trades one interval: deposit, offer and bid, clearing, readings, settlement, reconciliation', async function () {
    this.timeout(60_000);
    const seller = await prosumer('sally');
    const buyer = await prosumer('bert');
    const deposit = await gateway.request('POST', `${market}/accounts/${buyer.did}/deposits`, {
      token: operator,
      body: { transferId: 'dep-1', amountCents: 10000, reference: 'bank' },
    });
    expect(deposit.body).to.include({ kind: 'deposit', balanceAfterCents: 10000 });
    const twice = await gateway.request('POST', `${market}/accounts/${buyer.did}/deposits`, {
      token: operator,
      body: { transferId: 'dep-1', amountCents: 10000 },
    });
    expect(twice.status).to.equal(409);

    // The next minute: orders go in before its gate closes, clearing after it opens.
    const start = Math.ceil((clock.now() + 1) / 60_000) * 60_000;
    const interval = new Date(start).toISOString();
    const end = new Date(start + 60_000).toISOString();
    const now = new Date(clock.now()).toISOString();
    const baseline = await gateway.request('POST', `${market}/meter-readings`, {
      token: operator,
      body: { readings: [...seller.meter.read(now), ...buyer.meter.read(now)] },
    });
    expect(baseline.body.accepted, JSON.stringify(baseline.body)).to.equal(4);

    const offer = await gateway.request('POST', `${market}/orders`, {
      token: seller.token,
      body: {
        orderId: uniqueId('S'),
        side: 'sell',
        accountDid: seller.did,
        interval,
        quantityWh: 2000,
        limitPriceCentsPerKwh: 15,
      },
    });
    expect(offer.status).to.equal(201);
    const bidId = uniqueId('B');
    const bid = await gateway.request('POST', `${market}/orders`, {
      token: buyer.token,
      body: {
        orderId: bidId,
        side: 'buy',
        accountDid: buyer.did,
        interval,
        quantityWh: 1500,
        limitPriceCentsPerKwh: 25,
      },
    });
    expect(bid.body).to.include({ side: 'buy', status: 'open', reservedCents: 44 });
    const book = await gateway.request('GET', `${market}/intervals/${interval}/orders`, { token: operator });
    expect(book.body.records).to.have.length(2);

    clock.setTo(start + 200);
    const cleared = await gateway.request('POST', `${market}/intervals/${interval}/clearing`, {
      token: operator,
    });
    expect(cleared.body).to.include({
      status: 'cleared',
      volumeWh: 1500,
      clearingPriceCentsPerKwh: 20,
      tradeCount: 1,
    });
    const check = await gateway.request('GET', `${market}/intervals/${interval}/clearing`, {
      token: buyer.token,
    });
    expect(check.body.matches).to.equal(true);
    const trades = await gateway.request('GET', `${market}/intervals/${interval}/trades`, {
      token: buyer.token,
    });
    expect(trades.body.records[0]).to.include({
      buyerDid: buyer.did,
      sellerDid: seller.did,
      quantityWh: 1500,
    });

    await gateway.request('POST', `${market}/meter-readings`, {
      token: operator,
      body: {
        readings: [
          ...seller.meter.read(end, { importWh: 0, exportWh: 1500 }),
          ...buyer.meter.read(end, { importWh: 1500, exportWh: 0 }),
        ],
      },
    });
    clock.setTo(start + 60_000 + 200);
    const settled = await gateway.request('POST', `${market}/intervals/${interval}/settlement`, {
      token: operator,
    });
    expect(settled.body.status).to.equal('settled');
    const statement = await gateway.request(
      'GET',
      `${market}/intervals/${interval}/statements/${buyer.did}`,
      { token: buyer.token },
    );
    expect(statement.body).to.include({ boughtWh: 1500, netCents: -36 });
    const reconciliation = await gateway.request('GET', `${market}/intervals/${interval}/reconciliation`, {
      token: operator,
    });
    expect(reconciliation.body.balanced).to.equal(true);
    const whole = await gateway.request('GET', `${market}/reconciliation`, { token: operator });
    expect(whole.body.balanced).to.equal(true);
    const account = await gateway.request('GET', `${market}/accounts/${buyer.did}`, { token: buyer.token });
    expect(account.body).to.include({ balanceCents: 10000 - 36, reservedCents: 0 });
  });

  it('refuses an order on someone else’s account (403) and market steps by a non-operator', async () => {
    const owner = await prosumer('olly');
    const other = gateway.token('eve', 'CityMSP', 'citizen');
    const interval = new Date(Math.ceil(clock.now() / 60_000) * 60_000 + 120_000).toISOString();
    const stolen = await gateway.request('POST', `${market}/orders`, {
      token: other,
      body: {
        orderId: uniqueId('S'),
        side: 'sell',
        accountDid: owner.did,
        interval,
        quantityWh: 100,
        limitPriceCentsPerKwh: 1,
      },
    });
    expect(stolen.status).to.equal(403);
    const deposit = await gateway.request('POST', `${market}/accounts/${owner.did}/deposits`, {
      token: gateway.token('cora', 'CityMSP', 'operator'),
      body: { transferId: 'x', amountCents: 1 },
    });
    expect(deposit.status).to.equal(403);
  });

  it('validates bodies, naming the field', async () => {
    const side = await gateway.request('POST', `${market}/orders`, {
      token: operator,
      body: {
        orderId: 'o',
        side: 'hold',
        accountDid: 'did:cityledger:energy:a',
        interval: '2030-01-01T00:00:00Z',
        quantityWh: 1,
        limitPriceCentsPerKwh: 1,
      },
    });
    expect([side.status, side.body.error.field]).to.deep.equal([400, 'side']);
    const reading = await gateway.request('POST', `${market}/meter-readings`, {
      token: operator,
      body: {
        readings: [
          {
            deviceId: 'm',
            seq: 1,
            timestamp: '2025-01-01T00:00:00Z',
            importWh: 0,
            exportWh: 0,
            signature: 'x',
          },
        ],
      },
    });
    expect(reading.body.error.field).to.equal('readings[0].deviceId');
    const holder = await gateway.request('POST', `${market}/accounts`, {
      token: operator,
      body: { accountDid: 'did:cityledger:energy:a', holder: { org: 'CityMSP', userId: 'a/b' } },
    });
    expect(holder.body.error.field).to.equal('holder.userId');
  });

  it('answers 404 for an unknown account, order or market result', async () => {
    for (const path of [
      '/accounts/did:cityledger:energy:nobody',
      '/orders/none',
      '/intervals/2030-01-01T00:00:00Z/result',
    ]) {
      const answer = await gateway.request('GET', `${market}${path}`, { token: operator });
      expect(answer.status, path).to.equal(404);
    }
  });
});
