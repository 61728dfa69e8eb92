import { EnergyTradingContract } from './energy-trading-contract';

export { EnergyTradingContract } from './energy-trading-contract';
export * from './records';
export { clearUniformPriceAuction } from './uniform-price-auction';
export { settleIntervalTrades } from './imbalance-settlement';

/** Loaded by `fabric-chaincode-node start` and by the embedded network. */
export const contracts = [EnergyTradingContract];
