import { expect } from 'chai';
import { FakeLedger } from '@cityledger/chaincode-common/testing';
import {
  auditor,
  contract,
  did,
  marketWith,
  operator,
  submitFails,
  userOf,
  type MarketFixture,
} from './energy-test-support';
import type { EnergyOrder, EnergyTrade, MarketResult, ProsumerAccount, SettlementStatement } from './records';

const INTERVAL = '2025-01-01T10:00:00.000Z';
const at = (time: string) => ({ ...operator, time });
const CLEAR_AT = '2025-01-01T09:55:00Z';
const SETTLE_AT = '2025-01-01T10:25:00Z';

/** The worked example of docs/contracts/energy-trading.md. */
async function exampleMarket(): Promise<MarketFixture> {
  const fixture = await marketWith(new FakeLedger('energy', '2025-01-01T09:00:00.000Z'), {
    ada: 10_000,
    bob: 10_000,
    cy: 10_000,
    dan: 0,
    eve: 0,
    fay: 0,
  });
  const { ledger } = fixture;
  const bid = (name: string, id: string, wh: number, price: number) =>
    ledger.submit(userOf(name), (ctx) =>
      contract.PlaceBuyBid(ctx, id, did(name), INTERVAL, String(wh), String(price)),
    );
  const offer = (name: string, id: string, wh: number, price: number) =>
    ledger.submit(userOf(name), (ctx) =>
      contract.PlaceSellOffer(ctx, id, did(name), INTERVAL, String(wh), String(price)),
    );
  await bid('ada', 'B1', 3000, 30);
  await bid('bob', 'B2', 2000, 25);
  await bid('cy', 'B3', 2000, 18);
  await offer('dan', 'S1', 2500, 15);
  await offer('eve', 'S2', 2000, 20);
  await offer('fay', 'S3', 3000, 28);
  return fixture;
}

async function deliver({ ledger, meters }: MarketFixture): Promise<void> {
  const start = '2025-01-01T10:00:00Z';
  const end = '2025-01-01T10:15:00Z';
  const names = ['ada', 'bob', 'dan', 'eve'];
  await ledger.submit(at('2025-01-01T10:01:00Z'), (ctx) =>
    contract.SubmitMeterReadings(ctx, JSON.stringify(names.flatMap((n) => meters[n].readRegisters(start)))),
  );
  await ledger.submit(at('2025-01-01T10:16:00Z'), (ctx) =>
    contract.SubmitMeterReadings(
      ctx,
      JSON.stringify([
        ...meters.ada.readRegisters(end, { importWh: 3000 }),
        ...meters.bob.readRegisters(end, { importWh: 1800 }),
        ...meters.dan.readRegisters(end, { exportWh: 2000 }),
        ...meters.eve.readRegisters(end, { importWh: 100, exportWh: 2600 }),
      ]),
    ),
  );
}

async function account(ledger: FakeLedger, name: string): Promise<ProsumerAccount> {
  return (await ledger.evaluate(auditor, (ctx) => contract.GetAccount(ctx, did(name)))) as ProsumerAccount;
}

