/**
 * Clearing of a delivery interval after gate closure, and its recomputation by anyone.
 *
 * Clearing is one transaction of the market operator: it reads every order of the interval (by the
 * interval index), runs the uniform-price auction, and writes the trades, the market result, the
 * orders' fills and the bidders' reservations. Unmatched bids get their reservation back; matched
 * bids keep exactly what their trades cost until settlement.
 */
import {
  ConflictError,
  emitEvent,
  getJson,
  putIndex,
  putJson,
  queryAll,
  requireCaller,
  txTimeIso,
  txTimeMillis,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { centsForEnergy } from './energy-arithmetic';
import { KEY, keys, tradeIdOf } from './keys';
import { gateClosureMillis, parseIntervalStart } from './market-config';
import { getMarketResult, requireAccount, requireMarketConfig } from './market-state';
import { MARKET_OPERATOR } from './policy';
import type { ClearingCheck, EnergyMarketConfig, EnergyOrder, EnergyTrade, MarketResult } from './records';
import { clearUniformPriceAuction, type AuctionOrder, type AuctionOutcome } from './uniform-price-auction';

/** Orders per interval a clearing transaction handles; beyond, the call fails rather than truncate. */
export const MAX_ORDERS_PER_INTERVAL = 5000;

export async function clearInterval(ctx: Context, interval: string): Promise<MarketResult> {
  requireCaller(ctx, MARKET_OPERATOR, 'clear a market interval');
  const config = await requireMarketConfig(ctx);
  const { interval: name, startMillis } = parseIntervalStart('interval', interval, config);
  const closure = gateClosureMillis(startMillis, config);
  if (txTimeMillis(ctx) < closure) {
    throw new ConflictError(
      `interval ${name} can be cleared from gate closure at ${new Date(closure).toISOString()}`,
    );
  }
  if (await getMarketResult(ctx, name)) {
    throw new ConflictError(`interval ${name} is already cleared`);
  }
  const open = (await readIntervalOrders(ctx, name)).filter((o) => o.status === 'open');
  const outcome = runAuction(open);
  const trades = priceTrades(name, outcome, config);

  const now = txTimeIso(ctx);
  const reservedByOrder = new Map<string, number>();
  for (const trade of trades) {
    reservedByOrder.set(
      trade.buyOrderId,
      (reservedByOrder.get(trade.buyOrderId) ?? 0) + trade.amountCents + trade.gridFeeCents,
    );
  }
  const reservationChange = new Map<string, number>();
  for (const order of open) {
    const reservedCents = reservedByOrder.get(order.orderId) ?? 0;
    if (order.side === 'buy') {
      reservationChange.set(
        order.accountDid,
        (reservationChange.get(order.accountDid) ?? 0) + reservedCents - order.reservedCents,
      );
    }
    await putJson(ctx, keys.order(ctx, order.orderId), {
      ...order,
      status: 'cleared',
      filledWh: outcome.filledWh[order.orderId],
      reservedCents,
      updatedAt: now,
    } satisfies EnergyOrder);
  }
  for (const accountDid of [...reservationChange.keys()].sort()) {
    const change = reservationChange.get(accountDid)!;
    if (change === 0) continue;
    const account = await requireAccount(ctx, accountDid);
    await putJson(ctx, keys.account(ctx, accountDid), {
      ...account,
      reservedCents: account.reservedCents + change,
      updatedAt: now,
    });
  }
  for (const trade of trades) {
    await putJson(ctx, keys.trade(ctx, name, trade.seq), trade);
    await putIndex(ctx, keys.tradeByAccount(ctx, trade.buyerDid, name, trade.seq));
    await putIndex(ctx, keys.tradeByAccount(ctx, trade.sellerDid, name, trade.seq));
  }
  const result: MarketResult = {
    interval: name,
    status: 'cleared',
    clearingPriceCentsPerKwh: outcome.clearingPriceCentsPerKwh,
    volumeWh: outcome.volumeWh,
    tradeCount: trades.length,
    buyOrderCount: open.filter((o) => o.side === 'buy').length,
    sellOrderCount: open.filter((o) => o.side === 'sell').length,
    demandWh: outcome.demandWh,
    supplyWh: outcome.supplyWh,
    gridTariffCentsPerKwh: config.gridTariffCentsPerKwh,
    feedInTariffCentsPerKwh: config.feedInTariffCentsPerKwh,
    gridFeeCentsPerKwh: config.gridFeeCentsPerKwh,
    clearedAt: now,
  };
  await putJson(ctx, keys.result(ctx, name), result);
  emitEvent(ctx, 'MarketCleared', {
    interval: name,
    clearingPriceCentsPerKwh: result.clearingPriceCentsPerKwh,
    volumeWh: result.volumeWh,
    tradeCount: result.tradeCount,
    buyOrderCount: result.buyOrderCount,
    sellOrderCount: result.sellOrderCount,
    demandWh: result.demandWh,
    supplyWh: result.supplyWh,
    clearedAt: now,
  });
  return result;
}

/**
 * Recomputes the auction from the orders on the ledger and compares it with the published result and
 * trades. Before clearing it shows the indicative result of the open orders.
 */
export async function recomputeClearing(ctx: Context, interval: string): Promise<ClearingCheck> {
  const config = await requireMarketConfig(ctx);
  const { interval: name } = parseIntervalStart('interval', interval, config);
  const published = await getMarketResult(ctx, name);
  const orders = await readIntervalOrders(ctx, name);
  const considered = orders.filter((o) => o.status === (published ? 'cleared' : 'open'));
  const outcome = runAuction(considered);
  const tariffs = published ?? config;
  const recomputed = priceTrades(name, outcome, tariffs);
  const differences: string[] = [];
  if (!published) {
    differences.push('not cleared yet: this is the indicative result of the open orders');
  } else {
    if (published.clearingPriceCentsPerKwh !== outcome.clearingPriceCentsPerKwh) {
      differences.push(
        `clearing price: published ${published.clearingPriceCentsPerKwh}, recomputed ${outcome.clearingPriceCentsPerKwh}`,
      );
    }
    if (published.volumeWh !== outcome.volumeWh) {
      differences.push(`volume: published ${published.volumeWh}, recomputed ${outcome.volumeWh}`);
    }
    const stored = await readIntervalTrades(ctx, name);
    if (stored.length !== recomputed.length) {
      differences.push(`trades: published ${stored.length}, recomputed ${recomputed.length}`);
    }
    recomputed.forEach((trade, i) => {
      const other = stored[i];
      if (!other || JSON.stringify(tradeTerms(other)) !== JSON.stringify(tradeTerms(trade))) {
        differences.push(`trade ${trade.tradeId} differs`);
      }
    });
  }
  return {
    interval: name,
    matches: differences.length === 0,
    clearingPriceCentsPerKwh: outcome.clearingPriceCentsPerKwh,
    volumeWh: outcome.volumeWh,
    tradeCount: recomputed.length,
    differences,
  };
}

export async function readIntervalOrders(ctx: Context, interval: string): Promise<EnergyOrder[]> {
  const entries = await queryAll(ctx, KEY.orderByInterval, [interval], MAX_ORDERS_PER_INTERVAL);
  const orders: EnergyOrder[] = [];
  for (const entry of entries) {
    const order = await getJson<EnergyOrder>(ctx, keys.order(ctx, entry.attributes[1]));
    if (order) orders.push(order);
  }
  return orders;
}

export async function readIntervalTrades(ctx: Context, interval: string): Promise<EnergyTrade[]> {
  const entries = await queryAll(ctx, KEY.trade, [interval], MAX_ORDERS_PER_INTERVAL * 2);
  return entries.map((e) => JSON.parse(Buffer.from(e.value).toString('utf8')) as EnergyTrade);
}

function runAuction(orders: readonly EnergyOrder[]): AuctionOutcome {
  const asAuctionOrder = (o: EnergyOrder): AuctionOrder => ({
    orderId: o.orderId,
    accountDid: o.accountDid,
    quantityWh: o.quantityWh,
    limitPriceCentsPerKwh: o.limitPriceCentsPerKwh,
    placedAt: o.placedAt,
  });
  return clearUniformPriceAuction(
    orders.filter((o) => o.side === 'buy').map(asAuctionOrder),
    orders.filter((o) => o.side === 'sell').map(asAuctionOrder),
  );
}

function priceTrades(
  interval: string,
  outcome: AuctionOutcome,
  tariffs: Pick<EnergyMarketConfig, 'gridFeeCentsPerKwh'>,
): EnergyTrade[] {
  return outcome.matches.map((match, i) => ({
    tradeId: tradeIdOf(interval, i + 1),
    interval,
    seq: i + 1,
    ...match,
    priceCentsPerKwh: outcome.clearingPriceCentsPerKwh,
    amountCents: centsForEnergy(match.quantityWh, outcome.clearingPriceCentsPerKwh),
    gridFeeCents: centsForEnergy(match.quantityWh, tariffs.gridFeeCentsPerKwh),
  }));
}

function tradeTerms(t: EnergyTrade): unknown[] {
  return [
    t.tradeId,
    t.buyOrderId,
    t.sellOrderId,
    t.buyerDid,
    t.sellerDid,
    t.quantityWh,
    t.priceCentsPerKwh,
    t.amountCents,
    t.gridFeeCents,
  ];
}
