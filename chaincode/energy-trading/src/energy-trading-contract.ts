import {
  NotFoundError,
  pageOfRecords,
  pageViaIndex,
  parseId,
  parsePositiveInteger,
  requireJson,
} from '@cityledger/chaincode-common';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { configureMarket, linkMeter, openAccount, transferFunds } from './accounts';
import { clearInterval, recomputeClearing } from './interval-clearing';
import { settleInterval } from './interval-settlement';
import { KEY, keys } from './keys';
import {
  didArgument,
  intervalArgument,
  recordHistory,
  requireTrade,
  tradeKeyOfIndex,
} from './market-queries';
import { getMarketResult, requireAccount, requireMarketConfig, requireOrder } from './market-state';
import { submitMeterReadings } from './meter-readings-intake';
import { cancelOrder, placeOrder } from './order-entry';
import {
  ClearingCheck,
  EnergyMarketConfig,
  EnergyOrder,
  EnergyOrderPage,
  EnergyRecordHistoryEntry,
  EnergyTrade,
  EnergyTradePage,
  FundsTransfer,
  FundsTransferPage,
  IntervalReconciliation,
  MarketReconciliation,
  MarketResult,
  MarketResultPage,
  MeterLink,
  MeterLinkPage,
  MeterReading,
  MeterReadingBatchResult,
  MeterReadingPage,
  ProsumerAccount,
  SettlementStatement,
  SettlementStatementPage,
} from './records';
import { reconcileInterval, reconcileMarket } from './reconciliation';

/**
 * The peer-to-peer energy market of channel `energy`. Each transaction delegates to the module of its
 * capability; who may call what is in policy.ts and docs/contracts/energy-trading.md.
 */
@Info({
  title: 'CityLedger energy trading',
  description:
    'Prosumer accounts, signed smart-meter readings, orders per delivery interval, uniform-price clearing, settlement against the meters',
})
export class EnergyTradingContract extends Contract {
  constructor() {
    super('energy-trading');
  }

  // ---------------------------------------------------------------- market and accounts

  /** Sets the interval grid, gate closure, settlement delay, tariffs and grid fee (JSON object). */
  @Transaction()
  @Returns('EnergyMarketConfig')
  async ConfigureMarket(ctx: Context, configJson: string): Promise<EnergyMarketConfig> {
    return configureMarket(ctx, configJson);
  }

  @Transaction(false)
  @Returns('EnergyMarketConfig')
  async GetMarketConfig(ctx: Context): Promise<EnergyMarketConfig> {
    return requireMarketConfig(ctx);
  }

  /** Opens the account of a DID holding a `prosumer` credential, traded by the named X.509 user. */
  @Transaction()
  @Returns('ProsumerAccount')
  async OpenAccount(
    ctx: Context,
    accountDid: string,
    holderMspId: string,
    holderId: string,
  ): Promise<ProsumerAccount> {
    return openAccount(ctx, accountDid, holderMspId, holderId);
  }

  @Transaction(false)
  @Returns('ProsumerAccount')
  async GetAccount(ctx: Context, accountDid: string): Promise<ProsumerAccount> {
    return requireAccount(ctx, didArgument('accountDid', accountDid));
  }

  /** Links a registered smart meter owned by the account's DID. */
  @Transaction()
  @Returns('MeterLink')
  async LinkMeter(ctx: Context, accountDid: string, meterDid: string): Promise<MeterLink> {
    return linkMeter(ctx, accountDid, meterDid);
  }

  @Transaction(false)
  @Returns('MeterLink')
  async GetMeter(ctx: Context, meterDid: string): Promise<MeterLink> {
    const did = didArgument('meterDid', meterDid);
    return requireJson<MeterLink>(ctx, keys.meter(ctx, did), `meter link of ${did}`);
  }

  @Transaction(false)
  @Returns('MeterLinkPage')
  async ListAccountMeters(
    ctx: Context,
    accountDid: string,
    pageSize: string,
    bookmark: string,
  ): Promise<MeterLinkPage> {
    const did = didArgument('accountDid', accountDid);
    return pageViaIndex(ctx, KEY.meterByAccount, [did], pageSize, bookmark, (a) => keys.meter(ctx, a[1]));
  }

  /** Credits an account from the fiat bridge; `transferId` makes a retry fail instead of paying twice. */
  @Transaction()
  @Returns('FundsTransfer')
  async Deposit(
    ctx: Context,
    accountDid: string,
    transferId: string,
    amountCents: string,
    reference: string,
  ): Promise<FundsTransfer> {
    return transferFunds(ctx, 'deposit', accountDid, transferId, amountCents, reference);
  }

