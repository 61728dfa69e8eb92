/**
 * Queries that prove the books: they recompute sums from the individual records and report every
 * mismatch. They read whole ranges, so they are queries (evaluate), never part of a submitted
 * transaction.
 */
import { decodeJson, NotFoundError, queryAll } from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { centsForEnergy } from './energy-arithmetic';
import { readIntervalTrades } from './interval-clearing';
import { KEY } from './keys';
import { parseIntervalStart } from './market-config';
import { getMarketResult, requireMarketConfig } from './market-state';
import type {
  EnergyOrder,
  IntervalReconciliation,
  MarketReconciliation,
  MarketResult,
  ProsumerAccount,
  SettlementStatement,
} from './records';

const SCAN_LIMIT = 1_000_000;

export async function reconcileInterval(ctx: Context, interval: string): Promise<IntervalReconciliation> {
  const config = await requireMarketConfig(ctx);
  const { interval: name } = parseIntervalStart('interval', interval, config);
  const result = await getMarketResult(ctx, name);
  if (!result) {
    throw new NotFoundError(`interval ${name} has no market result`);
  }
  const problems: string[] = [];
  const trades = await readIntervalTrades(ctx, name);
  const volumeWh = sum(trades.map((t) => t.quantityWh));
  if (volumeWh !== result.volumeWh)
    problems.push(`trades add up to ${volumeWh} Wh, the result says ${result.volumeWh}`);
  for (const t of trades) {
    if (t.priceCentsPerKwh !== result.clearingPriceCentsPerKwh)
      problems.push(`trade ${t.tradeId} is not at the clearing price`);
    if (t.amountCents !== centsForEnergy(t.quantityWh, t.priceCentsPerKwh))
      problems.push(`trade ${t.tradeId} amount is wrong`);
    if (t.gridFeeCents !== centsForEnergy(t.quantityWh, result.gridFeeCentsPerKwh))
      problems.push(`trade ${t.tradeId} fee is wrong`);
  }
  const statements = (await queryAll(ctx, KEY.statement, [name], SCAN_LIMIT)).map((e) =>
    decodeJson<SettlementStatement>(e.value),
  );
  const soldWh = sum(statements.map((s) => s.soldWh));
  const boughtWh = sum(statements.map((s) => s.boughtWh));
  const measuredNetExportWh = sum(statements.map((s) => s.measuredNetExportWh));
  const shortfallWh = sum(statements.map((s) => s.shortfallWh));
  const surplusWh = sum(statements.map((s) => s.surplusWh));
  const accountsNetCents = sum(statements.map((s) => s.netCents));
  const gridNetCents = result.settlement?.gridNetCents ?? 0;
  if (result.status === 'settled') {
    if (soldWh !== volumeWh || boughtWh !== volumeWh) {
      problems.push(`statements sold ${soldWh} Wh and bought ${boughtWh} Wh of ${volumeWh} Wh traded`);
    }
    if (measuredNetExportWh + shortfallWh - surplusWh !== 0) {
      problems.push('metered energy, shortfalls and surpluses do not balance');
    }
    if (accountsNetCents + gridNetCents !== 0) {
      problems.push(
        `accounts moved ${accountsNetCents} cents, the grid ${gridNetCents}: they must cancel out`,
      );
    }
    for (const s of statements) {
      const net =
        s.tradeCreditsCents - s.tradeDebitsCents - s.gridFeeCents - s.shortfallCents + s.surplusCents;
      if (net !== s.netCents)
        problems.push(`statement of ${s.accountDid} nets ${s.netCents}, its lines ${net}`);
      if (s.imbalanceWh !== s.measuredNetExportWh - s.contractedNetExportWh) {
        problems.push(`statement of ${s.accountDid} has a wrong imbalance`);
      }
    }
  } else if (statements.length > 0) {
    problems.push('statements exist for an interval that is not settled');
  }
  return {
    interval: name,
    balanced: problems.length === 0,
    soldWh,
    boughtWh,
    volumeWh,
    measuredNetExportWh,
    shortfallWh,
    surplusWh,
    accountsNetCents,
    gridNetCents,
    problems,
  };
}

export async function reconcileMarket(ctx: Context): Promise<MarketReconciliation> {
  const accounts = (await queryAll(ctx, KEY.account, [], SCAN_LIMIT)).map((e) =>
    decodeJson<ProsumerAccount>(e.value),
  );
  const results = (await queryAll(ctx, KEY.result, [], SCAN_LIMIT)).map((e) =>
    decodeJson<MarketResult>(e.value),
  );
  const orders = (await queryAll(ctx, KEY.order, [], SCAN_LIMIT)).map((e) =>
    decodeJson<EnergyOrder>(e.value),
  );
  const statements = (await queryAll(ctx, KEY.statement, [], SCAN_LIMIT)).map((e) =>
    decodeJson<SettlementStatement>(e.value),
  );
  const problems: string[] = [];
  const reservedByAccount = groupSum(
    orders,
    (o) => o.accountDid,
    (o) => o.reservedCents,
  );
  const netByAccount = groupSum(
    statements,
    (s) => s.accountDid,
    (s) => s.netCents,
  );
  for (const a of accounts) {
    const expected = a.depositedCents - a.withdrawnCents + (netByAccount.get(a.accountDid) ?? 0);
    if (a.balanceCents !== expected) {
      problems.push(
        `${a.accountDid}: balance ${a.balanceCents}, deposits − withdrawals + settlements = ${expected}`,
      );
    }
    const reserved = reservedByAccount.get(a.accountDid) ?? 0;
    if (a.reservedCents !== reserved) {
      problems.push(`${a.accountDid}: reserved ${a.reservedCents}, its orders hold ${reserved}`);
    }
  }
  const settled = results.filter((r) => r.status === 'settled');
  const gridNetCents = sum(settled.map((r) => r.settlement?.gridNetCents ?? 0));
  const totalBalanceCents = sum(accounts.map((a) => a.balanceCents));
  const totalDepositedCents = sum(accounts.map((a) => a.depositedCents));
  const totalWithdrawnCents = sum(accounts.map((a) => a.withdrawnCents));
  if (totalBalanceCents + gridNetCents !== totalDepositedCents - totalWithdrawnCents) {
    problems.push('balances plus the grid operator’s takings do not equal deposits minus withdrawals');
  }
  const totalReservedCents = sum(accounts.map((a) => a.reservedCents));
  const orderReservationsCents = sum(orders.map((o) => o.reservedCents));
  if (totalReservedCents !== orderReservationsCents) {
    problems.push(`accounts reserve ${totalReservedCents} cents, orders hold ${orderReservationsCents}`);
  }
  return {
    balanced: problems.length === 0,
    accountCount: accounts.length,
    totalBalanceCents,
    totalReservedCents,
    totalDepositedCents,
    totalWithdrawnCents,
    gridNetCents,
    settledIntervalCount: settled.length,
    orderReservationsCents,
    problems,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}

function groupSum<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  valueOf: (item: T) => number,
): Map<string, number> {
  const totals = new Map<string, number>();
  for (const item of items) totals.set(keyOf(item), (totals.get(keyOf(item)) ?? 0) + valueOf(item));
  return totals;
}
