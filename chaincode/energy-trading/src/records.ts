/**
 * Ledger records and results of the energy-trading contract. The `@Object` classes make the contract
 * metadata describe the API; their names are global in a chaincode process, hence the specific names.
 * Energy is in Wh, money in energy-credit cents, prices in cents per kWh — integers throughout.
 */
import { Object as DataType, Property } from 'fabric-contract-api';

@DataType()
export class EnergyMarketConfig {
  @Property() intervalMinutes: number = 0;
  @Property() gateClosureMinutes: number = 0;
  @Property() settlementDelayMinutes: number = 0;
  @Property() gridTariffCentsPerKwh: number = 0;
  @Property() feedInTariffCentsPerKwh: number = 0;
  @Property() gridFeeCentsPerKwh: number = 0;
  @Property() updatedAt: string = '';
}

@DataType()
export class ProsumerAccount {
  @Property() accountDid: string = '';
  /** MSP and X.509 identity (`x509::<subject>::<issuer>`) of the user who trades for this account. */
  @Property() holderMspId: string = '';
  @Property() holderId: string = '';
  @Property() credentialId: string = '';
  /** Everything the account owns, reserved part included; negative when settlement left a debt. */
  @Property() balanceCents: number = 0;
  /** Locked for open bids and for cleared bids until settlement. */
  @Property() reservedCents: number = 0;
  @Property() depositedCents: number = 0;
  @Property() withdrawnCents: number = 0;
  @Property() openedAt: string = '';
  @Property() updatedAt: string = '';
}

@DataType()
export class MeterLink {
  @Property() meterDid: string = '';
  @Property() accountDid: string = '';
  @Property() linkedAt: string = '';
}

@DataType()
export class FundsTransfer {
  @Property() accountDid: string = '';
  /** The fiat bridge's reference; unique per account, so a retried deposit is refused, not doubled. */
  @Property() transferId: string = '';
  /** deposit or withdrawal. */
  @Property() kind: string = '';
  @Property() amountCents: number = 0;
  @Property() reference: string = '';
  @Property() balanceAfterCents: number = 0;
  @Property() at: string = '';
}

/**
 * One accepted device reading of a smart meter. `metric`, `value` and `unit` are what the meter
 * signed; `importWh`/`exportWh` are both registers as of this reading, the one not reported carried
 * forward from seq − 1, absent until the meter's first reading of that register (its baseline).
 */
@DataType()
export class MeterReading {
  @Property() meterDid: string = '';
  @Property() seq: number = 0;
  @Property() timestamp: string = '';
  /** import_wh or export_wh. */
  @Property() metric: string = '';
  /** The reported register in Wh. */
  @Property() value: number = 0;
  /** As sent (only ever Wh), absent when the meter sent none. */
  @Property() unit?: string;
  @Property() importWh?: number;
  @Property() exportWh?: number;
  /** Register movement since seq − 1: 0 for the register not reported and at a register's baseline. */
  @Property() importDeltaWh: number = 0;
  @Property() exportDeltaWh: number = 0;
  /** The delivery interval the deltas count in (start < timestamp <= end). */
  @Property() interval: string = '';
  @Property() signature: string = '';
  @Property() keyId: string = '';
  @Property() acceptedAt: string = '';
  @Property() txId: string = '';
}

@DataType()
export class MeterSeqRange {
  @Property() meterDid: string = '';
  @Property() fromSeq: number = 0;
  @Property() toSeq: number = 0;
  @Property() count: number = 0;
}

@DataType()
export class MeterReadingBatchResult {
  @Property() accepted: number = 0;
  /** Readings already on the ledger with the same signature (a retried batch), skipped. */
  @Property() duplicates: number = 0;
  @Property('meters', 'MeterSeqRange[]') meters: MeterSeqRange[] = [];
}

@DataType()
export class EnergyOrder {
  @Property() orderId: string = '';
  @Property() interval: string = '';
  /** buy or sell. */
  @Property() side: string = '';
  @Property() accountDid: string = '';
  @Property() quantityWh: number = 0;
  @Property() limitPriceCentsPerKwh: number = 0;
  /** open, cancelled or cleared. */
  @Property() status: string = '';
  @Property() filledWh: number = 0;
  /** Funds this bid holds in its account's reservedCents. */
  @Property() reservedCents: number = 0;
  @Property() placedAt: string = '';
  @Property() updatedAt: string = '';
}

@DataType()
export class EnergyTrade {
  @Property() tradeId: string = '';
  @Property() interval: string = '';
  @Property() seq: number = 0;
  @Property() buyOrderId: string = '';
  @Property() sellOrderId: string = '';
  @Property() buyerDid: string = '';
  @Property() sellerDid: string = '';
  @Property() quantityWh: number = 0;
  @Property() priceCentsPerKwh: number = 0;
  @Property() amountCents: number = 0;
  @Property() gridFeeCents: number = 0;
}

@DataType()
export class IntervalSettlementTotals {
  @Property() participantCount: number = 0;
  @Property() tradedWh: number = 0;
  @Property() deliveredWh: number = 0;
  @Property() shortfallWh: number = 0;
  @Property() surplusWh: number = 0;
  @Property() measuredNetExportWh: number = 0;
  @Property() tradePaymentsCents: number = 0;
  @Property() gridFeeCents: number = 0;
  @Property() shortfallCents: number = 0;
  @Property() surplusCents: number = 0;
  @Property() gridNetCents: number = 0;
}

