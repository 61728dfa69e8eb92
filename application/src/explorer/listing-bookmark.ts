import { type BookmarkSeal, foreignBookmark } from '../chaincode-api/page-bookmarks';

/**
 * Where a listing page ends. It names a position in the chain, not a row of the index, so its
 * bookmark stays valid across gateway restarts and index rebuilds.
 */
export type ListingPosition =
  | { kind: 'block'; blockNumber: number }
  | { kind: 'transaction'; timeMs: number; blockNumber: number; txIndex: number };

/** A listing a bookmark is good for: its channel, which entries it lists and the filters it was asked with. */
export interface Listing<K extends ListingPosition['kind'] = ListingPosition['kind']> {
  channel: string;
  kind: K;
  filters?: Record<string, string | number | undefined>;
}

/**
 * The bookmarks of the explorer's listings, sealed like the chaincode lists' ones (same key, same
 * refusal): a client can neither move a bookmark elsewhere in the chain nor carry it to another
 * channel, listing or set of filters. The page size is not part of the listing.
 */
export class ListingBookmarks {
  constructor(private readonly seal: BookmarkSeal) {}

  issue(listing: Listing, position: ListingPosition): string {
    const text =
      position.kind === 'block'
        ? `b:${position.blockNumber}`
        : `t:${position.timeMs}:${position.blockNumber}:${position.txIndex}`;
    return this.seal.seal(sealedList(listing), text);
  }

  /** @throws InvalidInputError (field `bookmark`) when the bookmark is not one this gateway issued for the listing. */
  open<K extends ListingPosition['kind']>(
    listing: Listing<K>,
    bookmark: string,
  ): Extract<ListingPosition, { kind: K }> {
    const text = this.seal.open(sealedList(listing), bookmark);
    const block = /^b:(\d{1,15})$/.exec(text);
    if (listing.kind === 'block' && block) {
      return { kind: 'block', blockNumber: Number(block[1]) } as Extract<ListingPosition, { kind: K }>;
    }
    const tx = /^t:(-?\d{1,16}):(\d{1,15}):(\d{1,9})$/.exec(text);
    if (listing.kind === 'transaction' && tx) {
      return {
        kind: 'transaction',
        timeMs: Number(tx[1]),
        blockNumber: Number(tx[2]),
        txIndex: Number(tx[3]),
      } as Extract<ListingPosition, { kind: K }>;
    }
    // Sealed by this gateway for this listing yet no position of it: only a leaked key makes one.
    throw foreignBookmark();
  }
}

/**
 * What the seal covers: the filters given, in one order however the query spelt them. The filters
 * are an object where a chaincode list has its argument array, so no list of one opens the other.
 */
function sealedList(listing: Listing): unknown[] {
  const filters = Object.entries(listing.filters ?? {})
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return ['explorer', listing.channel, listing.kind, Object.fromEntries(filters)];
}
