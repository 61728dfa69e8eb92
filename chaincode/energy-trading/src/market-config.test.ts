import { expect } from 'chai';
import {
  gateClosureMillis,
  intervalOfReading,
  parseIntervalStart,
  parseMarketParameters,
  settlementOpensMillis,
} from './market-config';

const valid = {
  intervalMinutes: 15,
  gateClosureMinutes: 5,
  settlementDelayMinutes: 10,
  gridTariffCentsPerKwh: 30,
  feedInTariffCentsPerKwh: 8,
  gridFeeCentsPerKwh: 4,
};

function error(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('market parameters', () => {
  it('parses a complete configuration', () => {
    expect(parseMarketParameters('configJson', JSON.stringify(valid))).to.deep.equal(valid);
  });

  it('names the missing, unknown or out-of-range field', () => {
    const { gridFeeCentsPerKwh: _omitted, ...missing } = valid;
    expect(error(() => parseMarketParameters('configJson', JSON.stringify(missing)))).to.equal(
      'INVALID_ARGUMENT: configJson.gridFeeCentsPerKwh: is required',
    );
    expect(error(() => parseMarketParameters('configJson', JSON.stringify({ ...valid, x: 1 })))).to.match(
      /^INVALID_ARGUMENT: configJson: has unknown field\(s\) 'x'/,
    );
    expect(
      error(() => parseMarketParameters('configJson', JSON.stringify({ ...valid, intervalMinutes: 7 }))),
    ).to.equal('INVALID_ARGUMENT: configJson.intervalMinutes: must divide a day (1440 minutes) evenly');
    expect(
      error(() =>
        parseMarketParameters('configJson', JSON.stringify({ ...valid, gridTariffCentsPerKwh: 2.5 })),
      ),
    ).to.match(/^INVALID_ARGUMENT: configJson.gridTariffCentsPerKwh: must be an integer/);
  });

  it('refuses a feed-in tariff above the grid tariff, which would reward unbacked sales', () => {
    expect(
      error(() =>
        parseMarketParameters('configJson', JSON.stringify({ ...valid, feedInTariffCentsPerKwh: 31 })),
      ),
    ).to.equal('INVALID_ARGUMENT: configJson.feedInTariffCentsPerKwh: must not exceed gridTariffCentsPerKwh');
  });
});

describe('delivery interval grid', () => {
  it('accepts interval starts on the grid and normalises their names', () => {
    expect(parseIntervalStart('interval', '2025-01-01T10:15:00Z', valid)).to.deep.equal({
      interval: '2025-01-01T10:15:00.000Z',
      startMillis: Date.parse('2025-01-01T10:15:00Z'),
    });
  });

  it('refuses a time that is not an interval start', () => {
    expect(error(() => parseIntervalStart('interval', '2025-01-01T10:20:00Z', valid))).to.equal(
      'INVALID_ARGUMENT: interval: must be the start of a 15-minute delivery interval, got 2025-01-01T10:20:00.000Z',
    );
  });

  it('puts a reading at an interval end into the interval that just ended', () => {
    expect(intervalOfReading(Date.parse('2025-01-01T10:15:00Z'), valid)).to.equal('2025-01-01T10:00:00.000Z');
    expect(intervalOfReading(Date.parse('2025-01-01T10:15:00.001Z'), valid)).to.equal(
      '2025-01-01T10:15:00.000Z',
    );
    expect(intervalOfReading(Date.parse('2025-01-01T10:29:59Z'), valid)).to.equal('2025-01-01T10:15:00.000Z');
  });

  it('closes the gate before the start and opens settlement after the end plus the delay', () => {
    const start = Date.parse('2025-01-01T10:15:00Z');
    expect(new Date(gateClosureMillis(start, valid)).toISOString()).to.equal('2025-01-01T10:10:00.000Z');
    expect(new Date(settlementOpensMillis(start, valid)).toISOString()).to.equal('2025-01-01T10:40:00.000Z');
  });
});
