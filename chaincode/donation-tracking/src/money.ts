/**
 * Money is integer minor units ("cents") of one ISO 4217 currency per campaign: no floats, so every
 * endorser computes the same sums and nothing is lost to rounding.
 */
import { InvalidArgumentError, parseInteger, parseString } from '@cityledger/chaincode-common';

/** Largest single amount (10 billion units): sums of many stay far below 2^53. */
export const MAX_AMOUNT_CENTS = 1_000_000_000_000;

const CURRENCY_PATTERN = /^[A-Z]{3}$/;

export function parseCents(field: string, value: unknown): number {
  return parseInteger(field, value, { min: 1, max: MAX_AMOUNT_CENTS });
}

export function parseCurrency(field: string, value: unknown): string {
  return parseString(field, value, {
    maxLength: 3,
    pattern: CURRENCY_PATTERN,
    patternDescription: 'an ISO 4217 currency code like EUR',
  });
}

/** Sum of integer amounts; refuses to leave the safe-integer range rather than round silently. */
export function sumCents(amounts: Iterable<number>): number {
  let total = 0;
  for (const amount of amounts) {
    total += amount;
    if (!Number.isSafeInteger(total)) {
      throw new InvalidArgumentError('amountCents', 'the sum leaves the range of exact integers');
    }
  }
  return total;
}
