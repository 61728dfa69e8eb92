/**
 * Share arithmetic of titles. Shares are integers in parts per 10,000 so that "the shares add up
 * to exactly 1" is an exact integer equality on every endorsing peer — no rounding, no floats.
 */
import { InvalidArgumentError } from '@cityledger/chaincode-common';

export const SHARE_DENOMINATOR = 10_000;

export interface Share {
  did: string;
  shares: number;
}

export function totalShares(list: readonly Share[]): number {
  return list.reduce((sum, s) => sum + s.shares, 0);
}

/** Same DIDs in DID order, so equal titles are equal JSON. */
export function sortShares(list: readonly Share[]): Share[] {
  return [...list].sort((a, b) => (a.did < b.did ? -1 : a.did > b.did ? 1 : 0)).map((s) => ({ ...s }));
}

/** Refuses an owner list whose shares do not add up to exactly {@link SHARE_DENOMINATOR}. */
export function requireWholeTitle(field: string, owners: readonly Share[]): void {
  const total = totalShares(owners);
  if (total !== SHARE_DENOMINATOR) {
    throw new InvalidArgumentError(
      field,
      `shares must add up to exactly ${SHARE_DENOMINATOR} (parts per ${SHARE_DENOMINATOR}), got ${total}`,
    );
  }
}

/** Whether two owner lists name the same DIDs with the same shares, whatever their order. */
export function sameOwnership(a: readonly Share[], b: readonly Share[]): boolean {
  const x = sortShares(a);
  const y = sortShares(b);
  return x.length === y.length && x.every((s, i) => s.did === y[i].did && s.shares === y[i].shares);
}

/**
 * The owners after `sellers` give their shares to `buyers`. The caller has checked that each seller
 * holds at least what it gives and that both sides carry the same total, so the title stays whole.
 * A seller left with 0 parts drops out; a buyer who already owns parts has them added up.
 */
export function applyTransfer(
  owners: readonly Share[],
  sellers: readonly Share[],
  buyers: readonly Share[],
): Share[] {
  const holdings = new Map<string, number>(owners.map((o) => [o.did, o.shares]));
  for (const seller of sellers) {
    const held = holdings.get(seller.did) ?? 0;
    if (seller.shares > held) {
      throw new Error(`applyTransfer: ${seller.did} gives ${seller.shares} parts but holds ${held}`);
    }
    holdings.set(seller.did, held - seller.shares);
  }
  for (const buyer of buyers) {
    holdings.set(buyer.did, (holdings.get(buyer.did) ?? 0) + buyer.shares);
  }
  const result = sortShares(
    [...holdings].filter(([, shares]) => shares > 0).map(([did, shares]) => ({ did, shares })),
  );
  if (totalShares(result) !== totalShares(owners)) {
    throw new Error('applyTransfer: sellers and buyers do not carry the same total');
  }
  return result;
}
