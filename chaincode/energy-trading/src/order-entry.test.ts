import { expect } from 'chai';
import { ChaincodeStub } from 'fabric-shim';
import { FakeLedger, type FakeTransaction } from '@cityledger/chaincode-common/testing';
import { auditor, contract, did, marketWith, operator, submitFails, userOf } from './energy-test-support';
import type { EnergyOrder, ProsumerAccount } from './records';

const ADA = did('ada');
const BOB = did('bob');
const INTERVAL = '2025-01-01T10:00:00Z';
const ada = userOf('ada');
const bob = userOf('bob');

async function market(deposits: Record<string, number> = { ada: 10_000, bob: 10_000 }) {
  return marketWith(new FakeLedger('energy', '2025-01-01T09:00:00.000Z'), deposits);
}

async function account(ledger: FakeLedger, accountDid: string): Promise<ProsumerAccount> {
  return (await ledger.evaluate(auditor, (ctx) => contract.GetAccount(ctx, accountDid))) as ProsumerAccount;
}

describe('EnergyTradingContract — orders', () => {
  it('places a buy bid and reserves its limit cost plus the grid fee', async () => {
    const { ledger } = await market();
    const order = await ledger.submit(ada, (ctx) =>
      contract.PlaceBuyBid(ctx, 'b1', ADA, INTERVAL, '3000', '30'),
    );
    expect(order).to.deep.include({
      orderId: 'b1',
      interval: '2025-01-01T10:00:00.000Z',
      side: 'buy',
      accountDid: ADA,
      quantityWh: 3000,
      limitPriceCentsPerKwh: 30,
      status: 'open',
      filledWh: 0,
      reservedCents: 90 + 12,
    });
    expect(await account(ledger, ADA)).to.include({ balanceCents: 10_000, reservedCents: 102 });
    expect(ledger.lastEvent()).to.deep.include({ name: 'OrderPlaced', payload: order });
  });

  it('places a sell offer without reserving funds', async () => {
    const { ledger } = await market();
    const order = await ledger.submit(bob, (ctx) =>
      contract.PlaceSellOffer(ctx, 's1', BOB, INTERVAL, '2500', '15'),
    );
    expect(order).to.include({ side: 'sell', reservedCents: 0, status: 'open' });
    expect(await account(ledger, BOB)).to.include({ reservedCents: 0 });
  });

  it('refuses a bid beyond the available balance', async () => {
    const { ledger } = await market({ ada: 100 });
    await ledger.submit(ada, (ctx) => contract.PlaceBuyBid(ctx, 'b1', ADA, INTERVAL, '2000', '30')); // reserves 68
    expect(
      await submitFails(ledger, ada, (ctx) => contract.PlaceBuyBid(ctx, 'b2', ADA, INTERVAL, '1000', '30')),
    ).to.equal(
      `CONFLICT: insufficient available balance: the bid needs 34 cents reserved, ${ADA} has 32 available`,
    );
  });

  it('lets only the account holder trade for the account', async () => {
    const { ledger } = await market();
    expect(
      await submitFails(ledger, bob, (ctx) => contract.PlaceBuyBid(ctx, 'b1', ADA, INTERVAL, '1000', '30')),
    ).to.equal(`ACCESS_DENIED: CityMSP 'citizen' may not trade for ${ADA}; only the holder of ${ADA} may`);
    expect(
      await submitFails(ledger, { mspId: 'UtilityMSP', role: 'citizen', user: 'ada' }, (ctx) =>
        contract.PlaceSellOffer(ctx, 's1', ADA, INTERVAL, '1000', '30'),
      ),
    ).to.match(/^ACCESS_DENIED: UtilityMSP 'citizen' may not trade/);
    expect(
      await submitFails(ledger, auditor, (ctx) =>
        contract.PlaceSellOffer(ctx, 's1', ADA, INTERVAL, '1000', '30'),
      ),
    ).to.match(
      /^ACCESS_DENIED: AuditorMSP 'auditor' may not place a sell offer; allowed: CityMSP\/UtilityMSP/,
    );
  });

  it('refuses orders after gate closure and for intervals too far ahead', async () => {
    const { ledger } = await market();
    expect(
      await submitFails(ledger, { ...ada, time: '2025-01-01T09:55:00Z' }, (ctx) =>
        contract.PlaceBuyBid(ctx, 'b1', ADA, INTERVAL, '1000', '30'),
      ),
    ).to.equal('CONFLICT: the gate of interval 2025-01-01T10:00:00.000Z closed at 2025-01-01T09:55:00.000Z');
    expect(
      await submitFails(ledger, ada, (ctx) =>
        contract.PlaceBuyBid(ctx, 'b1', ADA, '2025-01-09T10:00:00Z', '1000', '30'),
      ),
    ).to.equal('INVALID_ARGUMENT: interval: must start within 7 days');
  });

  it('validates every argument, naming it', async () => {
    const { ledger } = await market();
    const cases: [string[], RegExp][] = [
      [['b 1', ADA, INTERVAL, '1000', '30'], /^INVALID_ARGUMENT: orderId:/],
      [['b1', 'ada', INTERVAL, '1000', '30'], /^INVALID_ARGUMENT: accountDid:/],
      [
        ['b1', ADA, '2025-01-01T10:05:00Z', '1000', '30'],
        /^INVALID_ARGUMENT: interval: must be the start of a 15-minute/,
      ],
      [['b1', ADA, 'tomorrow', '1000', '30'], /^INVALID_ARGUMENT: interval: must be an ISO-8601/],
      [['b1', ADA, INTERVAL, '0', '30'], /^INVALID_ARGUMENT: quantityWh: must be between 1 and/],
      [['b1', ADA, INTERVAL, '1000000001', '30'], /^INVALID_ARGUMENT: quantityWh:/],
      [['b1', ADA, INTERVAL, '1000', '-1'], /^INVALID_ARGUMENT: limitPriceCentsPerKwh:/],
      [['b1', ADA, INTERVAL, '1000', '0.3'], /^INVALID_ARGUMENT: limitPriceCentsPerKwh: must be an integer/],
    ];
    for (const [args, expected] of cases) {
      const [orderId, accountDid, interval, quantity, price] = args;
      expect(
        await submitFails(ledger, ada, (ctx) =>
          contract.PlaceBuyBid(ctx, orderId, accountDid, interval, quantity, price),
        ),
        args.join(' '),
      ).to.match(expected);
    }
  });

  it('refuses a reused order id, an unknown account, a lapsed credential and an account without meter', async () => {
    const { ledger, identity } = await market();
    await ledger.submit(ada, (ctx) => contract.PlaceSellOffer(ctx, 'o1', ADA, INTERVAL, '1000', '10'));
    expect(
      await submitFails(ledger, ada, (ctx) =>
        contract.PlaceSellOffer(ctx, 'o1', ADA, INTERVAL, '1000', '10'),
      ),
    ).to.equal('CONFLICT: order o1 already exists');
    expect(
      await submitFails(ledger, ada, (ctx) =>
        contract.PlaceSellOffer(ctx, 'o2', did('nobody'), INTERVAL, '1000', '10'),
      ),
    ).to.equal(`NOT_FOUND: account ${did('nobody')} does not exist`);
    identity.credentials.set(ADA, { valid: false, reason: 'revoked' });
    expect(
      await submitFails(ledger, ada, (ctx) =>
        contract.PlaceSellOffer(ctx, 'o2', ADA, INTERVAL, '1000', '10'),
      ),
    ).to.equal(`ACCESS_DENIED: ${ADA} holds no valid 'prosumer' credential (revoked)`);
    identity.grantProsumer(did('cy'));
    await ledger.submit(operator, (ctx) =>
      contract.OpenAccount(ctx, did('cy'), 'CityMSP', 'x509::/CN=cy::/CN=ca.citymsp'),
    );
    expect(
      await submitFails(ledger, userOf('cy'), (ctx) =>
        contract.PlaceSellOffer(ctx, 'o3', did('cy'), INTERVAL, '1000', '10'),
      ),
    ).to.equal(`CONFLICT: account ${did('cy')} has no linked meter, so its delivery cannot be settled`);
  });

  it('cancels an open order before gate closure and releases its reservation', async () => {
    const { ledger } = await market();
    await ledger.submit(ada, (ctx) => contract.PlaceBuyBid(ctx, 'b1', ADA, INTERVAL, '3000', '30'));
    const cancelled = await ledger.submit(ada, (ctx) => contract.CancelOrder(ctx, 'b1'));
    expect(cancelled).to.include({ status: 'cancelled', reservedCents: 0 });
    expect(await account(ledger, ADA)).to.include({ reservedCents: 0, balanceCents: 10_000 });
    expect(ledger.lastEvent()).to.deep.include({
      name: 'OrderCancelled',
      payload: {
        orderId: 'b1',
        interval: '2025-01-01T10:00:00.000Z',
        side: 'buy',
        accountDid: ADA,
        releasedCents: 102,
        cancelledAt: cancelled.updatedAt,
      },
    });
    expect(await submitFails(ledger, ada, (ctx) => contract.CancelOrder(ctx, 'b1'))).to.equal(
      'CONFLICT: order b1 is cancelled',
    );
  });

  it('refuses to cancel after gate closure, for someone else, or an unknown order', async () => {
    const { ledger } = await market();
    await ledger.submit(ada, (ctx) => contract.PlaceBuyBid(ctx, 'b1', ADA, INTERVAL, '1000', '30'));
    expect(await submitFails(ledger, bob, (ctx) => contract.CancelOrder(ctx, 'b1'))).to.match(
      /^ACCESS_DENIED: CityMSP 'citizen' may not cancel orders of/,
    );
    expect(
      await submitFails(ledger, { ...ada, time: '2025-01-01T09:56:00Z' }, (ctx) =>
        contract.CancelOrder(ctx, 'b1'),
      ),
    ).to.equal('CONFLICT: the gate of interval 2025-01-01T10:00:00.000Z closed at 2025-01-01T09:55:00.000Z');
    expect(await submitFails(ledger, ada, (ctx) => contract.CancelOrder(ctx, 'nope'))).to.equal(
      'NOT_FOUND: order nope does not exist',
    );
  });

  it('lists the order book of an interval and the orders of an account', async () => {
    const { ledger } = await market();
    await ledger.submit(ada, (ctx) => contract.PlaceBuyBid(ctx, 'b1', ADA, INTERVAL, '1000', '30'));
    await ledger.submit(bob, (ctx) => contract.PlaceSellOffer(ctx, 's1', BOB, INTERVAL, '1000', '20'));
    await ledger.submit(ada, (ctx) =>
      contract.PlaceBuyBid(ctx, 'b2', ADA, '2025-01-01T10:15:00Z', '1000', '30'),
    );
    const book = await ledger.evaluate(auditor, (ctx) => contract.GetOrderBook(ctx, INTERVAL, '', ''));
    expect(book.records.map((o: EnergyOrder) => o.orderId)).to.deep.equal(['b1', 's1']);
    const first = await ledger.evaluate(auditor, (ctx) => contract.ListAccountOrders(ctx, ADA, '1', ''));
    expect(first.records.map((o: EnergyOrder) => o.orderId)).to.deep.equal(['b1']);
    const next = await ledger.evaluate(auditor, (ctx) =>
      contract.ListAccountOrders(ctx, ADA, '1', first.bookmark),
    );
    expect(next.records.map((o: EnergyOrder) => o.orderId)).to.deep.equal(['b2']);
    expect((await ledger.evaluate(auditor, (ctx) => contract.GetOrder(ctx, 's1'))).side).to.equal('sell');
  });

  it('lets prosumers place orders for the same interval concurrently without touching each other’s keys', async () => {
    const { ledger } = await market({ ada: 10_000, bob: 10_000, cy: 10_000, dan: 10_000 });
    const names = ['ada', 'bob', 'cy', 'dan'];
    // All four simulate against the same committed state, as concurrent endorsements do.
    const txs = names.map((name) => ledger.begin(userOf(name)));
    await Promise.all(
      txs.map((tx, i) =>
        i % 2 === 0
          ? contract.PlaceBuyBid(tx.ctx, `b-${names[i]}`, did(names[i]), INTERVAL, '1000', '30')
          : contract.PlaceSellOffer(tx.ctx, `s-${names[i]}`, did(names[i]), INTERVAL, '1000', '20'),
      ),
    );
    for (const a of txs) {
      for (const b of txs) {
        if (a === b) continue;
        for (const written of a.writes.keys()) {
          expect(readKeys(b).has(written), 'MVCC read conflict').to.equal(false);
          expect(b.writes.has(written), 'write conflict').to.equal(false);
          expect(
            rangePrefixes(b).some((prefix) => written.startsWith(prefix)),
            'phantom read',
          ).to.equal(false);
        }
      }
    }
    txs.forEach((tx) => ledger.commit(tx));
    const book = await ledger.evaluate(auditor, (ctx) => contract.GetOrderBook(ctx, INTERVAL, '', ''));
    expect(book.records).to.have.length(4);
  });

  describe('proposal timestamps the ledger contradicts', () => {
    it('refuses an order timestamped before the market configuration it reads was last changed', async () => {
      const { ledger } = await market();
      expect(
        await submitFails(ledger, { ...ada, time: '2025-01-01T08:00:00.000Z' }, (ctx) =>
          contract.PlaceBuyBid(ctx, 'b-early', ADA, INTERVAL, '1000', '20'),
        ),
      ).to.match(
        /^INVALID_ARGUMENT: txTimestamp: 2025-01-01T08:00:00\.000Z is before the market configuration's last change \(2025-01-01T09:00:\d\d\.000Z\)/,
      );
    });

    it('refuses an order or a cancellation backdated into an interval that was already cleared', async () => {
      const { ledger } = await market();
      await ledger.submit(ada, (ctx) => contract.PlaceBuyBid(ctx, 'b1', ADA, INTERVAL, '1000', '20'));
      await ledger.submit({ ...operator, time: '2025-01-01T09:56:00.000Z' }, (ctx) =>
        contract.ClearInterval(ctx, INTERVAL),
      );
      const beforeGateClosure = '2025-01-01T09:50:00.000Z';
      expect(
        await submitFails(ledger, { ...bob, time: beforeGateClosure }, (ctx) =>
          contract.PlaceSellOffer(ctx, 's-late', BOB, INTERVAL, '1000', '5'),
        ),
      ).to.equal(
        'CONFLICT: interval 2025-01-01T10:00:00.000Z was cleared at 2025-01-01T09:56:00.000Z; its orders can no longer change',
      );
    });

    it('refuses a cancellation timestamped before the order was placed', async () => {
      const { ledger } = await market();
      const order = await ledger.submit({ ...ada, time: '2025-01-01T09:30:00.000Z' }, (ctx) =>
        contract.PlaceBuyBid(ctx, 'b1', ADA, INTERVAL, '1000', '20'),
      );
      expect(
        await submitFails(ledger, { ...ada, time: '2025-01-01T09:20:00.000Z' }, (ctx) =>
          contract.CancelOrder(ctx, 'b1'),
        ),
      ).to.equal(
        `INVALID_ARGUMENT: txTimestamp: 2025-01-01T09:20:00.000Z is before the last change of order b1 (${order.updatedAt}); a transaction cannot be timestamped before what the ledger recorded`,
      );
    });
  });
});

function readKeys(tx: FakeTransaction): Set<string> {
  return new Set(tx.stub.getState.args.map((args) => args[0]));
}

function rangePrefixes(tx: FakeTransaction): string[] {
  return tx.stub.getStateByPartialCompositeKey.args.map(([objectType, attributes]) =>
    ChaincodeStub.prototype.createCompositeKey.call(tx.stub, objectType, attributes),
  );
}