describe('EnergyTradingContract — clearing and settlement', () => {
  describe('ClearInterval', () => {
    it('clears the interval at a uniform price, publishes the result and records the trades', async () => {
      const { ledger } = await exampleMarket();
      const result = await ledger.submit(at(CLEAR_AT), (ctx) => contract.ClearInterval(ctx, INTERVAL));
      expect(result).to.deep.equal({
        interval: INTERVAL,
        status: 'cleared',
        clearingPriceCentsPerKwh: 22,
        volumeWh: 4500,
        tradeCount: 3,
        buyOrderCount: 3,
        sellOrderCount: 3,
        demandWh: 7000,
        supplyWh: 7500,
        gridTariffCentsPerKwh: 30,
        feedInTariffCentsPerKwh: 8,
        gridFeeCentsPerKwh: 4,
        clearedAt: '2025-01-01T09:55:00.000Z',
      });
      expect(ledger.lastEvent()).to.deep.include({
        name: 'MarketCleared',
        payload: {
          interval: INTERVAL,
          clearingPriceCentsPerKwh: 22,
          volumeWh: 4500,
          tradeCount: 3,
          buyOrderCount: 3,
          sellOrderCount: 3,
          demandWh: 7000,
          supplyWh: 7500,
          clearedAt: '2025-01-01T09:55:00.000Z',
        },
      });
      const trades = await ledger.evaluate(auditor, (ctx) =>
        contract.ListIntervalTrades(ctx, INTERVAL, '', ''),
      );
      expect(
        trades.records.map((t: EnergyTrade) => [
          t.tradeId,
          t.buyOrderId,
          t.sellOrderId,
          t.quantityWh,
          t.amountCents,
          t.gridFeeCents,
        ]),
      ).to.deep.equal([
        [`${INTERVAL}#1`, 'B1', 'S1', 2500, 55, 10],
        [`${INTERVAL}#2`, 'B1', 'S2', 500, 11, 2],
        [`${INTERVAL}#3`, 'B2', 'S2', 1500, 33, 6],
      ]);
      expect(await ledger.evaluate(auditor, (ctx) => contract.GetMarketResult(ctx, INTERVAL))).to.deep.equal(
        result,
      );
      expect(
        (await ledger.evaluate(auditor, (ctx) => contract.GetTrade(ctx, INTERVAL, '3'))).buyerDid,
      ).to.equal(did('bob'));
      const bobTrades = await ledger.evaluate(auditor, (ctx) =>
        contract.ListAccountTrades(ctx, did('eve'), '', ''),
      );
      expect(bobTrades.records.map((t: EnergyTrade) => t.seq)).to.deep.equal([2, 3]);
    });

    it('marks the orders filled and keeps on each bid only what its trades cost', async () => {
      const { ledger } = await exampleMarket();
      expect(await account(ledger, 'ada')).to.include({ reservedCents: 102 });
      await ledger.submit(at(CLEAR_AT), (ctx) => contract.ClearInterval(ctx, INTERVAL));
      const order = (id: string) =>
        ledger.evaluate(auditor, (ctx) => contract.GetOrder(ctx, id)) as Promise<EnergyOrder>;
      expect(await order('B1')).to.include({ status: 'cleared', filledWh: 3000, reservedCents: 78 });
      expect(await order('B2')).to.include({ status: 'cleared', filledWh: 1500, reservedCents: 39 });
      expect(await order('B3')).to.include({ status: 'cleared', filledWh: 0, reservedCents: 0 });
      expect(await order('S3')).to.include({ status: 'cleared', filledWh: 0 });
      expect(await account(ledger, 'ada')).to.include({ reservedCents: 78, balanceCents: 10_000 });
      expect(await account(ledger, 'cy')).to.include({ reservedCents: 0 });
    });

    it('lets anyone recompute the clearing from the orders and detect a tampered trade', async () => {
      const { ledger } = await exampleMarket();
      const preview = await ledger.evaluate(auditor, (ctx) => contract.RecomputeClearing(ctx, INTERVAL));
      expect(preview).to.deep.include({
        matches: false,
        clearingPriceCentsPerKwh: 22,
        volumeWh: 4500,
        tradeCount: 3,
      });
      await ledger.submit(at(CLEAR_AT), (ctx) => contract.ClearInterval(ctx, INTERVAL));
      const check = await ledger.evaluate(auditor, (ctx) => contract.RecomputeClearing(ctx, INTERVAL));
      expect(check).to.deep.equal({
        interval: INTERVAL,
        matches: true,
        clearingPriceCentsPerKwh: 22,
        volumeWh: 4500,
        tradeCount: 3,
        differences: [],
      });
      const key = [...ledger.state.keys()].find(
        (k) => k.startsWith('\u0000energy-trade\u0000') && k.endsWith('000002\u0000'),
      )!;
      const trade = JSON.parse(ledger.state.get(key)!.toString());
      ledger.state.set(key, Buffer.from(JSON.stringify({ ...trade, quantityWh: 600 })));
      const tampered = await ledger.evaluate(auditor, (ctx) => contract.RecomputeClearing(ctx, INTERVAL));
      expect(tampered.matches).to.equal(false);
      expect(tampered.differences).to.deep.equal([`trade ${INTERVAL}#2 differs`]);
    });

    it('clears an interval without orders to volume 0', async () => {
      const { ledger } = await marketWith(new FakeLedger('energy', '2025-01-01T09:00:00.000Z'), {});
      const result = await ledger.submit(at(CLEAR_AT), (ctx) => contract.ClearInterval(ctx, INTERVAL));
      expect(result).to.include({ volumeWh: 0, clearingPriceCentsPerKwh: 0, tradeCount: 0 });
      const settled = await ledger.submit(at(SETTLE_AT), (ctx) => contract.SettleInterval(ctx, INTERVAL));
      expect(settled.settlement).to.include({ participantCount: 0, gridNetCents: 0 });
    });

    it('ignores cancelled orders', async () => {
      const { ledger } = await exampleMarket();
      await ledger.submit(userOf('fay'), (ctx) => contract.CancelOrder(ctx, 'S3'));
      const result = await ledger.submit(at(CLEAR_AT), (ctx) => contract.ClearInterval(ctx, INTERVAL));
      expect(result).to.include({ sellOrderCount: 2, supplyWh: 4500 });
      expect((await ledger.evaluate(auditor, (ctx) => contract.GetOrder(ctx, 'S3'))).status).to.equal(
        'cancelled',
      );
    });

    it('refuses to clear before gate closure, twice, or for anyone but UtilityMSP operators', async () => {
      const { ledger } = await exampleMarket();
      expect(
        await submitFails(ledger, at('2025-01-01T09:54:59Z'), (ctx) => contract.ClearInterval(ctx, INTERVAL)),
      ).to.equal(
        `CONFLICT: interval ${INTERVAL} can be cleared from gate closure at 2025-01-01T09:55:00.000Z`,
      );
      expect(
        await submitFails(ledger, { ...auditor, time: CLEAR_AT }, (ctx) =>
          contract.ClearInterval(ctx, INTERVAL),
        ),
      ).to.match(/^ACCESS_DENIED: AuditorMSP 'auditor' may not clear a market interval/);
      expect(
        await submitFails(ledger, at(CLEAR_AT), (ctx) => contract.ClearInterval(ctx, '2025-01-01T10:01:00Z')),
      ).to.match(/^INVALID_ARGUMENT: interval:/);
      await ledger.submit(at(CLEAR_AT), (ctx) => contract.ClearInterval(ctx, INTERVAL));
      expect(
        await submitFails(ledger, at(CLEAR_AT), (ctx) => contract.ClearInterval(ctx, INTERVAL)),
      ).to.equal(`CONFLICT: interval ${INTERVAL} is already cleared`);
    });
  });

  describe('SettleInterval', () => {
    async function clearedAndDelivered(): Promise<MarketFixture> {
      const fixture = await exampleMarket();
      await fixture.ledger.submit(at(CLEAR_AT), (ctx) => contract.ClearInterval(ctx, INTERVAL));
      await deliver(fixture);
      return fixture;
    }

    it('settles trades and imbalances against the meters and moves the balances', async () => {
      const { ledger } = await clearedAndDelivered();
      const result = await ledger.submit(at(SETTLE_AT), (ctx) => contract.SettleInterval(ctx, INTERVAL));
      expect(result).to.deep.include({ status: 'settled', settledAt: '2025-01-01T10:25:00.000Z' });
      expect(result.settlement).to.deep.equal({
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
      expect(ledger.lastEvent()).to.deep.include({
        name: 'IntervalSettled',
        payload: { interval: INTERVAL, settledAt: '2025-01-01T10:25:00.000Z', ...result.settlement },
      });
      const balances = await Promise.all(
        ['ada', 'bob', 'cy', 'dan', 'eve', 'fay'].map((n) => account(ledger, n)),
      );
      expect(balances.map((a) => [a.balanceCents, a.reservedCents])).to.deep.equal([
        [9922, 0],
        [9952, 0],
        [10_000, 0],
        [40, 0],
        [48, 0],
        [0, 0],
      ]);
    });

    it('settles at the grid tariff the shortfall of a seller that sold more than it delivered', async () => {
      const { ledger } = await clearedAndDelivered();
      await ledger.submit(at(SETTLE_AT), (ctx) => contract.SettleInterval(ctx, INTERVAL));
      const dan = (await ledger.evaluate(auditor, (ctx) =>
        contract.GetSettlementStatement(ctx, INTERVAL, did('dan')),
      )) as SettlementStatement;
      expect(dan).to.deep.include({
        soldWh: 2500,
        exportWh: 2000,
        deliveredWh: 2000,
        shortfallWh: 500,
        shortfallCents: 15,
        tradeCreditsCents: 55,
        netCents: 40,
        balanceAfterCents: 40,
        meterCount: 1,
        readingCount: 2,
      });
      expect(dan.trades).to.deep.equal([
        {
          tradeId: `${INTERVAL}#1`,
          side: 'sell',
          counterpartyDid: did('ada'),
          quantityWh: 2500,
          deliveredWh: 2000,
          priceCentsPerKwh: 22,
          amountCents: 55,
          gridFeeCents: 10,
        },
      ]);
      const ada = (await ledger.evaluate(auditor, (ctx) =>
        contract.GetSettlementStatement(ctx, INTERVAL, did('ada')),
      )) as SettlementStatement;
      expect(ada).to.include({
        releasedReservationCents: 78,
        netCents: -78,
        gridFeeCents: 12,
        shortfallWh: 0,
      });
      const statements = await ledger.evaluate(auditor, (ctx) =>
        contract.ListAccountStatements(ctx, did('eve'), '', ''),
      );
      expect(
        statements.records.map((s: SettlementStatement) => [s.interval, s.surplusWh, s.surplusCents]),
      ).to.deep.equal([[INTERVAL, 500, 4]]);
    });

    it('counts no energy through a register before its first reading, its baseline', async () => {
      const fixture = await exampleMarket();
      const { ledger, meters } = fixture;
      await ledger.submit(at(CLEAR_AT), (ctx) => contract.ClearInterval(ctx, INTERVAL));
      // Dan's meter reports only its import register at the start: export has no baseline yet.
      await ledger.submit(at('2025-01-01T10:01:00Z'), (ctx) =>
        contract.SubmitMeterReadings(
          ctx,
          JSON.stringify([meters.dan.read('import_wh', '2025-01-01T10:00:00Z')]),
        ),
      );
      const end = [
        meters.dan.read('import_wh', '2025-01-01T10:15:00Z'),
        meters.dan.read('export_wh', '2025-01-01T10:15:00Z', 52_000),
      ];
      await ledger.submit(at('2025-01-01T10:16:00Z'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify(end)),
      );
      await ledger.submit(at(SETTLE_AT), (ctx) => contract.SettleInterval(ctx, INTERVAL));
      const dan = (await ledger.evaluate(auditor, (ctx) =>
        contract.GetSettlementStatement(ctx, INTERVAL, did('dan')),
      )) as SettlementStatement;
      expect(dan).to.deep.include({
        soldWh: 2500,
        exportWh: 0,
        importWh: 0,
        readingCount: 2,
        deliveredWh: 0,
        shortfallWh: 2500,
        shortfallCents: 75,
        netCents: 55 - 75,
      });
      // From its baseline on, the register counts: 600 Wh more in the next interval.
      await ledger.submit(at('2025-01-01T10:31:00Z'), (ctx) =>
        contract.SubmitMeterReadings(
          ctx,
          JSON.stringify([meters.dan.read('export_wh', '2025-01-01T10:30:00Z', 600)]),
        ),
      );
      const next = await ledger.evaluate(auditor, (ctx) =>
        contract.GetMeterReading(ctx, did('meter-dan'), '4'),
      );
      expect(next).to.include({ interval: '2025-01-01T10:15:00.000Z', exportWh: 52_600, exportDeltaWh: 600 });
    });

    it('proves that energy and money reconcile, per interval and for the whole market', async () => {
      const { ledger } = await clearedAndDelivered();
      await ledger.submit(at(SETTLE_AT), (ctx) => contract.SettleInterval(ctx, INTERVAL));
      expect(
        await ledger.evaluate(auditor, (ctx) => contract.ReconcileInterval(ctx, INTERVAL)),
      ).to.deep.equal({
        interval: INTERVAL,
        balanced: true,
        soldWh: 4500,
        boughtWh: 4500,
        volumeWh: 4500,
        measuredNetExportWh: -300,
        shortfallWh: 800,
        surplusWh: 500,
        accountsNetCents: -38,
        gridNetCents: 38,
        problems: [],
      });
      expect(await ledger.evaluate(auditor, (ctx) => contract.ReconcileMarket(ctx))).to.deep.equal({
        balanced: true,
        accountCount: 6,
        totalBalanceCents: 29_962,
        totalReservedCents: 0,
        totalDepositedCents: 30_000,
        totalWithdrawnCents: 0,
        gridNetCents: 38,
        settledIntervalCount: 1,
        orderReservationsCents: 0,
        problems: [],
      });
    });

    it('reports a balance that does not add up', async () => {
      const { ledger } = await clearedAndDelivered();
      await ledger.submit(at(SETTLE_AT), (ctx) => contract.SettleInterval(ctx, INTERVAL));
      const key = [...ledger.state.keys()].find(
        (k) => k.startsWith('\u0000energy-account\u0000') && k.includes(did('dan')),
      )!;
      const dan = JSON.parse(ledger.state.get(key)!.toString());
      ledger.state.set(key, Buffer.from(JSON.stringify({ ...dan, balanceCents: 41 })));
      const check = await ledger.evaluate(auditor, (ctx) => contract.ReconcileMarket(ctx));
      expect(check.balanced).to.equal(false);
      expect(check.problems).to.include(
        `${did('dan')}: balance 41, deposits − withdrawals + settlements = 40`,
      );
    });

    it('keeps reservations reconciled while bids are open and cleared but not settled', async () => {
      const { ledger } = await exampleMarket();
      expect((await ledger.evaluate(auditor, (ctx) => contract.ReconcileMarket(ctx))).balanced).to.equal(
        true,
      );
      await ledger.submit(at(CLEAR_AT), (ctx) => contract.ClearInterval(ctx, INTERVAL));
      const check = await ledger.evaluate(auditor, (ctx) => contract.ReconcileMarket(ctx));
      expect(check).to.include({ balanced: true, totalReservedCents: 117, orderReservationsCents: 117 });
      expect(
        (await ledger.evaluate(auditor, (ctx) => contract.ReconcileInterval(ctx, INTERVAL))).balanced,
      ).to.equal(true);
    });

    it('refuses to settle before the settlement delay, before clearing, twice, or for other callers', async () => {
      const fixture = await exampleMarket();
      const { ledger } = fixture;
      expect(
        await submitFails(ledger, at(SETTLE_AT), (ctx) => contract.SettleInterval(ctx, INTERVAL)),
      ).to.equal(`NOT_FOUND: interval ${INTERVAL} has no market result; clear it first`);
      await ledger.submit(at(CLEAR_AT), (ctx) => contract.ClearInterval(ctx, INTERVAL));
      await deliver(fixture);
      expect(
        await submitFails(ledger, at('2025-01-01T10:24:59Z'), (ctx) =>
          contract.SettleInterval(ctx, INTERVAL),
        ),
      ).to.equal(`CONFLICT: interval ${INTERVAL} can be settled from 2025-01-01T10:25:00.000Z`);
      expect(
        await submitFails(ledger, { ...userOf('dan'), time: SETTLE_AT }, (ctx) =>
          contract.SettleInterval(ctx, INTERVAL),
        ),
      ).to.match(/^ACCESS_DENIED: CityMSP 'citizen' may not settle a market interval/);
      await ledger.submit(at(SETTLE_AT), (ctx) => contract.SettleInterval(ctx, INTERVAL));
      expect(
        await submitFails(ledger, at(SETTLE_AT), (ctx) => contract.SettleInterval(ctx, INTERVAL)),
      ).to.equal(`CONFLICT: interval ${INTERVAL} is already settled`);
    });
  });

  describe('queries', () => {
    it('lists market results and shows the history of any record', async () => {
      const { ledger } = await exampleMarket();
      await ledger.submit(at(CLEAR_AT), (ctx) => contract.ClearInterval(ctx, INTERVAL));
      const results = await ledger.evaluate(auditor, (ctx) => contract.ListMarketResults(ctx, '', ''));
      expect(results.records.map((r: MarketResult) => r.interval)).to.deep.equal([INTERVAL]);
      const history = await ledger.evaluate(auditor, (ctx) =>
        contract.GetRecordHistory(ctx, 'order', 'B1', ''),
      );
      expect(history.map((h) => JSON.parse(h.valueJson).status)).to.deep.equal(['cleared', 'open']);
      const accountHistory = await ledger.evaluate(auditor, (ctx) =>
        contract.GetRecordHistory(ctx, 'account', did('ada'), ''),
      );
      expect(accountHistory).to.have.length(4); // opened, deposit, bid reservation, clearing
      const tradeHistory = await ledger.evaluate(auditor, (ctx) =>
        contract.GetRecordHistory(ctx, 'trade', INTERVAL, '1'),
      );
      expect(tradeHistory).to.have.length(1);
      expect(
        await submitFails(ledger, auditor, (ctx) => contract.GetRecordHistory(ctx, 'balance', 'x', '')),
      ).to.match(/^INVALID_ARGUMENT: recordType: must be one of/);
      expect(
        await submitFails(ledger, auditor, (ctx) => contract.GetMarketResult(ctx, '2025-01-01T10:15:00Z')),
      ).to.equal('NOT_FOUND: interval 2025-01-01T10:15:00.000Z has no market result');
    });
  });
});
