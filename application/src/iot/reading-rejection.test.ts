import { expect } from 'chai';
import { schemaRejectionDetail, staleRejectionDetail } from './reading-rejection';
import { deviceReadingSchema } from './reading-schema';

const READING = {
  deviceId: 'did:cityledger:civic:aq-1',
  seq: 1,
  timestamp: '2026-01-01T00:00:00Z',
  metric: 'pm2_5',
  value: 1,
  signature: 'MEUCIQDexample==',
};

function detailOf(raw: unknown): string {
  const result = deviceReadingSchema.safeParse(raw);
  expect(result.success, 'the reading should be refused').to.equal(false);
  return schemaRejectionDetail(raw, result.error!);
}

describe('reading rejection details', () => {
  it('names an extra field and the fields a reading may have', () => {
    expect(detailOf({ ...READING, location: 'pier 4' })).to.equal(
      'location: is not a field of a reading (it has only deviceId, seq, timestamp, metric, value, unit, signature)',
    );
  });

  it('names a string sent where a number is expected, and a missing field', () => {
    expect(detailOf({ ...READING, value: '12.5' })).to.equal('value: must be a number, got a string');
    expect(detailOf({ ...READING, seq: 2.5 })).to.equal('seq: must be an integer, got number 2.5');
    const { metric: _metric, ...withoutMetric } = READING;
    expect(detailOf(withoutMetric)).to.equal('metric: is required');
  });

  it('says what a timestamp must look like, and refuses leap seconds and unknown offsets', () => {
    expect(detailOf({ ...READING, timestamp: '2026-01-01T01:00:00+01:00' })).to.equal(
      'timestamp: must be an ISO-8601 UTC timestamp (RFC 3339) like 2025-01-31T12:00:00Z, got "2026-01-01T01:00:00+01:00"',
    );
    expect(detailOf({ ...READING, timestamp: '2016-12-31T23:59:60Z' })).to.match(
      /^timestamp: names a leap second/,
    );
    expect(detailOf({ ...READING, timestamp: '2026-02-30T00:00:00Z' })).to.match(
      /^timestamp: is not a valid instant/,
    );
  });

  it('takes every RFC 3339 spelling of a UTC time as it is, without rewriting it', () => {
    for (const timestamp of [
      '2026-01-01t00:00:00z',
      '2026-01-01T00:00:00.1234567890123Z',
      '2026-01-01T00:00:00+00:00',
    ]) {
      expect(deviceReadingSchema.parse({ ...READING, timestamp }).timestamp).to.equal(timestamp);
    }
  });

  it('reports every broken rule of a reading, and a reading that is no object', () => {
    expect(detailOf({ ...READING, value: null, unit: '' })).to.equal(
      'value: must be a number, got null; unit: must not be empty',
    );
    expect(detailOf('text')).to.equal('reading: must be a JSON object, got a string');
  });

  it('tells a replay from a reading that arrives after a later one', () => {
    expect(staleRejectionDetail('duplicate', 7)).to.equal('seq: 7 of this device was accepted before');
    expect(staleRejectionDetail('out-of-order', 7, 9)).to.equal(
      "seq: 7 is not above the device's last accepted seq (9)",
    );
  });
});
