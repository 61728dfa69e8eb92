import { expect } from 'chai';
import { generateKeyPairSync, sign } from 'node:crypto';
import { canonicalJson } from '@cityledger/chaincode-common';
import { advanceRegisters, parseMeterReading, verifyReadingSignature } from './meter-reading';

const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const pem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function signed(reading: Record<string, unknown>): Record<string, unknown> {
  const signature = sign('sha256', Buffer.from(canonicalJson(reading)), keys.privateKey).toString('base64');
  return { ...reading, signature };
}

function error(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

const base = {
  deviceId: 'meter-1',
  seq: 2,
  timestamp: '2025-01-01T10:15:00Z',
  metric: 'export_wh',
  value: 3400,
  unit: 'Wh',
};
const claim = (reading: Record<string, unknown> = base) => parseMeterReading('r', signed(reading), 'energy');

/** The worked example of docs/contracts/energy-trading.md, "Meter readings". */
const DOC_EXAMPLE = {
  publicKeyPem: [
    '-----BEGIN PUBLIC KEY-----',
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAElgDlwKtKnIb0g+iWwd1Xm92EIko5',
    'TwTPcQltdwjADLpkcSiaOU5fm585dsosQ2n7F9glx7yejBrNoNmcMxhUuA==',
    '-----END PUBLIC KEY-----',
    '',
  ].join('\n'),
  reading: {
    deviceId: 'did:cityledger:energy:meter-dan',
    seq: 4,
    timestamp: '2025-01-01T10:15:00.000Z',
    metric: 'export_wh',
    value: 1250400,
    unit: 'Wh',
    signature:
      'MEUCIQCG/503fVI3/bwaNAP6l8bx2Ct8eHJLecz54Oa6oOP6EAIgUSuAkYTrVx3/9KGuabILKhAI3KLK32cYPjvzntz2lA8=',
  },
  signedBytes:
    '{"deviceId":"did:cityledger:energy:meter-dan","metric":"export_wh","seq":4,"timestamp":"2025-01-01T10:15:00.000Z","unit":"Wh","value":1250400}',
};

describe('meter readings', () => {
  it('parses a generic device reading of one register, naming the meter by DID', () => {
    expect(claim()).to.include({
      meterDid: 'did:cityledger:energy:meter-1',
      seq: 2,
      timestamp: '2025-01-01T10:15:00.000Z',
      metric: 'export_wh',
      value: 3400,
      unit: 'Wh',
    });
    const { unit: _unit, ...withoutUnit } = base;
    expect(claim(withoutUnit)).to.not.have.property('unit');
  });

  it('verifies the worked example of the contract doc over the canonical JSON without the signature', () => {
    const reading = parseMeterReading('r', DOC_EXAMPLE.reading, 'energy');
    expect(reading.signedPayload).to.equal(DOC_EXAMPLE.signedBytes);
    expect(verifyReadingSignature(reading, DOC_EXAMPLE.publicKeyPem)).to.equal(true);
  });

  it('verifies the device signature over the reading as sent, without the signature', () => {
    expect(verifyReadingSignature(claim(), pem)).to.equal(true);
    const tampered = parseMeterReading('r', { ...signed(base), value: 3500 }, 'energy');
    expect(verifyReadingSignature(tampered, pem)).to.equal(false);
    const otherRegister = parseMeterReading('r', { ...signed(base), metric: 'import_wh' }, 'energy');
    expect(verifyReadingSignature(otherRegister, pem)).to.equal(false);
    const { unit: _unit, ...unitDropped } = signed(base);
    expect(verifyReadingSignature(parseMeterReading('r', unitDropped, 'energy'), pem)).to.equal(false);
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    expect(verifyReadingSignature(claim(), otherKey.toString())).to.equal(false);
  });

  it('takes the timestamp in any RFC 3339 UTC spelling the bridge takes, verifying it as the meter signed it', () => {
    for (const timestamp of [
      '2025-01-01t10:15:00z',
      '2025-01-01T10:15:00.0004567891Z',
      '2025-01-01T10:15:00+00:00',
    ]) {
      const reading = claim({ ...base, timestamp });
      expect(reading.timestamp, timestamp).to.equal('2025-01-01T10:15:00.000Z');
      expect(reading.signedPayload).to.include(`"timestamp":"${timestamp}"`);
      expect(verifyReadingSignature(reading, pem), timestamp).to.equal(true);
    }
  });

  it('refuses malformed fields by name', () => {
    const fails = (changes: Record<string, unknown>) =>
      error(() => parseMeterReading('r', { ...signed(base), ...changes }, 'energy'));
    expect(fails({ value: -1 })).to.match(/^INVALID_ARGUMENT: r.value:/);
    expect(fails({ value: 1.5 })).to.match(/^INVALID_ARGUMENT: r.value:/);
    expect(fails({ value: 1e16 })).to.match(/^INVALID_ARGUMENT: r.value:/);
    expect(fails({ value: '3400' })).to.equal(
      'INVALID_ARGUMENT: r.value: must be an integer JSON number, got "3400"',
    );
    expect(fails({ seq: 0 })).to.match(/^INVALID_ARGUMENT: r.seq:/);
    expect(fails({ seq: '2' })).to.match(/^INVALID_ARGUMENT: r.seq: must be an integer JSON number/);
    expect(fails({ extra: 1 })).to.match(/unknown field\(s\) 'extra'/);
    expect(fails({ signature: 'not base64!' })).to.match(/^INVALID_ARGUMENT: r.signature:/);
    expect(fails({ deviceId: 'did:cityledger:civic:m' })).to.equal(
      "INVALID_ARGUMENT: r.deviceId: must be a device of channel 'energy'",
    );
  });

  it('takes only the two registers of a meter, in Wh', () => {
    const fails = (changes: Record<string, unknown>) =>
      error(() => parseMeterReading('r', { ...signed(base), ...changes }, 'energy'));
    expect(fails({ metric: 'pm2_5' })).to.equal(
      "INVALID_ARGUMENT: r.metric: must be one of 'import_wh', 'export_wh', got \"pm2_5\"",
    );
    expect(fails({ metric: undefined })).to.match(/^INVALID_ARGUMENT: r.metric:/);
    expect(fails({ unit: 'kWh' })).to.equal('INVALID_ARGUMENT: r.unit: must be one of \'Wh\', got "kWh"');
  });

  it('takes the first reading of a meter as the baseline of its register', () => {
    expect(advanceRegisters('r', claim(), undefined)).to.deep.equal({
      exportWh: 3400,
      importDeltaWh: 0,
      exportDeltaWh: 0,
    });
  });

  it('moves the reported register and carries the other one forward from the previous reading', () => {
    const previous = {
      seq: 1,
      timestamp: '2025-01-01T10:15:00.000Z',
      metric: 'import_wh',
      importWh: 1000,
      exportWh: 3000,
    };
    expect(advanceRegisters('r', claim(), previous)).to.deep.equal({
      importWh: 1000,
      exportWh: 3400,
      importDeltaWh: 0,
      exportDeltaWh: 400,
    });
  });

  it('takes the first reading of a register as its baseline even after readings of the other one', () => {
    const previous = { seq: 1, timestamp: '2025-01-01T10:00:00.000Z', metric: 'import_wh', importWh: 1000 };
    expect(advanceRegisters('r', claim(), previous)).to.deep.equal({
      importWh: 1000,
      exportWh: 3400,
      importDeltaWh: 0,
      exportDeltaWh: 0,
    });
  });

  it('refuses a decreasing register', () => {
    expect(
      error(() =>
        advanceRegisters('r', claim(), {
          seq: 1,
          timestamp: '2025-01-01T10:00:00.000Z',
          metric: 'import_wh',
          importWh: 1000,
          exportWh: 3401,
        }),
      ),
    ).to.equal(
      'INVALID_ARGUMENT: r.value: export_wh is a cumulative register and must not decrease (3401 as of seq 1, got 3400)',
    );
  });

  it('refuses a timestamp before the previous reading, or the same register twice at one instant', () => {
    const previous = (timestamp: string, metric: string) => ({
      seq: 1,
      timestamp,
      metric,
      importWh: 0,
      exportWh: 0,
    });
    expect(
      error(() => advanceRegisters('r', claim(), previous('2025-01-01T10:15:00.001Z', 'import_wh'))),
    ).to.equal(
      'INVALID_ARGUMENT: r.timestamp: must not be earlier than the timestamp 2025-01-01T10:15:00.001Z of seq 1',
    );
    expect(
      error(() => advanceRegisters('r', claim(), previous('2025-01-01T10:15:00.000Z', 'export_wh'))),
    ).to.equal(
      'INVALID_ARGUMENT: r.timestamp: must be later than the timestamp 2025-01-01T10:15:00.000Z of seq 1, which read export_wh too',
    );
    expect(
      advanceRegisters('r', claim(), previous('2025-01-01T10:15:00.000Z', 'import_wh')).exportDeltaWh,
    ).to.equal(3400);
  });
});
