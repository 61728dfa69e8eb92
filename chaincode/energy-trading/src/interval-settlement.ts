/**
 * Settlement of a cleared interval after delivery: one transaction of the market operator that sums
 * the meter readings of every trading account for the interval, settles trades and imbalances
 * (imbalance-settlement.ts), releases the bids' reservations, and writes one statement per account.
 * The grid operator's side is not a balance key but the settlement totals of each interval, so
 * settlements never contend on a utility account.
 */
import {
  ConflictError,
  decodeJson,
  emitEvent,
  NotFoundError,
  putIndex,
  putJson,
  queryAll,
  requireCaller,
  txTimeIso,
  txTimeMillis,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { settleIntervalTrades, type MeteredEnergy } from './imbalance-settlement';
import { readIntervalTrades } from './interval-clearing';
import { KEY, keys } from './keys';
import { parseIntervalStart, settlementOpensMillis } from './market-config';
import { getMarketResult, requireAccount, requireMarketConfig, requireOrder } from './market-state';
import type { IntervalIndexValue } from './meter-readings-intake';
import { MARKET_OPERATOR } from './policy';
import type { MarketResult, SettlementStatement } from './records';

const MAX_METERS_PER_ACCOUNT = 100;
const MAX_READINGS_PER_METER_INTERVAL = 1000;

export async function settleInterval(ctx: Context, interval: string): Promise<MarketResult> {
  requireCaller(ctx, MARKET_OPERATOR, 'settle a market interval');
  const config = await requireMarketConfig(ctx);
  const { interval: name, startMillis } = parseIntervalStart('interval', interval, config);
  const result = await getMarketResult(ctx, name);
  if (!result) {
    throw new NotFoundError(`interval ${name} has no market result; clear it first`);
  }
  if (result.status !== 'cleared') {
    throw new ConflictError(`interval ${name} is already ${result.status}`);
  }
  const opens = settlementOpensMillis(startMillis, config);
  if (txTimeMillis(ctx) < opens) {
    throw new ConflictError(`interval ${name} can be settled from ${new Date(opens).toISOString()}`);
  }

  const trades = await readIntervalTrades(ctx, name);
  const participants = [...new Set(trades.flatMap((t) => [t.buyerDid, t.sellerDid]))].sort();
  const metered = new Map<string, MeteredEnergy>();
  for (const accountDid of participants) {
    metered.set(accountDid, await meteredEnergy(ctx, accountDid, name));
  }
  const { accounts, totals } = settleIntervalTrades(trades, metered, result);

  const releasedByAccount = new Map<string, number>();
  const buyOrderIds = [...new Set(trades.map((t) => t.buyOrderId))].sort();
  const now = txTimeIso(ctx);
  for (const orderId of buyOrderIds) {
    const order = await requireOrder(ctx, orderId);
    releasedByAccount.set(
      order.accountDid,
      (releasedByAccount.get(order.accountDid) ?? 0) + order.reservedCents,
    );
    await putJson(ctx, keys.order(ctx, orderId), { ...order, reservedCents: 0, updatedAt: now });
  }
  for (const settlement of accounts) {
    const account = await requireAccount(ctx, settlement.accountDid);
    const released = releasedByAccount.get(settlement.accountDid) ?? 0;
    const balanceAfterCents = account.balanceCents + settlement.netCents;
    await putJson(ctx, keys.account(ctx, account.accountDid), {
      ...account,
      balanceCents: balanceAfterCents,
      reservedCents: account.reservedCents - released,
      updatedAt: now,
    });
    const statement: SettlementStatement = {
      interval: name,
      ...settlement,
      trades: settlement.trades.map((t) => ({ ...t })),
      releasedReservationCents: released,
      balanceAfterCents,
      settledAt: now,
    };
    await putJson(ctx, keys.statement(ctx, name, account.accountDid), statement);
    await putIndex(ctx, keys.statementByAccount(ctx, account.accountDid, name));
  }
  const settled: MarketResult = { ...result, status: 'settled', settledAt: now, settlement: totals };
  await putJson(ctx, keys.result(ctx, name), settled);
  emitEvent(ctx, 'IntervalSettled', { interval: name, settledAt: now, ...totals });
  return settled;
}

/** Register movement of all the account's meters attributed to the interval. */
async function meteredEnergy(ctx: Context, accountDid: string, interval: string): Promise<MeteredEnergy> {
  const meters = await queryAll(ctx, KEY.meterByAccount, [accountDid], MAX_METERS_PER_ACCOUNT);
  const energy: MeteredEnergy = { importWh: 0, exportWh: 0, meterCount: meters.length, readingCount: 0 };
  for (const meter of meters) {
    const entries = await queryAll(
      ctx,
      KEY.readingByInterval,
      [meter.attributes[1], interval],
      MAX_READINGS_PER_METER_INTERVAL,
    );
    for (const entry of entries) {
      const value = decodeJson<IntervalIndexValue>(entry.value);
      energy.importWh += value.importDeltaWh;
      energy.exportWh += value.exportDeltaWh;
      energy.readingCount += 1;
    }
  }
  return energy;
}
