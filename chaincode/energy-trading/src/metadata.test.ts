import { expect } from 'chai';
import { chaincodeMetadata } from '@cityledger/chaincode-common/testing';
import { contracts } from './index';

describe('energy-trading contract metadata', () => {
  it('builds through fabric-shim and describes every transaction with typed results', () => {
    const metadata = chaincodeMetadata(contracts);
    const contract = metadata.contracts['energy-trading'];
    const transactions = contract.transactions;
    const tagOf = (name: string) => transactions.find((t) => t.name === name)!.tag;
    const submits = [
      'ConfigureMarket',
      'OpenAccount',
      'LinkMeter',
      'Deposit',
      'Withdraw',
      'SubmitMeterReadings',
      'PlaceBuyBid',
      'PlaceSellOffer',
      'CancelOrder',
      'ClearInterval',
      'SettleInterval',
    ];
    const queries = [
      'GetMarketConfig',
      'GetAccount',
      'GetMeter',
      'ListAccountMeters',
      'ListAccountTransfers',
      'GetMeterReading',
      'ListMeterReadings',
      'GetOrder',
      'GetOrderBook',
      'ListAccountOrders',
      'GetMarketResult',
      'ListMarketResults',
      'RecomputeClearing',
      'GetTrade',
      'ListIntervalTrades',
      'ListAccountTrades',
      'GetSettlementStatement',
      'ListAccountStatements',
      'ReconcileInterval',
      'ReconcileMarket',
      'GetRecordHistory',
    ];
    expect(transactions.map((t) => t.name)).to.have.members([...submits, ...queries]);
    for (const name of submits) expect(tagOf(name), name).to.include('SUBMIT');
    for (const name of queries) expect(tagOf(name), name).to.deep.equal(['EVALUATE']);
    expect(transactions.every((t) => t.returns !== undefined)).to.equal(true);
    expect(metadata.components.schemas).to.include.keys(
      'EnergyMarketConfig',
      'ProsumerAccount',
      'MeterReading',
      'EnergyOrder',
      'EnergyTrade',
      'MarketResult',
      'SettlementStatement',
      'StatementTrade',
      'IntervalSettlementTotals',
      'MarketReconciliation',
    );
    expect(contract.info.title).to.equal('CityLedger energy trading');
  });
});
