import { InvalidInputError } from '../errors/gateway-errors';

/**
 * Where a listing page ends, as an opaque base64url token the client hands back for the next page.
 * It names a position in the chain, not a row of the index, so it stays valid across gateway
 * restarts and index rebuilds. Not signed: a tampered bookmark only moves the caller elsewhere in
 * a listing they may read anyway.
 */
export type ListingPosition =
  | { kind: 'block'; blockNumber: number }
  | { kind: 'transaction'; timeMs: number; blockNumber: number; txIndex: number };

export function encodeBookmark(position: ListingPosition): string {
  const text =
    position.kind === 'block'
      ? `b:${position.blockNumber}`
      : `t:${position.timeMs}:${position.blockNumber}:${position.txIndex}`;
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** @throws InvalidInputError (field `bookmark`) when the token is not one this gateway issued for the listing. */
export function decodeBookmark<K extends ListingPosition['kind']>(
  bookmark: string,
  kind: K,
): Extract<ListingPosition, { kind: K }> {
  const text = Buffer.from(bookmark, 'base64url').toString('utf8');
  const block = /^b:(\d{1,15})$/.exec(text);
  if (kind === 'block' && block) {
    return { kind, blockNumber: Number(block[1]) } as Extract<ListingPosition, { kind: K }>;
  }
  const tx = /^t:(-?\d{1,16}):(\d{1,15}):(\d{1,9})$/.exec(text);
  if (kind === 'transaction' && tx) {
    return {
      kind,
      timeMs: Number(tx[1]),
      blockNumber: Number(tx[2]),
      txIndex: Number(tx[3]),
    } as Extract<ListingPosition, { kind: K }>;
  }
  throw new InvalidInputError('bookmark', `is not a bookmark of this ${kind} listing`);
}
