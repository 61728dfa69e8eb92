import { expect } from 'chai';
import { FakeLedger } from '@cityledger/chaincode-common/dist/testing';
import { auditor, contract, did, marketWith, operator, submitFails, userOf } from './energy-test-support';
import type { MeterReading } from './records';

const ADA_METER = did('meter-ada');
const at = (time: string) => ({ ...operator, time });

async function market() {
  return marketWith(new FakeLedger('energy', '2025-01-01T09:00:00.000Z'), { ada: 0, bob: 0 });
}

describe('EnergyTradingContract — meter readings', () => {
  it('accepts a batch of signed readings of several meters and records each under its own key', async () => {
    const { ledger, meters } = await market();
    const batch = [
      meters.ada.read('2025-01-01T10:00:00Z'),
      meters.bob.read('2025-01-01T10:00:00Z'),
      meters.ada.read('2025-01-01T10:15:00Z', { exportWh: 1200, importWh: 100 }),
      meters.bob.read('2025-01-01T10:15:00Z', { importWh: 900 }),
    ];
    const result = await ledger.submit(at('2025-01-01T10:16:00Z'), (ctx) =>
      contract.SubmitMeterReadings(ctx, JSON.stringify(batch)),
    );
    expect(result).to.deep.equal({
      accepted: 4,
      duplicates: 0,
      meters: [
        { meterDid: ADA_METER, fromSeq: 1, toSeq: 2, count: 2 },
        { meterDid: did('meter-bob'), fromSeq: 1, toSeq: 2, count: 2 },
      ],
    });
    expect(ledger.lastEvent()).to.deep.include({ name: 'MeterReadingsAccepted', payload: result });
    const second = (await ledger.evaluate(auditor, (ctx) =>
      contract.GetMeterReading(ctx, ADA_METER, '2'),
    )) as MeterReading;
    expect(second).to.include({
      seq: 2,
      timestamp: '2025-01-01T10:15:00.000Z',
      importWh: 100,
      exportWh: 1200,
      importDeltaWh: 100,
      exportDeltaWh: 1200,
      interval: '2025-01-01T10:00:00.000Z',
      keyId: `${ADA_METER}#key-1`,
    });
    const page = await ledger.evaluate(auditor, (ctx) =>
      contract.ListMeterReadings(ctx, ADA_METER, '10', ''),
    );
    expect(page.records.map((r) => [r.seq, r.importDeltaWh, r.exportDeltaWh])).to.deep.equal([
      [1, 0, 0],
      [2, 100, 1200],
    ]);
  });

  it('never rewrites a key: each reading adds its own reading and interval-index keys', async () => {
    const { ledger, meters } = await market();
    await ledger.submit(at('2025-01-01T10:01:00Z'), (ctx) =>
      contract.SubmitMeterReadings(ctx, JSON.stringify([meters.ada.read('2025-01-01T10:00:00Z')])),
    );
    const tx = ledger.begin(at('2025-01-01T10:16:00Z'));
    await contract.SubmitMeterReadings(
      tx.ctx,
      JSON.stringify([meters.ada.read('2025-01-01T10:15:00Z', { exportWh: 5 })]),
    );
    expect([...tx.writes.keys()].every((key) => !ledger.state.has(key))).to.equal(true);
    expect(tx.writes.size).to.equal(2);
  });

  it('continues a meter across batches, checking the predecessor on the ledger', async () => {
    const { ledger, meters } = await market();
    await ledger.submit(at('2025-01-01T10:01:00Z'), (ctx) =>
      contract.SubmitMeterReadings(
        ctx,
        JSON.stringify([meters.ada.read('2025-01-01T10:00:00Z', { importWh: 50 })]),
      ),
    );
    await ledger.submit(at('2025-01-01T10:16:00Z'), (ctx) =>
      contract.SubmitMeterReadings(
        ctx,
        JSON.stringify([meters.ada.read('2025-01-01T10:15:00Z', { importWh: 70 })]),
      ),
    );
    const reading = (await ledger.evaluate(auditor, (ctx) =>
      contract.GetMeterReading(ctx, ADA_METER, '2'),
    )) as MeterReading;
    expect(reading).to.include({ importWh: 120, importDeltaWh: 70 });
  });

  it('refuses a reading with a bad signature', async () => {
    const { ledger, meters } = await market();
    const reading = { ...meters.ada.read('2025-01-01T10:00:00Z'), importWh: 999 };
    expect(
      await submitFails(ledger, at('2025-01-01T10:01:00Z'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify([reading])),
      ),
    ).to.equal(`INVALID_ARGUMENT: readingsJson[0].signature: does not verify with ${ADA_METER}#key-1`);
  });

  it('refuses a reading with a decreasing counter', async () => {
    const { ledger, meters } = await market();
    const first = meters.ada.read('2025-01-01T10:00:00Z', { exportWh: 500 });
    const decreasing = meters.ada.signed({
      deviceId: 'meter-ada',
      seq: 2,
      timestamp: '2025-01-01T10:15:00Z',
      importWh: 0,
      exportWh: 400,
    });
    expect(
      await submitFails(ledger, at('2025-01-01T10:16:00Z'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify([first, decreasing])),
      ),
    ).to.equal(
      'INVALID_ARGUMENT: readingsJson[1].exportWh: is a cumulative counter and must not decrease (seq 1 had 500, got 400)',
    );
  });

  it('refuses a gap in the sequence numbers of a meter', async () => {
    const { ledger, meters } = await market();
    await ledger.submit(at('2025-01-01T10:01:00Z'), (ctx) =>
      contract.SubmitMeterReadings(ctx, JSON.stringify([meters.ada.read('2025-01-01T10:00:00Z')])),
    );
    meters.ada.read('2025-01-01T10:05:00Z'); // lost on the way
    const third = meters.ada.read('2025-01-01T10:10:00Z');
    expect(
      await submitFails(ledger, at('2025-01-01T10:11:00Z'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify([third])),
      ),
    ).to.equal(`CONFLICT: seq 3 of ${ADA_METER} does not follow an accepted reading (seq 2 is missing)`);
  });

  it('skips a reading already on the ledger, so a retried batch lands once', async () => {
    const { ledger, meters } = await market();
    const batch = [
      meters.ada.read('2025-01-01T10:00:00Z'),
      meters.ada.read('2025-01-01T10:15:00Z', { importWh: 3 }),
    ];
    await ledger.submit(at('2025-01-01T10:16:00Z'), (ctx) =>
      contract.SubmitMeterReadings(ctx, JSON.stringify(batch.slice(0, 1))),
    );
    const events = ledger.events.length;
    const result = await ledger.submit(at('2025-01-01T10:17:00Z'), (ctx) =>
      contract.SubmitMeterReadings(ctx, JSON.stringify(batch)),
    );
    expect(result).to.deep.include({ accepted: 1, duplicates: 1 });
    const replay = await ledger.submit(at('2025-01-01T10:18:00Z'), (ctx) =>
      contract.SubmitMeterReadings(ctx, JSON.stringify(batch)),
    );
    expect(replay).to.deep.equal({ accepted: 0, duplicates: 2, meters: [] });
    expect(ledger.events.length, 'a batch that changes nothing emits nothing').to.equal(events + 1);
  });

  it('refuses a different reading under a sequence number already used', async () => {
    const { ledger, meters } = await market();
    await ledger.submit(at('2025-01-01T10:01:00Z'), (ctx) =>
      contract.SubmitMeterReadings(ctx, JSON.stringify([meters.ada.read('2025-01-01T10:00:00Z')])),
    );
    const forged = meters.ada.signed({
      deviceId: 'meter-ada',
      seq: 1,
      timestamp: '2025-01-01T10:00:00Z',
      importWh: 7,
      exportWh: 0,
    });
    expect(
      await submitFails(ledger, at('2025-01-01T10:02:00Z'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify([forged])),
      ),
    ).to.equal(`CONFLICT: seq 1 of ${ADA_METER} already holds a different reading`);
  });

  it('verifies each reading with the key that was valid when it was taken', async () => {
    const { ledger, meters } = await market();
    const before = meters.ada.read('2025-01-01T10:00:00Z');
    meters.ada.rotateKey('2025-01-01T10:05:00.000Z');
    const after = meters.ada.read('2025-01-01T10:15:00Z', { importWh: 1 });
    const result = await ledger.submit(at('2025-01-01T10:16:00Z'), (ctx) =>
      contract.SubmitMeterReadings(ctx, JSON.stringify([before, after])),
    );
    expect(result.accepted).to.equal(2);
    const second = (await ledger.evaluate(auditor, (ctx) =>
      contract.GetMeterReading(ctx, ADA_METER, '2'),
    )) as MeterReading;
    expect(second.keyId).to.equal(`${ADA_METER}#key-2`);
  });

  it('refuses readings of unlinked meters, from the future, repeated in a batch, or malformed', async () => {
    const { ledger, meters, identity } = await market();
    const stray = identity.registerMeter(did('meter-stray'), did('ada'));
    expect(
      await submitFails(ledger, at('2025-01-01T10:01:00Z'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify([stray.read('2025-01-01T10:00:00Z')])),
      ),
    ).to.equal(`NOT_FOUND: meter ${did('meter-stray')} is not linked to a prosumer account`);
    expect(
      await submitFails(ledger, at('2025-01-01T10:01:00Z'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify([meters.ada.read('2025-01-01T10:07:00Z')])),
      ),
    ).to.equal('INVALID_ARGUMENT: readingsJson[0].timestamp: is in the future (2025-01-01T10:07:00.000Z)');
    const once = meters.bob.read('2025-01-01T10:00:00Z');
    expect(
      await submitFails(ledger, at('2025-01-01T10:01:00Z'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify([once, once])),
      ),
    ).to.match(/^INVALID_ARGUMENT: readingsJson\[\d\].seq: repeats seq 1 of/);
    expect(await submitFails(ledger, operator, (ctx) => contract.SubmitMeterReadings(ctx, '[]'))).to.equal(
      'INVALID_ARGUMENT: readingsJson: must have at least 1 item(s)',
    );
    expect(
      await submitFails(ledger, operator, (ctx) =>
        contract.SubmitMeterReadings(ctx, '[{"deviceId":"meter-ada"}]'),
      ),
    ).to.match(/^INVALID_ARGUMENT: readingsJson\[0\].seq:/);
  });

  it('takes readings only from UtilityMSP operators (the IoT bridge)', async () => {
    const { ledger, meters } = await market();
    const reading = meters.ada.read('2025-01-01T10:00:00Z');
    expect(
      await submitFails(ledger, userOf('ada'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify([reading])),
      ),
    ).to.match(/^ACCESS_DENIED: CityMSP 'citizen' may not submit meter readings/);
  });
});
