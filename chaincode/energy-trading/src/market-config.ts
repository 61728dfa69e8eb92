/**
 * Market parameters and the delivery-interval grid. Intervals are aligned to the Unix epoch in steps
 * of `intervalMinutes` and named by their start (ISO, millisecond precision, so names sort in time
 * order). Gate closure is `gateClosureMinutes` before the start; settlement may start
 * `settlementDelayMinutes` after the end, to let meter readings arrive.
 */
import {
  InvalidArgumentError,
  parseInteger,
  parseIsoTimestamp,
  parseJsonObject,
} from '@cityledger/chaincode-common';

export interface MarketParameters {
  intervalMinutes: number;
  gateClosureMinutes: number;
  settlementDelayMinutes: number;
  /** What the grid charges for energy it supplies (imbalance shortfall). */
  gridTariffCentsPerKwh: number;
  /** What the grid pays for energy it absorbs (imbalance surplus). */
  feedInTariffCentsPerKwh: number;
  /** Network charge on every Wh traded peer to peer, paid by the buyer. */
  gridFeeCentsPerKwh: number;
}

export const MAX_PRICE_CENTS_PER_KWH = 1_000_000;
/** Orders are accepted for intervals at most this far ahead. */
export const MAX_DAYS_AHEAD = 7;
const MINUTE = 60_000;
const DAY_MINUTES = 1440;

const CONFIG_FIELDS = [
  'intervalMinutes',
  'gateClosureMinutes',
  'settlementDelayMinutes',
  'gridTariffCentsPerKwh',
  'feedInTariffCentsPerKwh',
  'gridFeeCentsPerKwh',
] as const;

export function parseMarketParameters(field: string, value: unknown): MarketParameters {
  const raw = parseJsonObject(field, value, { maxBytes: 4096, allowedKeys: CONFIG_FIELDS });
  for (const key of CONFIG_FIELDS) {
    if (raw[key] === undefined) {
      throw new InvalidArgumentError(`${field}.${key}`, 'is required');
    }
  }
  const intervalMinutes = parseInteger(`${field}.intervalMinutes`, raw.intervalMinutes, {
    min: 1,
    max: DAY_MINUTES,
  });
  if (DAY_MINUTES % intervalMinutes !== 0) {
    // Keeps every day starting on an interval boundary, so interval names read naturally.
    throw new InvalidArgumentError(`${field}.intervalMinutes`, 'must divide a day (1440 minutes) evenly');
  }
  const price = (key: (typeof CONFIG_FIELDS)[number]) =>
    parseInteger(`${field}.${key}`, raw[key], { min: 0, max: MAX_PRICE_CENTS_PER_KWH });
  const parameters: MarketParameters = {
    intervalMinutes,
    gateClosureMinutes: parseInteger(`${field}.gateClosureMinutes`, raw.gateClosureMinutes, {
      min: 0,
      max: DAY_MINUTES,
    }),
    settlementDelayMinutes: parseInteger(`${field}.settlementDelayMinutes`, raw.settlementDelayMinutes, {
      min: 0,
      max: DAY_MINUTES,
    }),
    gridTariffCentsPerKwh: price('gridTariffCentsPerKwh'),
    feedInTariffCentsPerKwh: price('feedInTariffCentsPerKwh'),
    gridFeeCentsPerKwh: price('gridFeeCentsPerKwh'),
  };
  if (parameters.feedInTariffCentsPerKwh > parameters.gridTariffCentsPerKwh) {
    // Otherwise a prosumer earns by selling energy it does not have and letting the grid cover it.
    throw new InvalidArgumentError(
      `${field}.feedInTariffCentsPerKwh`,
      'must not exceed gridTariffCentsPerKwh',
    );
  }
  return parameters;
}

export function intervalMillis(parameters: Pick<MarketParameters, 'intervalMinutes'>): number {
  return parameters.intervalMinutes * MINUTE;
}

/** A delivery interval named by its start; returns the normalised ISO name and its start in ms. */
export function parseIntervalStart(
  field: string,
  value: unknown,
  parameters: Pick<MarketParameters, 'intervalMinutes'>,
): { interval: string; startMillis: number } {
  const interval = parseIsoTimestamp(field, value);
  const startMillis = Date.parse(interval);
  if (startMillis % intervalMillis(parameters) !== 0) {
    throw new InvalidArgumentError(
      field,
      `must be the start of a ${parameters.intervalMinutes}-minute delivery interval, got ${interval}`,
    );
  }
  return { interval, startMillis };
}

/**
 * The interval a meter reading at `millis` belongs to: the one with start < t <= end. A meter that
 * reads at interval boundaries thus attributes the energy since the previous boundary to the
 * interval that just ended.
 */
export function intervalOfReading(
  millis: number,
  parameters: Pick<MarketParameters, 'intervalMinutes'>,
): string {
  const length = intervalMillis(parameters);
  const start = Math.ceil(millis / length) * length - length;
  return new Date(start).toISOString();
}

export function gateClosureMillis(startMillis: number, parameters: MarketParameters): number {
  return startMillis - parameters.gateClosureMinutes * MINUTE;
}

export function settlementOpensMillis(startMillis: number, parameters: MarketParameters): number {
  return startMillis + intervalMillis(parameters) + parameters.settlementDelayMinutes * MINUTE;
}

export function latestOrderableStartMillis(nowMillis: number): number {
  return nowMillis + MAX_DAYS_AHEAD * DAY_MINUTES * MINUTE;
}
