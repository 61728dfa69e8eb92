import { expect } from 'chai';
import fc from 'fast-check';
import { centsForEnergy } from './energy-arithmetic';
import { settleIntervalTrades, type MeteredEnergy, type SettlementTradeInput } from './imbalance-settlement';

const tariffs = { gridTariffCentsPerKwh: 30, feedInTariffCentsPerKwh: 8 };
const did = (name: string) => `did:cityledger:energy:${name}`;

function trade(
  tradeId: string,
  buyer: string,
  seller: string,
  quantityWh: number,
  price = 22,
  fee = 4,
): SettlementTradeInput {
  return {
    tradeId,
    buyerDid: did(buyer),
    sellerDid: did(seller),
    quantityWh,
    priceCentsPerKwh: price,
    amountCents: centsForEnergy(quantityWh, price),
    gridFeeCents: centsForEnergy(quantityWh, fee),
  };
}

function metered(entries: Record<string, [importWh: number, exportWh: number]>): Map<string, MeteredEnergy> {
  return new Map(
    Object.entries(entries).map(([name, [importWh, exportWh]]) => [
      did(name),
      { importWh, exportWh, meterCount: 1, readingCount: 2 },
    ]),
  );
}

describe('imbalance settlement', () => {
  const exampleTrades = [
    trade('t1', 'ada', 'dan', 2500),
    trade('t2', 'ada', 'eve', 500),
    trade('t3', 'bob', 'eve', 1500),
  ];
  const exampleMeters = metered({ ada: [3000, 0], bob: [1800, 0], dan: [0, 2000], eve: [100, 2600] });

  it('settles the worked example of the documentation', () => {
    const { accounts, totals } = settleIntervalTrades(exampleTrades, exampleMeters, tariffs);
    const byName = Object.fromEntries(accounts.map((a) => [a.accountDid.split(':')[3], a]));
    expect(byName.dan).to.include({
      soldWh: 2500,
      shortfallWh: 500,
      shortfallCents: 15,
      tradeCreditsCents: 55,
      netCents: 40,
    });
    expect(byName.eve).to.include({
      soldWh: 2000,
      surplusWh: 500,
      surplusCents: 4,
      tradeCreditsCents: 44,
      netCents: 48,
    });
    expect(byName.ada).to.include({
      boughtWh: 3000,
      imbalanceWh: 0,
      tradeDebitsCents: 66,
      gridFeeCents: 12,
      netCents: -78,
    });
    expect(byName.bob).to.include({ boughtWh: 1500, shortfallWh: 300, shortfallCents: 9, netCents: -48 });
    expect(totals).to.deep.equal({
      participantCount: 4,
      tradedWh: 4500,
      deliveredWh: 4000,
      shortfallWh: 800,
      surplusWh: 500,
      measuredNetExportWh: -300,
      tradePaymentsCents: 99,
      gridFeeCents: 18,
      shortfallCents: 24,
      surplusCents: 4,
      gridNetCents: 38,
    });
  });

  it('settles at the grid tariff the shortfall of a seller that sold more than it delivered', () => {
    const { accounts } = settleIntervalTrades(
      [trade('t1', 'ada', 'dan', 2500)],
      metered({ ada: [2500, 0], dan: [0, 1000] }),
      tariffs,
    );
    const dan = accounts.find((a) => a.accountDid === did('dan'))!;
    expect(dan).to.include({ deliveredWh: 1000, shortfallWh: 1500, shortfallCents: 45, netCents: 55 - 45 });
    expect(dan.trades).to.deep.equal([
      {
        tradeId: 't1',
        side: 'sell',
        counterpartyDid: did('ada'),
        quantityWh: 2500,
        deliveredWh: 1000,
        priceCentsPerKwh: 22,
        amountCents: 55,
        gridFeeCents: 10,
      },
    ]);
    const ada = accounts.find((a) => a.accountDid === did('ada'))!;
    expect(ada).to.include({ shortfallWh: 0, netCents: -65 });
    expect(ada.trades[0]).to.include({ side: 'buy', deliveredWh: 1000 });
  });

  it('allocates what a seller delivered to its trades in trade order', () => {
    const { accounts } = settleIntervalTrades(
      [trade('t1', 'ada', 'dan', 1000), trade('t2', 'bob', 'dan', 1000)],
      metered({ dan: [0, 1500] }),
      tariffs,
    );
    const dan = accounts.find((a) => a.accountDid === did('dan'))!;
    expect(dan.trades.map((t) => t.deliveredWh)).to.deep.equal([1000, 500]);
  });

  it('treats an account without readings as having moved no energy', () => {
    const { accounts } = settleIntervalTrades([trade('t1', 'ada', 'dan', 1000)], new Map(), tariffs);
    const dan = accounts.find((a) => a.accountDid === did('dan'))!;
    expect(dan).to.include({ meterCount: 0, deliveredWh: 0, shortfallWh: 1000 });
  });

  it('always reconciles energy and money between the accounts and the grid', () => {
    const names = ['a', 'b', 'c', 'd'];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            buyer: fc.constantFrom(...names),
            seller: fc.constantFrom(...names),
            quantityWh: fc.integer({ min: 1, max: 50_000 }),
            price: fc.integer({ min: 0, max: 100 }),
          }),
          { maxLength: 10 },
        ),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 60_000 })), {
          minLength: 4,
          maxLength: 4,
        }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        (specs, energy, gridTariff, feedInDelta) => {
          const trades = specs.map((s, i) => trade(`t${i}`, s.buyer, s.seller, s.quantityWh, s.price));
          const meters = metered(Object.fromEntries(names.map((n, i) => [n, energy[i]])));
          const tariff = {
            gridTariffCentsPerKwh: gridTariff + feedInDelta,
            feedInTariffCentsPerKwh: gridTariff,
          };
          const { accounts, totals } = settleIntervalTrades(trades, meters, tariff);
          const total = (f: (a: (typeof accounts)[number]) => number) =>
            accounts.reduce((s, a) => s + f(a), 0);
          expect(total((a) => a.soldWh)).to.equal(total((a) => a.boughtWh));
          expect(total((a) => a.measuredNetExportWh) + totals.shortfallWh - totals.surplusWh).to.equal(0);
          expect(total((a) => a.netCents) + totals.gridNetCents).to.equal(0);
          expect(total((a) => a.tradeCreditsCents)).to.equal(total((a) => a.tradeDebitsCents));
          for (const a of accounts) {
            expect(a.deliveredWh).to.be.within(0, a.soldWh);
            const allocated = a.trades
              .filter((t) => t.side === 'sell')
              .reduce((s, t) => s + t.deliveredWh, 0);
            expect(allocated).to.equal(a.deliveredWh);
          }
        },
      ),
    );
  });
});
