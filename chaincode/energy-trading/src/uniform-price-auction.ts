/**
 * The clearing rule of one delivery interval: a uniform-price double auction, pure and
 * deterministic so that anyone on the channel can recompute it from the orders on the ledger.
 *
 * 1. Merit order. Bids by limit price descending, offers by limit price ascending; ties by
 *    `placedAt` (the placing transaction's timestamp, earlier first), then by `orderId` (UTF-16 code
 *    unit order, as JavaScript compares strings).
 * 2. Matching. Walk both lists from the top: while the current bid's limit is at or above the current
 *    offer's limit, match min(remaining bid, remaining offer) Wh and advance whichever is exhausted.
 *    This reaches the largest volume any price could clear.
 * 3. Price. One price for every trade: the midpoint of the last matched bid's and the last matched
 *    offer's limits, rounded down. It lies between them, so every matched bid pays no more than its
 *    limit and every matched offer gets no less than its limit. No match: volume 0, price 0.
 */
export interface AuctionOrder {
  orderId: string;
  accountDid: string;
  quantityWh: number;
  limitPriceCentsPerKwh: number;
  /** ISO timestamp with millisecond precision (compares as a string). */
  placedAt: string;
}

export interface AuctionMatch {
  buyOrderId: string;
  sellOrderId: string;
  buyerDid: string;
  sellerDid: string;
  quantityWh: number;
}

export interface AuctionOutcome {
  clearingPriceCentsPerKwh: number;
  volumeWh: number;
  /** In matching order; this order numbers the trades. */
  matches: AuctionMatch[];
  /** Matched Wh per order id (every order given appears, 0 when unmatched). */
  filledWh: Record<string, number>;
  demandWh: number;
  supplyWh: number;
}

function byTimeThenId(a: AuctionOrder, b: AuctionOrder): number {
  if (a.placedAt !== b.placedAt) return a.placedAt < b.placedAt ? -1 : 1;
  if (a.orderId !== b.orderId) return a.orderId < b.orderId ? -1 : 1;
  return 0;
}

export function bidMeritOrder(bids: readonly AuctionOrder[]): AuctionOrder[] {
  return [...bids].sort((a, b) => b.limitPriceCentsPerKwh - a.limitPriceCentsPerKwh || byTimeThenId(a, b));
}

export function offerMeritOrder(offers: readonly AuctionOrder[]): AuctionOrder[] {
  return [...offers].sort((a, b) => a.limitPriceCentsPerKwh - b.limitPriceCentsPerKwh || byTimeThenId(a, b));
}

export function clearUniformPriceAuction(
  bids: readonly AuctionOrder[],
  offers: readonly AuctionOrder[],
): AuctionOutcome {
  const sortedBids = bidMeritOrder(bids);
  const sortedOffers = offerMeritOrder(offers);
  const filledWh: Record<string, number> = {};
  for (const order of [...sortedBids, ...sortedOffers]) filledWh[order.orderId] = 0;

  const matches: AuctionMatch[] = [];
  let i = 0;
  let j = 0;
  let bidLeft = sortedBids[0]?.quantityWh ?? 0;
  let offerLeft = sortedOffers[0]?.quantityWh ?? 0;
  let lastBid: AuctionOrder | undefined;
  let lastOffer: AuctionOrder | undefined;
  while (i < sortedBids.length && j < sortedOffers.length) {
    const bid = sortedBids[i];
    const offer = sortedOffers[j];
    if (bid.limitPriceCentsPerKwh < offer.limitPriceCentsPerKwh) break;
    const quantityWh = Math.min(bidLeft, offerLeft);
    matches.push({
      buyOrderId: bid.orderId,
      sellOrderId: offer.orderId,
      buyerDid: bid.accountDid,
      sellerDid: offer.accountDid,
      quantityWh,
    });
    filledWh[bid.orderId] += quantityWh;
    filledWh[offer.orderId] += quantityWh;
    lastBid = bid;
    lastOffer = offer;
    bidLeft -= quantityWh;
    offerLeft -= quantityWh;
    if (bidLeft === 0) {
      i += 1;
      bidLeft = sortedBids[i]?.quantityWh ?? 0;
    }
    if (offerLeft === 0) {
      j += 1;
      offerLeft = sortedOffers[j]?.quantityWh ?? 0;
    }
  }
  const clearingPriceCentsPerKwh =
    lastBid && lastOffer
      ? Math.floor((lastBid.limitPriceCentsPerKwh + lastOffer.limitPriceCentsPerKwh) / 2)
      : 0;
  return {
    clearingPriceCentsPerKwh,
    volumeWh: matches.reduce((sum, m) => sum + m.quantityWh, 0),
    matches,
    filledWh,
    demandWh: bids.reduce((sum, o) => sum + o.quantityWh, 0),
    supplyWh: offers.reduce((sum, o) => sum + o.quantityWh, 0),
  };
}
