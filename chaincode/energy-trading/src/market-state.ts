/**
 * Reading the market's records from the world state, with the errors a missing record deserves.
 */
import { ConflictError, getJson, requireJson } from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { keys } from './keys';
import type { MarketParameters } from './market-config';
import type { EnergyMarketConfig, EnergyOrder, MarketResult, ProsumerAccount } from './records';

export async function requireMarketConfig(ctx: Context): Promise<EnergyMarketConfig & MarketParameters> {
  const config = await getJson<EnergyMarketConfig>(ctx, keys.config(ctx));
  if (!config) {
    throw new ConflictError('the market is not configured yet (ConfigureMarket)');
  }
  return config;
}

export function requireAccount(ctx: Context, accountDid: string): Promise<ProsumerAccount> {
  return requireJson<ProsumerAccount>(ctx, keys.account(ctx, accountDid), `account ${accountDid}`);
}

export function requireOrder(ctx: Context, orderId: string): Promise<EnergyOrder> {
  return requireJson<EnergyOrder>(ctx, keys.order(ctx, orderId), `order ${orderId}`);
}

export function getMarketResult(ctx: Context, interval: string): Promise<MarketResult | undefined> {
  return getJson<MarketResult>(ctx, keys.result(ctx, interval));
}
