/**
 * World-state keys. Every record has its own key and every index entry its own key, so two
 * transactions only collide when they really touch the same record (see "Keys and concurrency" in
 * docs/contracts/energy-trading.md). There is no counter and no market-wide balance.
 */
import { compositeKey } from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';

export const KEY = {
  config: 'energy-market-config',
  account: 'energy-account',
  meter: 'energy-meter',
  meterByAccount: 'energy-meter~account',
  /** Written once, when an account's first meter is linked: the point read behind "has a meter". */
  accountMetered: 'energy-account-metered',
  transfer: 'energy-transfer',
  reading: 'energy-reading',
  readingByInterval: 'energy-reading~interval',
  order: 'energy-order',
  orderByInterval: 'energy-order~interval',
  orderByAccount: 'energy-order~account',
  trade: 'energy-trade',
  tradeByAccount: 'energy-trade~account',
  result: 'energy-result',
  statement: 'energy-statement',
  statementByAccount: 'energy-statement~account',
} as const;

/** Fixed width, so keys of a meter's readings sort by sequence number. */
export function seqKeyPart(seq: number): string {
  return String(seq).padStart(16, '0');
}

export function tradeSeqKeyPart(seq: number): string {
  return String(seq).padStart(6, '0');
}

export function tradeIdOf(interval: string, seq: number): string {
  return `${interval}#${seq}`;
}

export const keys = {
  config: (ctx: Context) => compositeKey(ctx, KEY.config, []),
  account: (ctx: Context, accountDid: string) => compositeKey(ctx, KEY.account, [accountDid]),
  meter: (ctx: Context, meterDid: string) => compositeKey(ctx, KEY.meter, [meterDid]),
  meterByAccount: (ctx: Context, accountDid: string, meterDid: string) =>
    compositeKey(ctx, KEY.meterByAccount, [accountDid, meterDid]),
  accountMetered: (ctx: Context, accountDid: string) => compositeKey(ctx, KEY.accountMetered, [accountDid]),
  transfer: (ctx: Context, accountDid: string, transferId: string) =>
    compositeKey(ctx, KEY.transfer, [accountDid, transferId]),
  reading: (ctx: Context, meterDid: string, seq: number) =>
    compositeKey(ctx, KEY.reading, [meterDid, seqKeyPart(seq)]),
  readingByInterval: (ctx: Context, meterDid: string, interval: string, seq: number) =>
    compositeKey(ctx, KEY.readingByInterval, [meterDid, interval, seqKeyPart(seq)]),
  order: (ctx: Context, orderId: string) => compositeKey(ctx, KEY.order, [orderId]),
  orderByInterval: (ctx: Context, interval: string, orderId: string) =>
    compositeKey(ctx, KEY.orderByInterval, [interval, orderId]),
  orderByAccount: (ctx: Context, accountDid: string, interval: string, orderId: string) =>
    compositeKey(ctx, KEY.orderByAccount, [accountDid, interval, orderId]),
  trade: (ctx: Context, interval: string, seq: number) =>
    compositeKey(ctx, KEY.trade, [interval, tradeSeqKeyPart(seq)]),
  tradeByAccount: (ctx: Context, accountDid: string, interval: string, seq: number) =>
    compositeKey(ctx, KEY.tradeByAccount, [accountDid, interval, tradeSeqKeyPart(seq)]),
  result: (ctx: Context, interval: string) => compositeKey(ctx, KEY.result, [interval]),
  statement: (ctx: Context, interval: string, accountDid: string) =>
    compositeKey(ctx, KEY.statement, [interval, accountDid]),
  statementByAccount: (ctx: Context, accountDid: string, interval: string) =>
    compositeKey(ctx, KEY.statementByAccount, [accountDid, interval]),
};
