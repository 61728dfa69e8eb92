/**
 * Refunds when a campaign ends (cancelled, or closed with money left).
 *
 * FIFO allocation makes the unspent money identifiable: it is exactly the unspent remainder of
 * particular donations. Each donation therefore gets back its own remainder — pro rata to what is
 * left of each contribution — so every donor's trace still adds up (amount = allocated + refunded +
 * unspent). Named donations are refunded at once to the donor DID. Anonymous donations have no one
 * to pay: their remainder stays held, claimable by whoever presents the receipt secret.
 */

export interface RefundCandidate {
  donationId: string;
  /** Undefined for an anonymous donation. */
  donorDid?: string;
  unspentCents: number;
}

export interface NamedRefund {
  donationId: string;
  donorDid: string;
  amountCents: number;
}

export interface ClaimableRefund {
  donationId: string;
  amountCents: number;
}

export interface RefundPlan {
  named: NamedRefund[];
  claimable: ClaimableRefund[];
}

export function planRefunds(candidates: readonly RefundCandidate[]): RefundPlan {
  const plan: RefundPlan = { named: [], claimable: [] };
  for (const candidate of candidates) {
    if (candidate.unspentCents <= 0) {
      continue;
    }
    if (candidate.donorDid === undefined) {
      plan.claimable.push({ donationId: candidate.donationId, amountCents: candidate.unspentCents });
    } else {
      plan.named.push({
        donationId: candidate.donationId,
        donorDid: candidate.donorDid,
        amountCents: candidate.unspentCents,
      });
    }
  }
  return plan;
}
