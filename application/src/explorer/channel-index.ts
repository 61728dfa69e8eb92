import { HeightWaiters } from '../ledger/height-waiters';
import type { LedgerBlock } from '../ledger/ledger-connector';

/** A block as the explorer lists it. */
export interface ListedBlock {
  blockNumber: number;
  headerHash: string;
  previousHash: string;
  txCount: number;
  /** Fabric headers carry no time: the proposal time of the block's first transaction. */
  time?: string;
}

/** A transaction as the explorer lists it. */
export interface ListedTransaction {
  txId: string;
  blockNumber: number;
  txIndex: number;
  /** The client's proposal time (the channel header timestamp), ISO 8601. */
  time: string;
  chaincode?: string;
  function?: string;
  creatorMsp?: string;
  validationCode: string;
}

export interface TransactionFilter {
  txId?: string;
  chaincode?: string;
  function?: string;
  creatorMsp?: string;
  validationCode?: string;
  /** Inclusive bounds on `time`, in epoch milliseconds. */
  fromMs?: number;
  toMs?: number;
}

/** The last entry of a page; the next page starts after it. */
export interface TransactionPosition {
  timeMs: number;
  blockNumber: number;
  txIndex: number;
}

export interface Page<T, P> {
  items: T[];
  /** Present when more entries may follow. */
  next?: P;
}

interface Entry extends ListedTransaction {
  timeMs: number;
}

/**
 * The explorer's index of one channel, built by following its committed blocks in order.
 *
 * Transactions are listed newest first by proposal time, ties in commit order. Fabric does not
 * make proposal times increase along the chain (each client sets its own), so every list is kept
 * sorted by (time, block, index) — an append for nearly every transaction — and a time range is a
 * binary search in whichever list serves the query. Each filter has its own list (`postings`):
 * a query walks the shortest list among its filters, newest first, and checks the others on the
 * entries it meets, so it never reads transactions outside that list and time range.
 */
export class ChannelIndex {
  private readonly blocks: ListedBlock[] = [];
  private readonly entries: Entry[] = [];
  /** Every entry, in (time, block, index) order. */
  private readonly all: Entry[] = [];
  private readonly postings = new Map<string, Entry[]>();
  private readonly byTxId = new Map<string, Entry>();
  private readonly waiters = new HeightWaiters();

  /** Blocks 0 … height-1 are in the index. */
  get height(): number {
    return this.blocks.length;
  }

  get transactionCount(): number {
    return this.entries.length;
  }

  /**
   * Adds the next block. A block already indexed (a replay overlapping live delivery) is ignored.
   *
   * @throws Error when blocks are missing before this one.
   */
  add(block: LedgerBlock): void {
    if (block.blockNumber < this.height) return;
    if (block.blockNumber > this.height) {
      throw new Error(`the explorer index expects block ${this.height}, got block ${block.blockNumber}`);
    }
    this.blocks.push({
      blockNumber: block.blockNumber,
      headerHash: block.headerHash,
      previousHash: block.previousHash,
      txCount: block.transactions.length,
      ...(block.transactions[0] ? { time: block.transactions[0].timestamp } : {}),
    });
    for (const tx of block.transactions) {
      const entry: Entry = {
        txId: tx.txId,
        blockNumber: block.blockNumber,
        txIndex: tx.txIndex,
        time: tx.timestamp,
        timeMs: Date.parse(tx.timestamp),
        ...(tx.chaincode ? { chaincode: tx.chaincode } : {}),
        ...(tx.function !== undefined ? { function: tx.function } : {}),
        ...(tx.creatorMsp ? { creatorMsp: tx.creatorMsp } : {}),
        validationCode: tx.validationCode,
      };
      this.entries.push(entry);
      insertInOrder(this.all, entry);
      for (const key of postingKeysOf(entry)) {
        let list = this.postings.get(key);
        if (!list) this.postings.set(key, (list = []));
        insertInOrder(list, entry);
      }
      // A DUPLICATE_TXID transaction reuses the id: the id names the first, the one that counted.
      if (!this.byTxId.has(tx.txId)) this.byTxId.set(tx.txId, entry);
    }
    this.waiters.reached(this.height);
  }

