/**
 * Transaction time. Every endorser of a transaction sees the same proposal timestamp, so this is
 * the only clock a contract may read (ESLint forbids Date.now in chaincode).
 */
import type { Context } from 'fabric-contract-api';
import { InvalidArgumentError } from './errors';

/** A protobuf Timestamp as the shim hands it out: seconds as a Long, a number or a string. */
export interface TimestampLike {
  seconds: number | string | { toNumber(): number } | { low: number; high: number };
  nanos: number;
}

export function timestampToMillis(timestamp: TimestampLike): number {
  const { seconds } = timestamp;
  let s: number;
  if (typeof seconds === 'number') {
    s = seconds;
  } else if (typeof seconds === 'string') {
    s = Number(seconds);
  } else if ('toNumber' in seconds && typeof seconds.toNumber === 'function') {
    s = seconds.toNumber();
  } else {
    const long = seconds as { low: number; high: number };
    s = long.high * 2 ** 32 + (long.low >>> 0);
  }
  return s * 1000 + Math.floor((timestamp.nanos ?? 0) / 1e6);
}

/** `2025-01-31T12:00:00.123Z` — millisecond precision, so stored times compare as strings. */
export function timestampToIso(timestamp: TimestampLike): string {
  return new Date(timestampToMillis(timestamp)).toISOString();
}

/** The transaction's proposal time as an ISO-8601 UTC string. */
export function txTimeIso(ctx: Context): string {
  return timestampToIso(ctx.stub.getTxTimestamp() as unknown as TimestampLike);
}

export function txTimeMillis(ctx: Context): number {
  return timestampToMillis(ctx.stub.getTxTimestamp() as unknown as TimestampLike);
}

/**
 * Refuses a transaction timestamped before `earliest` (ISO-8601), a time the ledger has already
 * recorded for the record the transaction acts on. Peers accept whatever proposal timestamp a
 * client sets, so this is the bound a contract can put on backdating from its own state; it cannot
 * stop a timestamp set in the future (docs/security.md). Returns the transaction time.
 */
export function requireTxTimeNotBefore(ctx: Context, earliest: string, recorded: string): string {
  const now = txTimeIso(ctx);
  if (now < earliest) {
    throw new InvalidArgumentError(
      'txTimestamp',
      `${now} is before ${recorded} (${earliest}); a transaction cannot be timestamped before what the ledger recorded`,
    );
  }
  return now;
}
