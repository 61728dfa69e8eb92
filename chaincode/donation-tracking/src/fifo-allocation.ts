/**
 * FIFO allocation of an outflow (a disbursement) to the donations that fund it.
 *
 * The oldest donation with unspent money pays first; when it is used up the next oldest continues.
 * "Oldest" is the donation's transaction time, ties broken by donation id (its transaction id): the
 * only order every endorser can agree on, since chaincode never sees a transaction's block position.
 * Same inputs, same allocation — on every peer.
 */

export interface FundingSource {
  donationId: string;
  /** ISO-8601 transaction time of the donation. */
  donatedAt: string;
  unspentCents: number;
}

export interface FundingShare {
  donationId: string;
  amountCents: number;
}

export interface FifoAllocation {
  /** Oldest first; amounts add up to the requested amount unless there is a shortfall. */
  shares: FundingShare[];
  /** How much the sources could not cover (0 when fully funded). */
  shortfallCents: number;
}

export function compareFifo(a: FundingSource, b: FundingSource): number {
  if (a.donatedAt !== b.donatedAt) {
    return a.donatedAt < b.donatedAt ? -1 : 1;
  }
  if (a.donationId !== b.donationId) {
    return a.donationId < b.donationId ? -1 : 1;
  }
  return 0;
}

export function allocateFifo(amountCents: number, sources: readonly FundingSource[]): FifoAllocation {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) {
    throw new RangeError(`allocateFifo: amount must be a positive integer, got ${amountCents}`);
  }
  const shares: FundingShare[] = [];
  let remaining = amountCents;
  for (const source of [...sources].sort(compareFifo)) {
    if (remaining === 0) {
      break;
    }
    if (source.unspentCents <= 0) {
      continue;
    }
    const take = Math.min(source.unspentCents, remaining);
    shares.push({ donationId: source.donationId, amountCents: take });
    remaining -= take;
  }
  return { shares, shortfallCents: remaining };
}
