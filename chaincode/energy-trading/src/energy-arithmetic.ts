/**
 * Money for energy. Quantities are Wh, prices are energy-credit cents per kWh, amounts are cents:
 * `cents = Wh × cents/kWh / 1000`. The product can exceed 2^53 for large inputs and a float division
 * could round across an integer boundary, so the division happens on BigInt and the rounding
 * direction is explicit: payments round down, reservations round up (a reservation always covers the
 * payment it guards).
 */
const WH_PER_KWH = 1000n;

/** floor(wh × centsPerKwh / 1000) */
export function centsForEnergy(wh: number, centsPerKwh: number): number {
  return toSafeNumber((BigInt(wh) * BigInt(centsPerKwh)) / WH_PER_KWH);
}

/** ceil(wh × centsPerKwh / 1000) */
export function centsForEnergyRoundedUp(wh: number, centsPerKwh: number): number {
  const product = BigInt(wh) * BigInt(centsPerKwh);
  return toSafeNumber((product + WH_PER_KWH - 1n) / WH_PER_KWH);
}

/** The most a bid can cost: its quantity at its limit price plus the grid fee, rounded up. */
export function bidReservationCents(
  quantityWh: number,
  limitPriceCentsPerKwh: number,
  gridFeeCentsPerKwh: number,
): number {
  return (
    centsForEnergyRoundedUp(quantityWh, limitPriceCentsPerKwh) +
    centsForEnergyRoundedUp(quantityWh, gridFeeCentsPerKwh)
  );
}

function toSafeNumber(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`amount ${value} is beyond safe integer arithmetic`);
  }
  return n;
}
