/**
 * Sell offers and buy bids for a delivery interval, and their cancellation before gate closure.
 *
 * Placing an order writes only the order, its two index entries and — for a bid, whose funds are
 * reserved — the bidder's own account. Nothing shared by all traders of an interval is written, so
 * any number of prosumers can place orders for the same interval at once without MVCC conflicts.
 */
import {
  ConflictError,
  emitEvent,
  InvalidArgumentError,
  keyExists,
  parseDid,
  parseId,
  parseInteger,
  parsePositiveInteger,
  putIndex,
  putJson,
  requireCaller,
  requireCredential,
  requireTxTimeNotBefore,
  txTimeIso,
  txTimeMillis,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { hasLinkedMeter } from './accounts';
import { bidReservationCents } from './energy-arithmetic';
import { keys } from './keys';
import {
  gateClosureMillis,
  latestOrderableStartMillis,
  MAX_DAYS_AHEAD,
  MAX_PRICE_CENTS_PER_KWH,
  parseIntervalStart,
  type MarketParameters,
} from './market-config';
import { getMarketResult, requireAccount, requireMarketConfig, requireOrder } from './market-state';
import { PROSUMER_CREDENTIAL, requireAccountHolder, TRADERS } from './policy';
import type { EnergyOrder, ProsumerAccount } from './records';

/** 1 GWh: far above any household, and keeps Wh × price a safe integer. */
export const MAX_ORDER_WH = 1_000_000_000;

export type OrderSide = 'buy' | 'sell';

export async function placeOrder(
  ctx: Context,
  side: OrderSide,
  orderId: string,
  accountDid: string,
  interval: string,
  quantityWh: string,
  limitPriceCentsPerKwh: string,
): Promise<EnergyOrder> {
  const caller = requireCaller(ctx, TRADERS, side === 'buy' ? 'place a buy bid' : 'place a sell offer');
  const id = parseId('orderId', orderId);
  const did = parseDid('accountDid', accountDid, { channel: ctx.stub.getChannelID() }).did;
  const quantity = parsePositiveInteger('quantityWh', quantityWh, { max: MAX_ORDER_WH });
  const limit = parseInteger('limitPriceCentsPerKwh', limitPriceCentsPerKwh, {
    min: 0,
    max: MAX_PRICE_CENTS_PER_KWH,
  });
  const config = await requireMarketConfig(ctx);
  const { interval: name, startMillis } = parseIntervalStart('interval', interval, config);
  requireTxTimeNotBefore(ctx, config.updatedAt, "the market configuration's last change");
  const nowMillis = txTimeMillis(ctx);
  if (startMillis > latestOrderableStartMillis(nowMillis)) {
    throw new InvalidArgumentError('interval', `must start within ${MAX_DAYS_AHEAD} days`);
  }
  requireGateOpen(name, startMillis, nowMillis, config);
  await requireNotCleared(ctx, name);

  const account = await requireAccount(ctx, did);
  requireAccountHolder(caller, account, `trade for ${did}`);
  if (await keyExists(ctx, keys.order(ctx, id))) {
    throw new ConflictError(`order ${id} already exists`);
  }
  await requireCredential(ctx, did, PROSUMER_CREDENTIAL);
  if (!(await hasLinkedMeter(ctx, did))) {
    throw new ConflictError(`account ${did} has no linked meter, so its delivery cannot be settled`);
  }
  const reservedCents = side === 'buy' ? bidReservationCents(quantity, limit, config.gridFeeCentsPerKwh) : 0;
  const available = account.balanceCents - account.reservedCents;
  if (reservedCents > available) {
    throw new ConflictError(
      `insufficient available balance: the bid needs ${reservedCents} cents reserved, ${did} has ${available} available`,
    );
  }

  const now = txTimeIso(ctx);
  const order: EnergyOrder = {
    orderId: id,
    interval: name,
    side,
    accountDid: did,
    quantityWh: quantity,
    limitPriceCentsPerKwh: limit,
    status: 'open',
    filledWh: 0,
    reservedCents,
    placedAt: now,
    updatedAt: now,
  };
  await putJson(ctx, keys.order(ctx, id), order);
  await putIndex(ctx, keys.orderByInterval(ctx, name, id));
  await putIndex(ctx, keys.orderByAccount(ctx, did, name, id));
  if (reservedCents > 0) {
    await putAccount(ctx, {
      ...account,
      reservedCents: account.reservedCents + reservedCents,
      updatedAt: now,
    });
  }
  emitEvent(ctx, 'OrderPlaced', { ...order });
  return order;
}

export async function cancelOrder(ctx: Context, orderId: string): Promise<EnergyOrder> {
  const caller = requireCaller(ctx, TRADERS, 'cancel an order');
  const id = parseId('orderId', orderId);
  const order = await requireOrder(ctx, id);
  const account = await requireAccount(ctx, order.accountDid);
  requireAccountHolder(caller, account, `cancel orders of ${order.accountDid}`);
  if (order.status !== 'open') {
    throw new ConflictError(`order ${id} is ${order.status}`);
  }
  requireTxTimeNotBefore(ctx, order.updatedAt, `the last change of order ${id}`);
  const config = await requireMarketConfig(ctx);
  requireGateOpen(order.interval, Date.parse(order.interval), txTimeMillis(ctx), config);
  await requireNotCleared(ctx, order.interval);

  const now = txTimeIso(ctx);
  const cancelled: EnergyOrder = { ...order, status: 'cancelled', reservedCents: 0, updatedAt: now };
  await putJson(ctx, keys.order(ctx, id), cancelled);
  if (order.reservedCents > 0) {
    await putAccount(ctx, {
      ...account,
      reservedCents: account.reservedCents - order.reservedCents,
      updatedAt: now,
    });
  }
  emitEvent(ctx, 'OrderCancelled', {
    orderId: id,
    interval: order.interval,
    side: order.side,
    accountDid: order.accountDid,
    releasedCents: order.reservedCents,
    cancelledAt: now,
  });
  return cancelled;
}

function requireGateOpen(
  interval: string,
  startMillis: number,
  nowMillis: number,
  config: MarketParameters,
): void {
  const closure = gateClosureMillis(startMillis, config);
  if (nowMillis >= closure) {
    throw new ConflictError(`the gate of interval ${interval} closed at ${new Date(closure).toISOString()}`);
  }
}

/**
 * The interval's clearing is its last recorded step before settlement: an order timestamped before
 * gate closure but arriving after the clearing was backdated, and would never be matched.
 */
async function requireNotCleared(ctx: Context, interval: string): Promise<void> {
  const result = await getMarketResult(ctx, interval);
  if (result) {
    throw new ConflictError(
      `interval ${interval} was cleared at ${result.clearedAt}; its orders can no longer change`,
    );
  }
}

function putAccount(ctx: Context, account: ProsumerAccount): Promise<void> {
  return putJson(ctx, keys.account(ctx, account.accountDid), account);
}
