/**
 * Paginated partial-key queries and key history.
 */
import type { Context } from 'fabric-contract-api';
import { parseBookmark, parsePageSize } from './arguments';
import { InvalidArgumentError } from './errors';
import { decodeJson, getJson } from './state';
import { timestampToIso, type TimestampLike } from './time';

export interface Page<T> {
  records: T[];
  /** Pass back to get the next page; '' when there are no more records. */
  bookmark: string;
  fetchedRecordsCount: number;
}

export interface HistoryEntry<T> {
  txId: string;
  /** ISO-8601 time of the transaction that wrote this version. */
  timestamp: string;
  isDelete: boolean;
  /** The value written, parsed from JSON; null for a delete. */
  value: T | null;
}

interface StateIterator {
  next(): Promise<{ value?: { key: string; value: Uint8Array }; done?: boolean }>;
  close(): Promise<void>;
}

interface HistoryIterator {
  next(): Promise<{
    value?: { txId: string; timestamp: TimestampLike; isDelete: boolean; value: Uint8Array };
    done?: boolean;
  }>;
  close(): Promise<void>;
}

export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** The composite key's attributes. */
  attributes: string[];
}

/**
 * One page of the records whose composite key starts with (objectType, ...attributes), mapped by
 * `toRecord` (which may read further state, e.g. follow an index key to its record; returning
 * undefined drops the entry).
 *
 * Only valid in queries (evaluate): Fabric refuses paginated queries in submitted transactions.
 */
export async function queryPage<T>(
  ctx: Context,
  objectType: string,
  attributes: readonly string[],
  pageSize: number,
  bookmark: string,
  toRecord: (entry: KeyValue) => Promise<T | undefined> | T | undefined,
): Promise<Page<T>> {
  const prefix = ctx.stub.createCompositeKey(objectType, [...attributes]);
  // On LevelDB a bookmark is the next key; one from another query would start the range scan
  // outside this prefix. (CouchDB bookmarks are opaque and never start with U+0000.)
  if (bookmark.startsWith('\u0000') && !bookmark.startsWith(prefix)) {
    throw new InvalidArgumentError('bookmark', 'does not belong to this query');
  }
  const response = (await ctx.stub.getStateByPartialCompositeKeyWithPagination(
    objectType,
    [...attributes],
    pageSize,
    bookmark,
  )) as unknown as { iterator: StateIterator; metadata: { fetchedRecordsCount: number; bookmark: string } };
  const entries = await drain(response.iterator);
  const records: T[] = [];
  for (const entry of entries) {
    const record = await toRecord(entry);
    if (record !== undefined) {
      records.push(record);
    }
  }
  const fetched = response.metadata?.fetchedRecordsCount ?? entries.length;
  // Fabric returns the last key as bookmark even when the scan reached the end; a short page is the end.
  const next = fetched < pageSize ? '' : (response.metadata?.bookmark ?? '');
  return { records, bookmark: next, fetchedRecordsCount: fetched };
}

/** Decodes an entry's value as JSON (for `queryPage` over primary keys). */
export function jsonRecord<T>(entry: KeyValue): T {
  return decodeJson<T>(entry.value);
}

/**
 * One page of records stored under their own primary keys (object type + leading attributes), for a
 * query transaction that takes its `pageSize` and `bookmark` arguments as the client sent them.
 */
export function pageOfRecords<T>(
  ctx: Context,
  objectType: string,
  attributes: readonly string[],
  pageSize: string,
  bookmark: string,
): Promise<Page<T>> {
  return queryPage(
    ctx,
    objectType,
    attributes,
    parsePageSize('pageSize', pageSize),
    parseBookmark('bookmark', bookmark),
    jsonRecord<T>,
  );
}

/**
 * One page of index entries, each followed to the record whose key `recordKey` builds from the
 * index key's attributes; an index entry whose record is gone is left out.
 */
export function pageViaIndex<T>(
  ctx: Context,
  indexType: string,
  attributes: readonly string[],
  pageSize: string,
  bookmark: string,
  recordKey: (indexAttributes: string[]) => string,
): Promise<Page<T>> {
  return queryPage(
    ctx,
    indexType,
    attributes,
    parsePageSize('pageSize', pageSize),
    parseBookmark('bookmark', bookmark),
    (entry) => getJson<T>(ctx, recordKey(entry.attributes)),
  );
}

/**
 * All entries under a partial composite key, at most `limit` of them (the call fails beyond, so a
 * transaction never silently works on a truncated set). Usable in submitted transactions; the
 * range is re-checked at validation (phantom read protection).
 */
export async function queryAll(
  ctx: Context,
  objectType: string,
  attributes: readonly string[],
  limit = 1000,
): Promise<KeyValue[]> {
  const iterator = (await ctx.stub.getStateByPartialCompositeKey(objectType, [
    ...attributes,
  ])) as unknown as StateIterator;
  const entries = await drain(iterator, limit + 1);
  if (entries.length > limit) {
    throw new Error(`queryAll: more than ${limit} entries under ${objectType}`);
  }
  return entries;
}

async function drain(iterator: StateIterator, limit = Number.MAX_SAFE_INTEGER): Promise<KeyValue[]> {
  const entries: KeyValue[] = [];
  try {
    for (;;) {
      const result = await iterator.next();
      if (result.value) {
        const { key, value } = result.value;
        entries.push({ key, value, attributes: splitAttributes(key) });
        if (entries.length >= limit) {
          break;
        }
      }
      if (result.done) {
        break;
      }
    }
  } finally {
    await iterator.close();
  }
  return entries;
}

function splitAttributes(key: string): string[] {
  if (!key.startsWith('\u0000')) {
    return [];
  }
  const parts = key.slice(1).split('\u0000');
  return parts.slice(1, parts.length - 1);
}

/**
 * Every version of `key`, as Fabric returns them (newest first on a peer), with values parsed as
 * JSON. Needs the peer's history database (enabled by default).
 */
export async function readHistory<T>(ctx: Context, key: string): Promise<HistoryEntry<T>[]> {
  const iterator = (await ctx.stub.getHistoryForKey(key)) as unknown as HistoryIterator;
  const history: HistoryEntry<T>[] = [];
  try {
    for (;;) {
      const result = await iterator.next();
      if (result.value) {
        const modification = result.value;
        const hasValue = !modification.isDelete && modification.value && modification.value.length > 0;
        history.push({
          txId: modification.txId,
          timestamp: timestampToIso(modification.timestamp),
          isDelete: modification.isDelete,
          value: hasValue ? decodeJson<T>(modification.value) : null,
        });
      }
      if (result.done) {
        break;
      }
    }
  } finally {
    await iterator.close();
  }
  return history;
}
