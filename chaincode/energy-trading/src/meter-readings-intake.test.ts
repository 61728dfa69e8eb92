import { expect } from 'chai';
import { FakeLedger } from '@cityledger/chaincode-common/testing';
import { auditor, contract, did, marketWith, operator, submitFails, userOf } from './energy-test-support';
import type { MeterReading } from './records';

const ADA_METER = did('meter-ada');
const at = (time: string) => ({ ...operator, time });

async function market() {
  return marketWith(new FakeLedger('energy', '2025-01-01T09:00:00.000Z'), { ada: 0, bob: 0 });
}

async function readingOf(ledger: FakeLedger, seq: number, meterDid = ADA_METER): Promise<MeterReading> {
  return (await ledger.evaluate(auditor, (ctx) =>
    contract.GetMeterReading(ctx, meterDid, String(seq)),
  )) as MeterReading;
}

describe('EnergyTradingContract — meter readings', () => {
  it('accepts a batch of signed register readings of several meters and records each under its own key', async () => {
    const { ledger, meters } = await market();
    const batch = [
      ...meters.ada.readRegisters('2025-01-01T10:00:00Z'),
      ...meters.bob.readRegisters('2025-01-01T10:00:00Z'),
      ...meters.ada.readRegisters('2025-01-01T10:15:00Z', { exportWh: 1200, importWh: 100 }),
      meters.bob.read('import_wh', '2025-01-01T10:15:00Z', 900),
    ];
    const result = await ledger.submit(at('2025-01-01T10:16:00Z'), (ctx) =>
      contract.SubmitMeterReadings(ctx, JSON.stringify(batch)),
    );
    expect(result).to.deep.equal({
      accepted: 7,
      duplicates: 0,
      meters: [
        { meterDid: ADA_METER, fromSeq: 1, toSeq: 4, count: 4 },
        { meterDid: did('meter-bob'), fromSeq: 1, toSeq: 3, count: 3 },
      ],
    });
    expect(ledger.lastEvent()).to.deep.include({ name: 'MeterReadingsAccepted', payload: result });
    expect(await readingOf(ledger, 4)).to.deep.include({
      seq: 4,
      timestamp: '2025-01-01T10:15:00.000Z',
      metric: 'export_wh',
      value: 1200,
      unit: 'Wh',
      importWh: 100,
      exportWh: 1200,
      importDeltaWh: 0,
      exportDeltaWh: 1200,
      interval: '2025-01-01T10:00:00.000Z',
      keyId: `${ADA_METER}#key-1`,
    });
    const page = await ledger.evaluate(auditor, (ctx) =>
      contract.ListMeterReadings(ctx, ADA_METER, '10', ''),
    );
    expect(
      page.records.map((r) => [r.seq, r.metric, r.importWh, r.exportWh, r.importDeltaWh, r.exportDeltaWh]),
    ).to.deep.equal([
      [1, 'import_wh', 0, undefined, 0, 0],
      [2, 'export_wh', 0, 0, 0, 0],
      [3, 'import_wh', 100, 0, 100, 0],
      [4, 'export_wh', 100, 1200, 0, 1200],
    ]);
  });

  it('carries a register not yet reported as absent and takes its first reading as its baseline', async () => {
    const { ledger, meters } = await market();
    await ledger.submit(at('2025-01-01T10:16:00Z'), (ctx) =>
      contract.SubmitMeterReadings(
        ctx,
        JSON.stringify([
          meters.ada.read('import_wh', '2025-01-01T10:00:00Z', 5000),
          meters.ada.read('import_wh', '2025-01-01T10:10:00Z', 40),
          meters.ada.read('export_wh', '2025-01-01T10:15:00Z', 7000),
        ]),
      ),
    );
    const stored = await Promise.all([1, 2, 3].map((seq) => readingOf(ledger, seq)));
    expect(stored.map((r) => [r.importWh, r.exportWh, r.importDeltaWh, r.exportDeltaWh])).to.deep.equal([
      [5000, undefined, 0, 0],
      [5040, undefined, 40, 0],
      [5040, 7000, 0, 0],
    ]);
    expect(stored[0]).to.not.have.property('exportWh');
  });

  it('never rewrites a key: each reading adds its own reading and interval-index keys', async () => {
    const { ledger, meters } = await market();
    await ledger.submit(at('2025-01-01T10:01:00Z'), (ctx) =>
      contract.SubmitMeterReadings(ctx, JSON.stringify(meters.ada.readRegisters('2025-01-01T10:00:00Z'))),
    );
    const tx = ledger.begin(at('2025-01-01T10:16:00Z'));
    await contract.SubmitMeterReadings(
      tx.ctx,
      JSON.stringify([meters.ada.read('export_wh', '2025-01-01T10:15:00Z', 5)]),
    );
    expect([...tx.writes.keys()].every((key) => !ledger.state.has(key))).to.equal(true);
    expect(tx.writes.size).to.equal(2);
  });

  it('continues a meter across batches, carrying both registers from the predecessor on the ledger', async () => {
    const { ledger, meters } = await market();
    await ledger.submit(at('2025-01-01T10:01:00Z'), (ctx) =>
      contract.SubmitMeterReadings(
        ctx,
        JSON.stringify(meters.ada.readRegisters('2025-01-01T10:00:00Z', { importWh: 50, exportWh: 9 })),
      ),
    );
    await ledger.submit(at('2025-01-01T10:16:00Z'), (ctx) =>
      contract.SubmitMeterReadings(
        ctx,
        JSON.stringify([meters.ada.read('import_wh', '2025-01-01T10:15:00Z', 70)]),
      ),
    );
    expect(await readingOf(ledger, 3)).to.include({
      importWh: 120,
      exportWh: 9,
      importDeltaWh: 70,
      exportDeltaWh: 0,
    });
  });

  it('refuses a reading with a bad signature', async () => {
    const { ledger, meters } = await market();
    const reading = { ...meters.ada.read('import_wh', '2025-01-01T10:00:00Z'), value: 999 };
    expect(
      await submitFails(ledger, at('2025-01-01T10:01:00Z'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify([reading])),
      ),
    ).to.equal(`INVALID_ARGUMENT: readingsJson[0].signature: does not verify with ${ADA_METER}#key-1`);
  });

  it('refuses a metric the meter may not publish according to identity', async () => {
    const { ledger, identity } = await market();
    const consumer = identity.registerMeter(did('meter-cy'), did('ada'), { metrics: ['import_wh'] });
    await ledger.submit(operator, (ctx) => contract.LinkMeter(ctx, did('ada'), consumer.did));
    expect(
      await submitFails(ledger, at('2025-01-01T10:01:00Z'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify(consumer.readRegisters('2025-01-01T10:00:00Z'))),
      ),
    ).to.equal(
      `INVALID_ARGUMENT: readingsJson[1].metric: ${consumer.did} may not publish export_wh (identity allows import_wh)`,
    );
  });

  it('refuses a decreasing register, comparing with its value carried across readings of the other one', async () => {
    const { ledger, meters } = await market();
    const readings = [
      ...meters.ada.readRegisters('2025-01-01T10:00:00Z', { exportWh: 500 }),
      meters.ada.read('import_wh', '2025-01-01T10:05:00Z', 10),
    ];
    const decreasing = meters.ada.signed({
      deviceId: 'meter-ada',
      seq: 4,
      timestamp: '2025-01-01T10:15:00Z',
      metric: 'export_wh',
      value: 400,
    });
    expect(
      await submitFails(ledger, at('2025-01-01T10:16:00Z'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify([...readings, decreasing])),
      ),
    ).to.equal(
      'INVALID_ARGUMENT: readingsJson[3].value: export_wh is a cumulative register and must not decrease (500 as of seq 3, got 400)',
    );
  });

  it('takes both registers read at one instant but not the same register twice at one instant', async () => {
    const { ledger, meters } = await market();
    const pair = meters.ada.readRegisters('2025-01-01T10:00:00Z');
    const twice = meters.ada.read('export_wh', '2025-01-01T10:00:00Z');
    expect(
      await submitFails(ledger, at('2025-01-01T10:01:00Z'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify([...pair, twice])),
      ),
    ).to.equal(
      'INVALID_ARGUMENT: readingsJson[2].timestamp: must be later than the timestamp 2025-01-01T10:00:00.000Z of seq 2, which read export_wh too',
    );
    const result = await ledger.submit(at('2025-01-01T10:01:00Z'), (ctx) =>
      contract.SubmitMeterReadings(ctx, JSON.stringify(pair)),
    );
    expect(result.accepted).to.equal(2);
  });

  it('refuses a gap in the sequence numbers of a meter, across both registers', async () => {
    const { ledger, meters } = await market();
    await ledger.submit(at('2025-01-01T10:01:00Z'), (ctx) =>
      contract.SubmitMeterReadings(
        ctx,
        JSON.stringify([meters.ada.read('import_wh', '2025-01-01T10:00:00Z')]),
      ),
    );
    meters.ada.read('export_wh', '2025-01-01T10:00:00Z'); // lost on the way
    const third = meters.ada.read('import_wh', '2025-01-01T10:10:00Z');
    expect(
      await submitFails(ledger, at('2025-01-01T10:11:00Z'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify([third])),
      ),
    ).to.equal(`CONFLICT: seq 3 of ${ADA_METER} does not follow an accepted reading (seq 2 is missing)`);
  });

  it('skips a reading already on the ledger, so a retried batch lands once', async () => {
    const { ledger, meters } = await market();
    const batch = [
      meters.ada.read('import_wh', '2025-01-01T10:00:00Z'),
      meters.ada.read('import_wh', '2025-01-01T10:15:00Z', 3),
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
    const first = meters.ada.read('import_wh', '2025-01-01T10:00:00Z');
    await ledger.submit(at('2025-01-01T10:01:00Z'), (ctx) =>
      contract.SubmitMeterReadings(ctx, JSON.stringify([first])),
    );
    const changes: Record<string, unknown>[] = [
      { value: 7 },
      { metric: 'export_wh' },
      { unit: undefined },
      { timestamp: '2025-01-01T09:59:00Z' },
    ];
    const variants = changes.map((change) => {
      const { signature: _signature, ...fields } = { ...first, ...change };
      return meters.ada.signed(JSON.parse(JSON.stringify(fields)) as Record<string, unknown>);
    });
    for (const forged of variants) {
      expect(
        await submitFails(ledger, at('2025-01-01T10:02:00Z'), (ctx) =>
          contract.SubmitMeterReadings(ctx, JSON.stringify([forged])),
        ),
        JSON.stringify(forged),
      ).to.equal(`CONFLICT: seq 1 of ${ADA_METER} already holds a different reading`);
    }
  });

  it('verifies each reading with the key that was valid when it was taken', async () => {
    const { ledger, meters } = await market();
    const before = meters.ada.read('import_wh', '2025-01-01T10:00:00Z');
    meters.ada.rotateKey('2025-01-01T10:05:00.000Z');
    const after = meters.ada.read('import_wh', '2025-01-01T10:15:00Z', 1);
    const result = await ledger.submit(at('2025-01-01T10:16:00Z'), (ctx) =>
      contract.SubmitMeterReadings(ctx, JSON.stringify([before, after])),
    );
    expect(result.accepted).to.equal(2);
    expect((await readingOf(ledger, 2)).keyId).to.equal(`${ADA_METER}#key-2`);
  });

  it('refuses readings of unlinked meters, from the future, repeated in a batch, or malformed', async () => {
    const { ledger, meters, identity } = await market();
    const stray = identity.registerMeter(did('meter-stray'), did('ada'));
    expect(
      await submitFails(ledger, at('2025-01-01T10:01:00Z'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify([stray.read('import_wh', '2025-01-01T10:00:00Z')])),
      ),
    ).to.equal(`NOT_FOUND: meter ${did('meter-stray')} is not linked to a prosumer account`);
    expect(
      await submitFails(ledger, at('2025-01-01T10:01:00Z'), (ctx) =>
        contract.SubmitMeterReadings(
          ctx,
          JSON.stringify([meters.ada.read('import_wh', '2025-01-01T10:07:00Z')]),
        ),
      ),
    ).to.equal('INVALID_ARGUMENT: readingsJson[0].timestamp: is in the future (2025-01-01T10:07:00.000Z)');
    const once = meters.bob.read('import_wh', '2025-01-01T10:00:00Z');
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

  it('refuses the former two-register format: only generic device readings are taken', async () => {
    const { ledger, meters } = await market();
    const legacy = meters.ada.signed({
      deviceId: 'meter-ada',
      seq: 1,
      timestamp: '2025-01-01T10:00:00Z',
      importWh: 0,
      exportWh: 0,
    });
    expect(
      await submitFails(ledger, at('2025-01-01T10:01:00Z'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify([legacy])),
      ),
    ).to.equal("INVALID_ARGUMENT: readingsJson[0]: has unknown field(s) 'importWh', 'exportWh'");
  });

  it('takes readings only from UtilityMSP operators (the IoT bridge)', async () => {
    const { ledger, meters } = await market();
    const reading = meters.ada.read('import_wh', '2025-01-01T10:00:00Z');
    expect(
      await submitFails(ledger, userOf('ada'), (ctx) =>
        contract.SubmitMeterReadings(ctx, JSON.stringify([reading])),
      ),
    ).to.match(/^ACCESS_DENIED: CityMSP 'citizen' may not submit meter readings/);
  });
});