  /** Pays out through the fiat bridge, at most the available (unreserved) balance. */
  @Transaction()
  @Returns('FundsTransfer')
  async Withdraw(
    ctx: Context,
    accountDid: string,
    transferId: string,
    amountCents: string,
    reference: string,
  ): Promise<FundsTransfer> {
    return transferFunds(ctx, 'withdrawal', accountDid, transferId, amountCents, reference);
  }

  @Transaction(false)
  @Returns('FundsTransferPage')
  async ListAccountTransfers(
    ctx: Context,
    accountDid: string,
    pageSize: string,
    bookmark: string,
  ): Promise<FundsTransferPage> {
    return pageOfRecords(ctx, KEY.transfer, [didArgument('accountDid', accountDid)], pageSize, bookmark);
  }

  // ---------------------------------------------------------------- meter readings

  /**
   * Accepts a JSON array of signed device readings `{deviceId, seq, timestamp, metric, value, unit?,
   * signature}`, each reporting one register of a smart meter: metric `import_wh` or `export_wh`.
   */
  @Transaction()
  @Returns('MeterReadingBatchResult')
  async SubmitMeterReadings(ctx: Context, readingsJson: string): Promise<MeterReadingBatchResult> {
    return submitMeterReadings(ctx, readingsJson);
  }

  @Transaction(false)
  @Returns('MeterReading')
  async GetMeterReading(ctx: Context, meterDid: string, seq: string): Promise<MeterReading> {
    const did = didArgument('meterDid', meterDid);
    const n = parsePositiveInteger('seq', seq);
    return requireJson<MeterReading>(ctx, keys.reading(ctx, did, n), `reading ${n} of ${did}`);
  }

  @Transaction(false)
  @Returns('MeterReadingPage')
  async ListMeterReadings(
    ctx: Context,
    meterDid: string,
    pageSize: string,
    bookmark: string,
  ): Promise<MeterReadingPage> {
    return pageOfRecords(ctx, KEY.reading, [didArgument('meterDid', meterDid)], pageSize, bookmark);
  }

  // ---------------------------------------------------------------- orders

  /** A buy bid; reserves quantity × limit price + grid fee from the available balance. */
  @Transaction()
  @Returns('EnergyOrder')
  async PlaceBuyBid(
    ctx: Context,
    orderId: string,
    accountDid: string,
    interval: string,
    quantityWh: string,
    limitPriceCentsPerKwh: string,
  ): Promise<EnergyOrder> {
    return placeOrder(ctx, 'buy', orderId, accountDid, interval, quantityWh, limitPriceCentsPerKwh);
  }

  /** A sell offer of energy the account's meters will export during the interval. */
  @Transaction()
  @Returns('EnergyOrder')
  async PlaceSellOffer(
    ctx: Context,
    orderId: string,
    accountDid: string,
    interval: string,
    quantityWh: string,
    limitPriceCentsPerKwh: string,
  ): Promise<EnergyOrder> {
    return placeOrder(ctx, 'sell', orderId, accountDid, interval, quantityWh, limitPriceCentsPerKwh);
  }

  @Transaction()
  @Returns('EnergyOrder')
  async CancelOrder(ctx: Context, orderId: string): Promise<EnergyOrder> {
    return cancelOrder(ctx, orderId);
  }

  @Transaction(false)
  @Returns('EnergyOrder')
  async GetOrder(ctx: Context, orderId: string): Promise<EnergyOrder> {
    return requireOrder(ctx, parseId('orderId', orderId));
  }

  /** All orders of an interval (any status), in order id order. */
  @Transaction(false)
  @Returns('EnergyOrderPage')
  async GetOrderBook(
    ctx: Context,
    interval: string,
    pageSize: string,
    bookmark: string,
  ): Promise<EnergyOrderPage> {
    const name = await intervalArgument(ctx, interval);
    return pageViaIndex(ctx, KEY.orderByInterval, [name], pageSize, bookmark, (a) => keys.order(ctx, a[1]));
  }

  @Transaction(false)
  @Returns('EnergyOrderPage')
  async ListAccountOrders(
    ctx: Context,
    accountDid: string,
    pageSize: string,
    bookmark: string,
  ): Promise<EnergyOrderPage> {
    const did = didArgument('accountDid', accountDid);
    return pageViaIndex(ctx, KEY.orderByAccount, [did], pageSize, bookmark, (a) => keys.order(ctx, a[2]));
  }

  // ---------------------------------------------------------------- clearing

