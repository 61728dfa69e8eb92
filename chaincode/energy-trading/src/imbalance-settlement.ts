/**
 * Settlement of one delivery interval against the meters, pure so it can be recomputed and tested.
 *
 * Trades are financially firm: the buyer pays the seller the trade amount and the grid fee for the
 * whole traded quantity. Physics is settled per account as an imbalance:
 *
 *   contracted net export C = sold − bought          (from the trades)
 *   measured net export   N = export − import        (meter register deltas in the interval)
 *   imbalance             I = N − C
 *
 * I < 0 (shortfall: sold more than delivered, or consumed more than bought) — the grid supplied |I|,
 * the account pays |I| at the grid tariff. I > 0 (surplus) — the grid absorbed I and pays it at the
 * feed-in tariff. For the statement, what a seller actually delivered, min(sold, max(0, N + bought)),
 * is allocated to its sell trades in trade order; the rest of each trade came from the grid.
 *
 * Conservation (checked by tests and by the reconciliation queries):
 *   Σ sold = Σ bought;  Σ N + Σ shortfall − Σ surplus = 0;
 *   Σ account net cents + grid net cents = 0, grid net = fees + shortfall charges − surplus credits.
 */
import { centsForEnergy } from './energy-arithmetic';

export interface SettlementTradeInput {
  tradeId: string;
  buyerDid: string;
  sellerDid: string;
  quantityWh: number;
  priceCentsPerKwh: number;
  amountCents: number;
  gridFeeCents: number;
}

export interface MeteredEnergy {
  importWh: number;
  exportWh: number;
  meterCount: number;
  readingCount: number;
}

export interface ImbalanceTariffs {
  gridTariffCentsPerKwh: number;
  feedInTariffCentsPerKwh: number;
}

export interface TradeDelivery {
  tradeId: string;
  side: 'buy' | 'sell';
  counterpartyDid: string;
  quantityWh: number;
  /** Wh the seller delivered on this trade (the rest came from the grid). */
  deliveredWh: number;
  priceCentsPerKwh: number;
  amountCents: number;
  gridFeeCents: number;
}

export interface AccountSettlement {
  accountDid: string;
  soldWh: number;
  boughtWh: number;
  importWh: number;
  exportWh: number;
  meterCount: number;
  readingCount: number;
  contractedNetExportWh: number;
  measuredNetExportWh: number;
  imbalanceWh: number;
  shortfallWh: number;
  surplusWh: number;
  deliveredWh: number;
  tradeCreditsCents: number;
  tradeDebitsCents: number;
  gridFeeCents: number;
  shortfallCents: number;
  surplusCents: number;
  /** What the account's balance changes by. */
  netCents: number;
  trades: TradeDelivery[];
}

export interface IntervalSettlementTotals {
  participantCount: number;
  tradedWh: number;
  deliveredWh: number;
  shortfallWh: number;
  surplusWh: number;
  measuredNetExportWh: number;
  tradePaymentsCents: number;
  gridFeeCents: number;
  shortfallCents: number;
  surplusCents: number;
  /** What the grid operator gains (may be negative): fees + shortfall charges − surplus credits. */
  gridNetCents: number;
}

const NO_ENERGY: MeteredEnergy = { importWh: 0, exportWh: 0, meterCount: 0, readingCount: 0 };

export function settleIntervalTrades(
  trades: readonly SettlementTradeInput[],
  metered: ReadonlyMap<string, MeteredEnergy>,
  tariffs: ImbalanceTariffs,
): { accounts: AccountSettlement[]; totals: IntervalSettlementTotals } {
  const participants = [...new Set(trades.flatMap((t) => [t.buyerDid, t.sellerDid]))].sort();
  const accounts = new Map<string, AccountSettlement>();
  for (const accountDid of participants) {
    const energy = metered.get(accountDid) ?? NO_ENERGY;
    const sells = trades.filter((t) => t.sellerDid === accountDid);
    const buys = trades.filter((t) => t.buyerDid === accountDid);
    const soldWh = sum(sells.map((t) => t.quantityWh));
    const boughtWh = sum(buys.map((t) => t.quantityWh));
    const contracted = soldWh - boughtWh;
    const measured = energy.exportWh - energy.importWh;
    const imbalance = measured - contracted;
    const shortfallWh = Math.max(0, -imbalance);
    const surplusWh = Math.max(0, imbalance);
    const account: AccountSettlement = {
      accountDid,
      soldWh,
      boughtWh,
      importWh: energy.importWh,
      exportWh: energy.exportWh,
      meterCount: energy.meterCount,
      readingCount: energy.readingCount,
      contractedNetExportWh: contracted,
      measuredNetExportWh: measured,
      imbalanceWh: imbalance,
      shortfallWh,
      surplusWh,
      deliveredWh: Math.min(soldWh, Math.max(0, measured + boughtWh)),
      tradeCreditsCents: sum(sells.map((t) => t.amountCents)),
      tradeDebitsCents: sum(buys.map((t) => t.amountCents)),
      gridFeeCents: sum(buys.map((t) => t.gridFeeCents)),
      shortfallCents: centsForEnergy(shortfallWh, tariffs.gridTariffCentsPerKwh),
      surplusCents: centsForEnergy(surplusWh, tariffs.feedInTariffCentsPerKwh),
      netCents: 0,
      trades: [],
    };
    account.netCents =
      account.tradeCreditsCents -
      account.tradeDebitsCents -
      account.gridFeeCents -
      account.shortfallCents +
      account.surplusCents;
    accounts.set(accountDid, account);
  }

  // Allocate each seller's delivered energy to its sell trades in trade order.
  const deliverable = new Map(participants.map((did) => [did, accounts.get(did)!.deliveredWh]));
  for (const trade of trades) {
    const left = deliverable.get(trade.sellerDid)!;
    const deliveredWh = Math.min(left, trade.quantityWh);
    deliverable.set(trade.sellerDid, left - deliveredWh);
    const common = {
      tradeId: trade.tradeId,
      quantityWh: trade.quantityWh,
      deliveredWh,
      priceCentsPerKwh: trade.priceCentsPerKwh,
      amountCents: trade.amountCents,
      gridFeeCents: trade.gridFeeCents,
    };
    accounts.get(trade.sellerDid)!.trades.push({ ...common, side: 'sell', counterpartyDid: trade.buyerDid });
    accounts.get(trade.buyerDid)!.trades.push({ ...common, side: 'buy', counterpartyDid: trade.sellerDid });
  }

  const list = participants.map((did) => accounts.get(did)!);
  const gridFeeCents = sum(list.map((a) => a.gridFeeCents));
  const shortfallCents = sum(list.map((a) => a.shortfallCents));
  const surplusCents = sum(list.map((a) => a.surplusCents));
  return {
    accounts: list,
    totals: {
      participantCount: list.length,
      tradedWh: sum(trades.map((t) => t.quantityWh)),
      deliveredWh: sum(list.map((a) => a.deliveredWh)),
      shortfallWh: sum(list.map((a) => a.shortfallWh)),
      surplusWh: sum(list.map((a) => a.surplusWh)),
      measuredNetExportWh: sum(list.map((a) => a.measuredNetExportWh)),
      tradePaymentsCents: sum(trades.map((t) => t.amountCents)),
      gridFeeCents,
      shortfallCents,
      surplusCents,
      gridNetCents: gridFeeCents + shortfallCents - surplusCents,
    },
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}
