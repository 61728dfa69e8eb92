/**
 * Read-only views of the market: argument parsing for queries, trades, and key history. Paginated
 * lists use chaincode-common's `pageOfRecords` and `pageViaIndex`.
 */
import {
  canonicalJson,
  parseDid,
  parseEnum,
  parseId,
  parsePositiveInteger,
  readHistory,
  requireJson,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { keys } from './keys';
import { parseIntervalStart } from './market-config';
import { requireMarketConfig } from './market-state';
import type { EnergyRecordHistoryEntry, EnergyTrade } from './records';

export async function intervalArgument(ctx: Context, interval: string): Promise<string> {
  const config = await requireMarketConfig(ctx);
  return parseIntervalStart('interval', interval, config).interval;
}

export function didArgument(field: string, value: string): string {
  return parseDid(field, value).did;
}

export function tradeKeyOfIndex(ctx: Context, attributes: string[]): string {
  // trade~account attributes: [accountDid, interval, seq]
  return keys.trade(ctx, attributes[1], Number(attributes[2]));
}

export async function requireTrade(ctx: Context, interval: string, seq: number): Promise<EnergyTrade> {
  return requireJson<EnergyTrade>(
    ctx,
    keys.trade(ctx, interval, seq),
    `trade ${seq} of interval ${interval}`,
  );
}

export const HISTORY_RECORD_TYPES = [
  'config',
  'account',
  'meter',
  'transfer',
  'reading',
  'order',
  'trade',
  'result',
  'statement',
] as const;
type HistoryRecordType = (typeof HISTORY_RECORD_TYPES)[number];

/** Which key a (recordType, id, secondId) names; argument meanings are listed in the contract docs. */
async function historyKey(
  ctx: Context,
  type: HistoryRecordType,
  id: string,
  secondId: string,
): Promise<string> {
  switch (type) {
    case 'config':
      return keys.config(ctx);
    case 'account':
      return keys.account(ctx, didArgument('id', id));
    case 'meter':
      return keys.meter(ctx, didArgument('id', id));
    case 'transfer':
      return keys.transfer(ctx, didArgument('id', id), parseId('secondId', secondId));
    case 'reading':
      return keys.reading(ctx, didArgument('id', id), parsePositiveInteger('secondId', secondId));
    case 'order':
      return keys.order(ctx, parseId('id', id));
    case 'trade':
      return keys.trade(
        ctx,
        await intervalArgumentNamed(ctx, 'id', id),
        parsePositiveInteger('secondId', secondId),
      );
    case 'result':
      return keys.result(ctx, await intervalArgumentNamed(ctx, 'id', id));
    case 'statement':
      return keys.statement(
        ctx,
        await intervalArgumentNamed(ctx, 'id', id),
        didArgument('secondId', secondId),
      );
  }
}

async function intervalArgumentNamed(ctx: Context, field: string, value: string): Promise<string> {
  const config = await requireMarketConfig(ctx);
  return parseIntervalStart(field, value, config).interval;
}

export async function recordHistory(
  ctx: Context,
  recordType: string,
  id: string,
  secondId: string,
): Promise<EnergyRecordHistoryEntry[]> {
  const type = parseEnum('recordType', recordType, HISTORY_RECORD_TYPES);
  const key = await historyKey(ctx, type, id, secondId);
  const history = await readHistory<unknown>(ctx, key);
  return history.map((h) => ({
    txId: h.txId,
    timestamp: h.timestamp,
    isDelete: h.isDelete,
    valueJson: h.value === null ? '' : canonicalJson(h.value),
  }));
}
