import { expect } from 'chai';
import fc from 'fast-check';
import { clearUniformPriceAuction, type AuctionOrder } from './uniform-price-auction';

function order(
  orderId: string,
  quantityWh: number,
  limitPriceCentsPerKwh: number,
  placedAt = '2025-01-01T09:00:00.000Z',
): AuctionOrder {
  return {
    orderId,
    accountDid: `did:cityledger:energy:${orderId}`,
    quantityWh,
    limitPriceCentsPerKwh,
    placedAt,
  };
}

const orderArbitrary = (prefix: string) =>
  fc.record({
    orderId: fc.integer({ min: 0, max: 999 }).map((n) => `${prefix}${n}`),
    accountDid: fc.constantFrom(
      'did:cityledger:energy:a',
      'did:cityledger:energy:b',
      'did:cityledger:energy:c',
    ),
    quantityWh: fc.integer({ min: 1, max: 10_000 }),
    limitPriceCentsPerKwh: fc.integer({ min: 0, max: 60 }),
    placedAt: fc.constantFrom(
      '2025-01-01T09:00:00.000Z',
      '2025-01-01T09:00:01.000Z',
      '2025-01-01T09:00:02.000Z',
    ),
  });
const bookArbitrary = fc.record({
  bids: fc.uniqueArray(orderArbitrary('b'), { selector: (o) => o.orderId, maxLength: 12 }),
  offers: fc.uniqueArray(orderArbitrary('s'), { selector: (o) => o.orderId, maxLength: 12 }),
});

describe('uniform-price double auction', () => {
  it('clears the worked example of the documentation', () => {
    const outcome = clearUniformPriceAuction(
      [order('B1', 3000, 30), order('B2', 2000, 25), order('B3', 2000, 18)],
      [order('S1', 2500, 15), order('S2', 2000, 20), order('S3', 3000, 28)],
    );
    expect(outcome.volumeWh).to.equal(4500);
    expect(outcome.clearingPriceCentsPerKwh).to.equal(22);
    expect(outcome.matches.map((m) => [m.buyOrderId, m.sellOrderId, m.quantityWh])).to.deep.equal([
      ['B1', 'S1', 2500],
      ['B1', 'S2', 500],
      ['B2', 'S2', 1500],
    ]);
    expect(outcome.filledWh).to.deep.equal({ B1: 3000, B2: 1500, B3: 0, S1: 2500, S2: 2000, S3: 0 });
    expect(outcome.demandWh).to.equal(7000);
    expect(outcome.supplyWh).to.equal(7500);
  });

  it('publishes volume 0 and price 0 when no bid reaches an offer', () => {
    const outcome = clearUniformPriceAuction([order('B1', 1000, 10)], [order('S1', 1000, 11)]);
    expect(outcome).to.include({ volumeWh: 0, clearingPriceCentsPerKwh: 0 });
    expect(outcome.matches).to.deep.equal([]);
    expect(clearUniformPriceAuction([], []).volumeWh).to.equal(0);
  });

  it('gives priority to the earlier order at equal price, then to the smaller order id', () => {
    const late = order('a-late', 1000, 20, '2025-01-01T09:00:05.000Z');
    const early = order('z-early', 1000, 20, '2025-01-01T09:00:01.000Z');
    const sameTime = order('m', 1000, 20, '2025-01-01T09:00:05.000Z');
    const outcome = clearUniformPriceAuction([late, sameTime, early], [order('S1', 2000, 10)]);
    expect(outcome.matches.map((m) => m.buyOrderId)).to.deep.equal(['z-early', 'a-late']);
    expect(outcome.filledWh.m).to.equal(0);
  });

  it('fills partially the marginal order', () => {
    const outcome = clearUniformPriceAuction([order('B1', 5000, 30)], [order('S1', 2000, 10)]);
    expect(outcome.filledWh).to.deep.equal({ B1: 2000, S1: 2000 });
    expect(outcome.clearingPriceCentsPerKwh).to.equal(20);
  });

  it('never makes a matched bid pay above its limit nor a matched offer sell below its limit', () => {
    fc.assert(
      fc.property(bookArbitrary, ({ bids, offers }) => {
        const outcome = clearUniformPriceAuction(bids, offers);
        const limits = new Map([...bids, ...offers].map((o) => [o.orderId, o.limitPriceCentsPerKwh]));
        for (const match of outcome.matches) {
          expect(limits.get(match.buyOrderId)).to.be.at.least(outcome.clearingPriceCentsPerKwh);
          expect(limits.get(match.sellOrderId)).to.be.at.most(outcome.clearingPriceCentsPerKwh);
        }
      }),
    );
  });

  it('conserves energy: matched Wh of bids, of offers and the volume are equal and within each order', () => {
    fc.assert(
      fc.property(bookArbitrary, ({ bids, offers }) => {
        const outcome = clearUniformPriceAuction(bids, offers);
        const bought = bids.reduce((sum, o) => sum + outcome.filledWh[o.orderId], 0);
        const sold = offers.reduce((sum, o) => sum + outcome.filledWh[o.orderId], 0);
        expect(bought).to.equal(outcome.volumeWh);
        expect(sold).to.equal(outcome.volumeWh);
        for (const o of [...bids, ...offers])
          expect(outcome.filledWh[o.orderId]).to.be.within(0, o.quantityWh);
        expect(outcome.matches.every((m) => m.quantityWh > 0)).to.equal(true);
      }),
    );
  });

  it('clears the largest volume any single price could clear', () => {
    fc.assert(
      fc.property(bookArbitrary, ({ bids, offers }) => {
        const outcome = clearUniformPriceAuction(bids, offers);
        let best = 0;
        for (const p of [...bids, ...offers].map((o) => o.limitPriceCentsPerKwh)) {
          const demand = bids
            .filter((o) => o.limitPriceCentsPerKwh >= p)
            .reduce((s, o) => s + o.quantityWh, 0);
          const supply = offers
            .filter((o) => o.limitPriceCentsPerKwh <= p)
            .reduce((s, o) => s + o.quantityWh, 0);
          best = Math.max(best, Math.min(demand, supply));
        }
        expect(outcome.volumeWh).to.equal(best);
      }),
    );
  });

  it('gives the same result whatever order the orders are read in', () => {
    fc.assert(
      fc.property(bookArbitrary, fc.integer(), ({ bids, offers }, seed) => {
        const rotate = <T>(list: T[]) =>
          list.length ? [...list.slice(seed % list.length), ...list.slice(0, seed % list.length)] : list;
        expect(clearUniformPriceAuction(rotate([...bids].reverse()), rotate(offers))).to.deep.equal(
          clearUniformPriceAuction(bids, offers),
        );
      }),
    );
  });
});