  /** Blocks newest first, from below `before` (default: the indexed height). */
  blockPage(limit: number, before = this.height): Page<ListedBlock, number> {
    const items: ListedBlock[] = [];
    for (let n = Math.min(before, this.height) - 1; n >= 0 && items.length < limit; n--) {
      items.push(this.blocks[n]!);
    }
    const last = items.at(-1);
    return last && last.blockNumber > 0 ? { items, next: last.blockNumber } : { items };
  }

  /** Transactions matching every filter, newest first, from after `after` (a previous page's end). */
  transactionPage(
    filter: TransactionFilter,
    limit: number,
    after?: TransactionPosition,
  ): Page<ListedTransaction, TransactionPosition> {
    const list = this.shortestListFor(filter);
    let end = upperBound(list, { timeMs: filter.toMs ?? Infinity, blockNumber: Infinity, txIndex: Infinity });
    if (after) end = Math.min(end, lowerBound(list, after));
    const start = lowerBound(list, { timeMs: filter.fromMs ?? -Infinity, blockNumber: -1, txIndex: -1 });
    const found: Entry[] = [];
    for (let i = end - 1; i >= start && found.length <= limit; i--) {
      const entry = list[i]!;
      if (matches(entry, filter)) found.push(entry);
    }
    const items = found.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(({ timeMs: _, ...listed }) => listed),
      ...(found.length > limit && last
        ? { next: { timeMs: last.timeMs, blockNumber: last.blockNumber, txIndex: last.txIndex } }
        : {}),
    };
  }

  /** Resolves true once blocks below `height` are indexed, false after `timeoutMs`. */
  async reached(height: number, timeoutMs: number): Promise<boolean> {
    return height <= this.height || this.waiters.wait(height, timeoutMs);
  }

  private shortestListFor(filter: TransactionFilter): readonly Entry[] {
    if (filter.txId !== undefined) {
      const entry = this.byTxId.get(filter.txId);
      return entry ? [entry] : [];
    }
    let shortest: readonly Entry[] = this.all;
    for (const key of postingKeysOf(filter)) {
      const list = this.postings.get(key) ?? [];
      if (list.length < shortest.length || list.length === 0) shortest = list;
    }
    return shortest;
  }
}

function postingKeysOf(of: Omit<TransactionFilter, 'txId' | 'fromMs' | 'toMs'>): string[] {
  const keys: string[] = [];
  if (of.chaincode !== undefined) keys.push(`chaincode\u0000${of.chaincode}`);
  if (of.function !== undefined) keys.push(`function\u0000${of.function}`);
  if (of.creatorMsp !== undefined) keys.push(`creatorMsp\u0000${of.creatorMsp}`);
  if (of.validationCode !== undefined) keys.push(`validationCode\u0000${of.validationCode}`);
  return keys;
}

function matches(entry: Entry, filter: TransactionFilter): boolean {
  return (
    (filter.txId === undefined || entry.txId === filter.txId) &&
    (filter.chaincode === undefined || entry.chaincode === filter.chaincode) &&
    (filter.function === undefined || entry.function === filter.function) &&
    (filter.creatorMsp === undefined || entry.creatorMsp === filter.creatorMsp) &&
    (filter.validationCode === undefined || entry.validationCode === filter.validationCode) &&
    (filter.fromMs === undefined || entry.timeMs >= filter.fromMs) &&
    (filter.toMs === undefined || entry.timeMs <= filter.toMs)
  );
}

function compare(a: TransactionPosition, b: TransactionPosition): number {
  return a.timeMs - b.timeMs || a.blockNumber - b.blockNumber || a.txIndex - b.txIndex;
}

/** The first index whose entry is not before `position`. */
function lowerBound(list: readonly Entry[], position: TransactionPosition): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid]!, position) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose entry is after `position`. */
function upperBound(list: readonly Entry[], position: TransactionPosition): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid]!, position) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Appends, or inserts where an entry with an earlier proposal time than the last one belongs. */
function insertInOrder(list: Entry[], entry: Entry): void {
  const last = list.at(-1);
  if (!last || compare(last, entry) <= 0) list.push(entry);
  else list.splice(upperBound(list, entry), 0, entry);
}