  /** Runs the uniform-price auction of an interval after its gate closure; publishes price and volume. */
  @Transaction()
  @Returns('MarketResult')
  async ClearInterval(ctx: Context, interval: string): Promise<MarketResult> {
    return clearInterval(ctx, interval);
  }

  @Transaction(false)
  @Returns('MarketResult')
  async GetMarketResult(ctx: Context, interval: string): Promise<MarketResult> {
    const name = await intervalArgument(ctx, interval);
    const result = await getMarketResult(ctx, name);
    if (!result) {
      throw new NotFoundError(`interval ${name} has no market result`);
    }
    return result;
  }

  @Transaction(false)
  @Returns('MarketResultPage')
  async ListMarketResults(ctx: Context, pageSize: string, bookmark: string): Promise<MarketResultPage> {
    return pageOfRecords(ctx, KEY.result, [], pageSize, bookmark);
  }

  /** Recomputes the auction from the orders on the ledger and compares it with the published result. */
  @Transaction(false)
  @Returns('ClearingCheck')
  async RecomputeClearing(ctx: Context, interval: string): Promise<ClearingCheck> {
    return recomputeClearing(ctx, interval);
  }

  @Transaction(false)
  @Returns('EnergyTrade')
  async GetTrade(ctx: Context, interval: string, seq: string): Promise<EnergyTrade> {
    const name = await intervalArgument(ctx, interval);
    return requireTrade(ctx, name, parsePositiveInteger('seq', seq));
  }

  @Transaction(false)
  @Returns('EnergyTradePage')
  async ListIntervalTrades(
    ctx: Context,
    interval: string,
    pageSize: string,
    bookmark: string,
  ): Promise<EnergyTradePage> {
    const name = await intervalArgument(ctx, interval);
    return pageOfRecords(ctx, KEY.trade, [name], pageSize, bookmark);
  }

  @Transaction(false)
  @Returns('EnergyTradePage')
  async ListAccountTrades(
    ctx: Context,
    accountDid: string,
    pageSize: string,
    bookmark: string,
  ): Promise<EnergyTradePage> {
    const did = didArgument('accountDid', accountDid);
    return pageViaIndex(ctx, KEY.tradeByAccount, [did], pageSize, bookmark, (a) => tradeKeyOfIndex(ctx, a));
  }

  // ---------------------------------------------------------------- settlement

  /** Settles a cleared interval against the meter readings, once the settlement delay has passed. */
  @Transaction()
  @Returns('MarketResult')
  async SettleInterval(ctx: Context, interval: string): Promise<MarketResult> {
    return settleInterval(ctx, interval);
  }

  @Transaction(false)
  @Returns('SettlementStatement')
  async GetSettlementStatement(
    ctx: Context,
    interval: string,
    accountDid: string,
  ): Promise<SettlementStatement> {
    const name = await intervalArgument(ctx, interval);
    const did = didArgument('accountDid', accountDid);
    return requireJson<SettlementStatement>(
      ctx,
      keys.statement(ctx, name, did),
      `statement of ${did} for ${name}`,
    );
  }

  @Transaction(false)
  @Returns('SettlementStatementPage')
  async ListAccountStatements(
    ctx: Context,
    accountDid: string,
    pageSize: string,
    bookmark: string,
  ): Promise<SettlementStatementPage> {
    const did = didArgument('accountDid', accountDid);
    return pageViaIndex(ctx, KEY.statementByAccount, [did], pageSize, bookmark, (a) =>
      keys.statement(ctx, a[1], a[0]),
    );
  }

  /** Proves an interval: trades, statements, energy and money add up. */
  @Transaction(false)
  @Returns('IntervalReconciliation')
  async ReconcileInterval(ctx: Context, interval: string): Promise<IntervalReconciliation> {
    return reconcileInterval(ctx, interval);
  }

  /** Proves the whole market: balances = deposits − withdrawals − grid takings; reservations = orders. */
  @Transaction(false)
  @Returns('MarketReconciliation')
  async ReconcileMarket(ctx: Context): Promise<MarketReconciliation> {
    return reconcileMarket(ctx);
  }

  /**
   * Every version of a record. recordType and ids: config; account|meter (DID); transfer (DID,
   * transferId); reading (meter DID, seq); order (orderId); trade (interval, seq); result (interval);
   * statement (interval, account DID). Unused ids are ''.
   */
  @Transaction(false)
  @Returns('EnergyRecordHistoryEntry[]')
  async GetRecordHistory(
    ctx: Context,
    recordType: string,
    id: string,
    secondId: string,
  ): Promise<EnergyRecordHistoryEntry[]> {
    return recordHistory(ctx, recordType, id, secondId);
  }
}
