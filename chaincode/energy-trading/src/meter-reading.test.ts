import { expect } from 'chai';
import { generateKeyPairSync, sign } from 'node:crypto';
import { canonicalJson } from '@cityledger/chaincode-common';
import { parseMeterReading, registerDeltas, verifyReadingSignature } from './meter-reading';

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
  importWh: 1200,
  exportWh: 3400,
};

describe('meter readings', () => {
  it('parses a reading, naming the meter by DID', () => {
    const reading = parseMeterReading('r', signed(base), 'energy');
    expect(reading).to.include({
      meterDid: 'did:cityledger:energy:meter-1',
      seq: 2,
      timestamp: '2025-01-01T10:15:00.000Z',
      importWh: 1200,
      exportWh: 3400,
    });
  });

  it('verifies the device signature over the reading as sent, without the signature', () => {
    const reading = parseMeterReading('r', signed(base), 'energy');
    expect(verifyReadingSignature(reading, pem)).to.equal(true);
    const tampered = parseMeterReading('r', { ...signed(base), exportWh: 3500 }, 'energy');
    expect(verifyReadingSignature(tampered, pem)).to.equal(false);
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    expect(verifyReadingSignature(reading, otherKey.toString())).to.equal(false);
  });

  it('refuses malformed fields by name', () => {
    expect(error(() => parseMeterReading('r', { ...signed(base), importWh: -1 }, 'energy'))).to.match(
      /^INVALID_ARGUMENT: r.importWh:/,
    );
    expect(error(() => parseMeterReading('r', { ...signed(base), importWh: 1.5 }, 'energy'))).to.match(
      /^INVALID_ARGUMENT: r.importWh:/,
    );
    expect(error(() => parseMeterReading('r', { ...signed(base), seq: 0 }, 'energy'))).to.match(
      /^INVALID_ARGUMENT: r.seq:/,
    );
    expect(error(() => parseMeterReading('r', { ...signed(base), extra: 1 }, 'energy'))).to.match(
      /unknown field\(s\) 'extra'/,
    );
    expect(
      error(() => parseMeterReading('r', { ...signed(base), signature: 'not base64!' }, 'energy')),
    ).to.match(/^INVALID_ARGUMENT: r.signature:/);
    expect(
      error(() => parseMeterReading('r', { ...signed(base), deviceId: 'did:cityledger:civic:m' }, 'energy')),
    ).to.equal("INVALID_ARGUMENT: r.deviceId: must be a device of channel 'energy'");
  });

  it('takes the first reading of a meter as the baseline', () => {
    const reading = parseMeterReading('r', signed(base), 'energy');
    expect(registerDeltas('r', reading, undefined)).to.deep.equal({ importDeltaWh: 0, exportDeltaWh: 0 });
  });

  it('returns the energy moved since the previous reading', () => {
    const reading = parseMeterReading('r', signed(base), 'energy');
    const previous = { seq: 1, timestamp: '2025-01-01T10:00:00.000Z', importWh: 1000, exportWh: 3000 };
    expect(registerDeltas('r', reading, previous)).to.deep.equal({ importDeltaWh: 200, exportDeltaWh: 400 });
  });

  it('refuses a decreasing counter or a timestamp not after the previous reading', () => {
    const reading = parseMeterReading('r', signed(base), 'energy');
    expect(
      error(() =>
        registerDeltas('r', reading, {
          seq: 1,
          timestamp: '2025-01-01T10:00:00.000Z',
          importWh: 1000,
          exportWh: 3401,
        }),
      ),
    ).to.equal(
      'INVALID_ARGUMENT: r.exportWh: is a cumulative counter and must not decrease (seq 1 had 3401, got 3400)',
    );
    expect(
      error(() =>
        registerDeltas('r', reading, {
          seq: 1,
          timestamp: '2025-01-01T10:15:00.000Z',
          importWh: 0,
          exportWh: 0,
        }),
      ),
    ).to.equal(
      'INVALID_ARGUMENT: r.timestamp: must be later than the timestamp 2025-01-01T10:15:00.000Z of seq 1',
    );
  });
});