@DataType()
export class MarketResult {
  @Property() interval: string = '';
  /** cleared or settled. */
  @Property() status: string = '';
  @Property() clearingPriceCentsPerKwh: number = 0;
  @Property() volumeWh: number = 0;
  @Property() tradeCount: number = 0;
  @Property() buyOrderCount: number = 0;
  @Property() sellOrderCount: number = 0;
  @Property() demandWh: number = 0;
  @Property() supplyWh: number = 0;
  /** Tariffs and fee in force at clearing; settlement uses these. */
  @Property() gridTariffCentsPerKwh: number = 0;
  @Property() feedInTariffCentsPerKwh: number = 0;
  @Property() gridFeeCentsPerKwh: number = 0;
  @Property() clearedAt: string = '';
  @Property() settledAt?: string;
  @Property('settlement', 'IntervalSettlementTotals') settlement?: IntervalSettlementTotals;
}

@DataType()
export class StatementTrade {
  @Property() tradeId: string = '';
  /** buy or sell, from the statement's account. */
  @Property() side: string = '';
  @Property() counterpartyDid: string = '';
  @Property() quantityWh: number = 0;
  @Property() deliveredWh: number = 0;
  @Property() priceCentsPerKwh: number = 0;
  @Property() amountCents: number = 0;
  @Property() gridFeeCents: number = 0;
}

@DataType()
export class SettlementStatement {
  @Property() interval: string = '';
  @Property() accountDid: string = '';
  @Property() soldWh: number = 0;
  @Property() boughtWh: number = 0;
  @Property() importWh: number = 0;
  @Property() exportWh: number = 0;
  @Property() meterCount: number = 0;
  @Property() readingCount: number = 0;
  @Property() contractedNetExportWh: number = 0;
  @Property() measuredNetExportWh: number = 0;
  @Property() imbalanceWh: number = 0;
  @Property() shortfallWh: number = 0;
  @Property() surplusWh: number = 0;
  @Property() deliveredWh: number = 0;
  @Property() tradeCreditsCents: number = 0;
  @Property() tradeDebitsCents: number = 0;
  @Property() gridFeeCents: number = 0;
  @Property() shortfallCents: number = 0;
  @Property() surplusCents: number = 0;
  @Property() netCents: number = 0;
  @Property() releasedReservationCents: number = 0;
  @Property() balanceAfterCents: number = 0;
  @Property('trades', 'StatementTrade[]') trades: StatementTrade[] = [];
  @Property() settledAt: string = '';
}

@DataType()
export class ClearingCheck {
  @Property() interval: string = '';
  /** Whether the published result and trades equal what the orders on the ledger clear to. */
  @Property() matches: boolean = false;
  @Property() clearingPriceCentsPerKwh: number = 0;
  @Property() volumeWh: number = 0;
  @Property() tradeCount: number = 0;
  @Property('differences', 'string[]') differences: string[] = [];
}

@DataType()
export class IntervalReconciliation {
  @Property() interval: string = '';
  @Property() balanced: boolean = false;
  @Property() soldWh: number = 0;
  @Property() boughtWh: number = 0;
  @Property() volumeWh: number = 0;
  @Property() measuredNetExportWh: number = 0;
  @Property() shortfallWh: number = 0;
  @Property() surplusWh: number = 0;
  @Property() accountsNetCents: number = 0;
  @Property() gridNetCents: number = 0;
  @Property('problems', 'string[]') problems: string[] = [];
}

@DataType()
export class MarketReconciliation {
  @Property() balanced: boolean = false;
  @Property() accountCount: number = 0;
  @Property() totalBalanceCents: number = 0;
  @Property() totalReservedCents: number = 0;
  @Property() totalDepositedCents: number = 0;
  @Property() totalWithdrawnCents: number = 0;
  /** What the grid operator gained over all settled intervals. */
  @Property() gridNetCents: number = 0;
  @Property() settledIntervalCount: number = 0;
  /** Sum of reservedCents over all orders; must equal totalReservedCents. */
  @Property() orderReservationsCents: number = 0;
  @Property('problems', 'string[]') problems: string[] = [];
}

@DataType()
export class EnergyRecordHistoryEntry {
  @Property() txId: string = '';
  @Property() timestamp: string = '';
  @Property() isDelete: boolean = false;
  /** The record version as canonical JSON ('' for a delete). */
  @Property() valueJson: string = '';
}

@DataType()
export class EnergyOrderPage {
  @Property('records', 'EnergyOrder[]') records: EnergyOrder[] = [];
  @Property() bookmark: string = '';
  @Property() fetchedRecordsCount: number = 0;
}

@DataType()
export class EnergyTradePage {
  @Property('records', 'EnergyTrade[]') records: EnergyTrade[] = [];
  @Property() bookmark: string = '';
  @Property() fetchedRecordsCount: number = 0;
}

@DataType()
export class SettlementStatementPage {
  @Property('records', 'SettlementStatement[]') records: SettlementStatement[] = [];
  @Property() bookmark: string = '';
  @Property() fetchedRecordsCount: number = 0;
}

@DataType()
export class MeterReadingPage {
  @Property('records', 'MeterReading[]') records: MeterReading[] = [];
  @Property() bookmark: string = '';
  @Property() fetchedRecordsCount: number = 0;
}

@DataType()
export class MarketResultPage {
  @Property('records', 'MarketResult[]') records: MarketResult[] = [];
  @Property() bookmark: string = '';
  @Property() fetchedRecordsCount: number = 0;
}

@DataType()
export class FundsTransferPage {
  @Property('records', 'FundsTransfer[]') records: FundsTransfer[] = [];
  @Property() bookmark: string = '';
  @Property() fetchedRecordsCount: number = 0;
}

@DataType()
export class MeterLinkPage {
  @Property('records', 'MeterLink[]') records: MeterLink[] = [];
  @Property() bookmark: string = '';
  @Property() fetchedRecordsCount: number = 0;
}
