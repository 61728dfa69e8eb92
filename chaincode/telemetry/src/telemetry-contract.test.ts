import { expect } from 'chai';
import { failure, FakeLedger, type TxOptions } from '@cityledger/chaincode-common/testing';
import { jsonLeafHash, merkleRoot, merkleTree } from '@cityledger/proofs';
import { TelemetryContract } from './telemetry-contract';

const contract = new TelemetryContract();
const cityOperator: TxOptions = { mspId: 'CityMSP', role: 'operator' };
const utilityOperator: TxOptions = { mspId: 'UtilityMSP', role: 'operator' };
const citizen: TxOptions = { mspId: 'CityMSP', role: 'citizen' };
const auditor: TxOptions = { mspId: 'AuditorMSP', role: 'auditor' };
const AQ1 = 'did:cityledger:civic:aq-1';
const AQ2 = 'did:cityledger:civic:aq-2';

const feedDefinition = {
  feedId: 'air',
  description: 'Air quality, city centre',
  metrics: [
    { name: 'pm2_5', unit: 'ug/m3' },
    { name: 'no2', unit: 'ug/m3' },
  ],
  deviceKinds: ['air-quality-sensor'],
  thresholds: [{ metric: 'pm2_5', comparison: 'gt', limit: 25 }],
};

function reading(deviceId: string, seq: number, value: number, second = 10) {
  return {
    deviceId,
    seq,
    timestamp: `2025-01-01T00:00:${String(second).padStart(2, '0')}.000Z`,
    metric: 'pm2_5',
    value,
    unit: 'ug/m3',
    signature: 'MEUCIQ==',
  };
}

function batchOf(batchId: string, readings: ReturnType<typeof reading>[], extra: object = {}) {
  const perDevice: Record<string, { firstSeq: number; lastSeq: number }> = {};
  for (const r of readings) {
    const range = perDevice[r.deviceId];
    perDevice[r.deviceId] = range
      ? { firstSeq: Math.min(range.firstSeq, r.seq), lastSeq: Math.max(range.lastSeq, r.seq) }
      : { firstSeq: r.seq, lastSeq: r.seq };
  }
  return {
    feedId: 'air',
    batchId,
    merkleRoot: merkleRoot(readings.map(jsonLeafHash)),
    count: readings.length,
    perDevice,
    from: '2025-01-01T00:00:00.000Z',
    to: '2025-01-01T00:01:00.000Z',
    ...extra,
  };
}

async function withFeed(): Promise<FakeLedger> {
  const ledger = new FakeLedger('civic', '2025-01-01T01:00:00.000Z');
  await ledger.submit(cityOperator, (ctx) => contract.CreateFeed(ctx, JSON.stringify(feedDefinition)));
  return ledger;
}

const anchor = (ledger: FakeLedger, batch: object, caller = cityOperator) =>
  ledger.submit(caller, (ctx) => contract.AnchorBatch(ctx, JSON.stringify(batch)));

describe('TelemetryContract', () => {
  describe('feeds', () => {
    it('creates a feed owned by the operator’s org on this channel', async () => {
      const ledger = await withFeed();
      const feed = await ledger.evaluate(auditor, (ctx) => contract.GetFeed(ctx, 'air'));
      expect(feed).to.deep.include({
        feedId: 'air',
        channel: 'civic',
        ownerMsp: 'CityMSP',
        created: '2025-01-01T01:00:01.000Z',
      });
      expect(feed.thresholds).to.deep.equal([{ metric: 'pm2_5', comparison: 'gt', limit: 25 }]);
      expect(ledger.lastEvent()).to.deep.include({ name: 'FeedCreated' });
      expect(
        (await ledger.evaluate(auditor, (ctx) => contract.ListFeeds(ctx, '', ''))).records,
      ).to.have.length(1);
    });

    it('refuses feeds from citizens and the auditor, and duplicates', async () => {
      const ledger = await withFeed();
      for (const caller of [citizen, auditor]) {
        expect(
          await failure(
            ledger.submit(caller, (ctx) => contract.CreateFeed(ctx, JSON.stringify(feedDefinition))),
          ),
        ).to.match(/^ACCESS_DENIED: .* may not create feeds/);
      }
      expect(
        await failure(
          ledger.submit(cityOperator, (ctx) => contract.CreateFeed(ctx, JSON.stringify(feedDefinition))),
        ),
      ).to.equal('CONFLICT: feed air already exists');
    });

    it('validates the feed definition field by field', async () => {
      const ledger = new FakeLedger('civic');
      const cases: [object, RegExp][] = [
        [{ ...feedDefinition, feedId: 'a b' }, /^INVALID_ARGUMENT: feedJson.feedId:/],
        [{ ...feedDefinition, metrics: [] }, /^INVALID_ARGUMENT: feedJson.metrics: must have at least 1/],
        [
          { ...feedDefinition, metrics: [{ name: 'pm2_5' }] },
          /^INVALID_ARGUMENT: feedJson.metrics\[0\].unit:/,
        ],
        [{ ...feedDefinition, deviceKinds: ['Air Sensor'] }, /^INVALID_ARGUMENT: feedJson.deviceKinds\[0\]:/],
        [
          { ...feedDefinition, thresholds: [{ metric: 'co2', comparison: 'gt', limit: 1 }] },
          /^INVALID_ARGUMENT: feedJson.thresholds\[0\].metric: must be one of/,
        ],
        [
          { ...feedDefinition, thresholds: [{ metric: 'pm2_5', comparison: 'eq', limit: 1 }] },
          /^INVALID_ARGUMENT: feedJson.thresholds\[0\].comparison:/,
        ],
        [
          { ...feedDefinition, thresholds: [{ metric: 'pm2_5', comparison: 'gt', limit: 'high' }] },
          /^INVALID_ARGUMENT: feedJson.thresholds\[0\].limit:/,
        ],
        [{ ...feedDefinition, owner: 'me' }, /^INVALID_ARGUMENT: feedJson: has unknown field\(s\) 'owner'/],
      ];
      for (const [definition, expected] of cases) {
        expect(
          await failure(
            ledger.submit(cityOperator, (ctx) => contract.CreateFeed(ctx, JSON.stringify(definition))),
          ),
        ).to.match(expected);
      }
      expect(ledger.state.size).to.equal(0);
    });

    it('lets only the owner org change the thresholds', async () => {
      const ledger = await withFeed();
      const rules = JSON.stringify([{ metric: 'no2', comparison: 'gte', limit: 40 }]);
      expect(
        await failure(
          ledger.submit(utilityOperator, (ctx) => contract.UpdateFeedThresholds(ctx, 'air', rules)),
        ),
      ).to.equal("ACCESS_DENIED: UtilityMSP 'operator' may not change feed air; only CityMSP may");
      const feed = await ledger.submit(cityOperator, (ctx) =>
        contract.UpdateFeedThresholds(ctx, 'air', rules),
      );
      expect(feed.thresholds).to.deep.equal([{ metric: 'no2', comparison: 'gte', limit: 40 }]);
      expect(ledger.lastEvent()!.name).to.equal('FeedThresholdsUpdated');
      const history = await ledger.evaluate(auditor, (ctx) => contract.GetFeedHistory(ctx, 'air'));
      expect(history).to.have.length(2);
      expect(
        await failure(
          ledger.submit(cityOperator, (ctx) =>
            contract.UpdateFeedThresholds(ctx, 'air', '[{"metric":"x","comparison":"gt","limit":1}]'),
          ),
        ),
      ).to.match(/^INVALID_ARGUMENT: thresholdsJson\[0\].metric:/);
    });
  });

  describe('batch anchoring', () => {
    it('anchors a batch and emits BatchAnchored with its ranges', async () => {
      const ledger = await withFeed();
      const readings = [reading(AQ1, 1, 10), reading(AQ1, 2, 11), reading(AQ2, 7, 12)];
      const batch = batchOf('b1', readings);
      const result = await anchor(ledger, batch);
      expect(result).to.deep.include({
        batchId: 'b1',
        count: 3,
        anchoredBy: 'CityMSP',
        alertCount: 0,
        txId: 'tx000002',
      });
      expect(ledger.lastEvent()).to.deep.equal({
        txId: 'tx000002',
        name: 'BatchAnchored',
        payload: {
          feedId: 'air',
          batchId: 'b1',
          merkleRoot: batch.merkleRoot,
          count: 3,
          perDevice: { [AQ1]: { firstSeq: 1, lastSeq: 2 }, [AQ2]: { firstSeq: 7, lastSeq: 7 } },
          from: '2025-01-01T00:00:00.000Z',
          to: '2025-01-01T00:01:00.000Z',
          anchoredAt: '2025-01-01T01:00:02.000Z',
          thresholdExceeded: false,
          alerts: [],
        },
      });
      expect(await ledger.evaluate(auditor, (ctx) => contract.IsSeqAnchored(ctx, AQ1, '2'))).to.deep.equal({
        deviceId: AQ1,
        seq: 2,
        anchored: true,
      });
      expect(
        (await ledger.evaluate(auditor, (ctx) => contract.IsSeqAnchored(ctx, AQ1, '3'))).anchored,
      ).to.equal(false);
      const page = await ledger.evaluate(auditor, (ctx) => contract.ListBatchesByFeed(ctx, 'air', '10', ''));
      expect(page.records.map((b) => b.batchId)).to.deep.equal(['b1']);
    });

    it('refuses a batch that overlaps readings already anchored for a device', async () => {
      const ledger = await withFeed();
      await anchor(ledger, batchOf('b1', [reading(AQ1, 1, 10), reading(AQ1, 5, 11)]));
      const before = new Map(ledger.state);
      expect(
        await failure(
          anchor(ledger, batchOf('b2', [reading(AQ2, 1, 1), reading(AQ1, 4, 10), reading(AQ1, 9, 10)])),
        ),
      ).to.equal(`CONFLICT: readings 1..5 of device ${AQ1} are already anchored; batch b2 claims 4..9`);
      expect(ledger.state).to.deep.equal(before);
      await anchor(ledger, batchOf('b3', [reading(AQ1, 6, 10), reading(AQ1, 9, 10)]));
      await anchor(ledger, batchOf('b4', [reading(AQ2, 1, 10)]));
    });

    it('detects overlaps across coverage buckets and keeps keys per device', async () => {
      const ledger = await withFeed();
      await anchor(ledger, batchOf('b1', [reading(AQ1, 4000, 1), reading(AQ1, 9000, 1)]));
      expect(await failure(anchor(ledger, batchOf('b2', [reading(AQ1, 8999, 1)])))).to.match(
        /^CONFLICT: readings 8192..9000/,
      );
      const coverageKeys = ledger.keys('seq-coverage');
      expect(coverageKeys).to.have.length(3);
      expect(coverageKeys.every((k) => k.includes(AQ1))).to.equal(true);
      await anchor(ledger, batchOf('b3', [reading(AQ1, 3999, 1)]));
      expect(ledger.getJson(coverageKeys[0])).to.deep.equal({
        deviceId: AQ1,
        bucket: 0,
        ranges: [[3999, 4095]],
      });
    });

    it('refuses a batch id twice', async () => {
      const ledger = await withFeed();
      await anchor(ledger, batchOf('b1', [reading(AQ1, 1, 10)]));
      expect(await failure(anchor(ledger, batchOf('b1', [reading(AQ1, 2, 10)])))).to.equal(
        'CONFLICT: batch b1 is already anchored',
      );
    });

    it('lets only operators of the feed’s owner org anchor', async () => {
      const ledger = await withFeed();
      const batch = batchOf('b1', [reading(AQ1, 1, 10)]);
      expect(await failure(anchor(ledger, batch, utilityOperator))).to.equal(
        "ACCESS_DENIED: UtilityMSP 'operator' may not anchor batches of feed air; only CityMSP may",
      );
      for (const caller of [citizen, auditor]) {
        expect(await failure(anchor(ledger, batch, caller))).to.match(
          /^ACCESS_DENIED: .* may not anchor batches; allowed: /,
        );
      }
      expect(await failure(anchor(ledger, { ...batch, feedId: 'water' }))).to.equal(
        'NOT_FOUND: feed water does not exist',
      );
    });

    it('validates the batch field by field', async () => {
      const ledger = await withFeed();
      const good = batchOf('b1', [reading(AQ1, 1, 10), reading(AQ1, 3, 10)]);
      const cases: [object, RegExp][] = [
        [{ ...good, merkleRoot: 'abc' }, /^INVALID_ARGUMENT: batchJson.merkleRoot: must be a SHA-256/],
        [{ ...good, count: 0 }, /^INVALID_ARGUMENT: batchJson.count: must be between 1/],
        [
          { ...good, count: 4 },
          /^INVALID_ARGUMENT: batchJson.count: must be between 2 and 3 for these sequence ranges, got 4/,
        ],
        [{ ...good, perDevice: {} }, /^INVALID_ARGUMENT: batchJson.perDevice: must name at least one device/],
        [
          { ...good, perDevice: { 'a\u0000b': { firstSeq: 1, lastSeq: 1 } }, count: 1 },
          /^INVALID_ARGUMENT: batchJson.perDevice key:/,
        ],
        [
          { ...good, perDevice: { [AQ1]: { firstSeq: 3, lastSeq: 1 } } },
          /^INVALID_ARGUMENT: batchJson.perDevice.*lastSeq: must not be below firstSeq/,
        ],
        [
          { ...good, perDevice: { [AQ1]: { firstSeq: -1, lastSeq: 1 } } },
          /^INVALID_ARGUMENT: batchJson.perDevice.*firstSeq: must be between 0/,
        ],
        [
          { ...good, perDevice: { [AQ1]: { firstSeq: 0, lastSeq: 70000 } } },
          /must span at most 65536 sequence numbers/,
        ],
        [
          { ...good, from: '2025-01-02T00:00:00Z' },
          /^INVALID_ARGUMENT: batchJson.to: must not be before from/,
        ],
        [{ ...good, to: 'later' }, /^INVALID_ARGUMENT: batchJson.to:/],
        [{ ...good, extra: 1 }, /^INVALID_ARGUMENT: batchJson: has unknown field\(s\) 'extra'/],
      ];
      for (const [batch, expected] of cases) {
        expect(await failure(anchor(ledger, batch))).to.match(expected);
      }
      expect(
        await failure(ledger.submit(cityOperator, (ctx) => contract.AnchorBatch(ctx, 'not json'))),
      ).to.match(/^INVALID_ARGUMENT: batchJson: is not valid JSON/);
      expect(ledger.keys('batch')).to.have.length(0);
    });
  });

  describe('threshold alerts', () => {
    it('records alerts and folds them into the one BatchAnchored event', async () => {
      const ledger = await withFeed();
      const readings = [reading(AQ1, 1, 10, 5), reading(AQ1, 2, 31.5, 6)];
      const alert = {
        deviceId: AQ1,
        seq: 2,
        metric: 'pm2_5',
        value: 31.5,
        timestamp: '2025-01-01T00:00:06.000Z',
      };
      const result = await anchor(ledger, batchOf('b1', readings, { alerts: [alert] }));
      expect(result.alertCount).to.equal(1);
      const expectedAlert = {
        ...alert,
        feedId: 'air',
        batchId: 'b1',
        unit: 'ug/m3',
        comparison: 'gt',
        limit: 25,
      };
      expect(ledger.lastEvent()!.payload).to.deep.include({
        thresholdExceeded: true,
        alerts: [expectedAlert],
      });
      const alerts = await ledger.evaluate(auditor, (ctx) => contract.ListAlertsByFeed(ctx, 'air', '10', ''));
      expect(alerts.records).to.deep.equal([expectedAlert]);
    });

    it('refuses alerts that cross no rule, are outside the batch, or name an unknown metric', async () => {
      const ledger = await withFeed();
      const readings = [reading(AQ1, 1, 10), reading(AQ1, 2, 31)];
      const base = {
        deviceId: AQ1,
        seq: 2,
        metric: 'pm2_5',
        value: 31,
        timestamp: '2025-01-01T00:00:10.000Z',
      };
      const cases: [object, RegExp][] = [
        [
          { ...base, value: 20 },
          /^INVALID_ARGUMENT: batchJson.alerts\[0\].value: 20 crosses no threshold of metric 'pm2_5'/,
        ],
        [
          { ...base, seq: 3 },
          /^INVALID_ARGUMENT: batchJson.alerts\[0\].seq: reading 3 of .* is not in this batch/,
        ],
        [{ ...base, deviceId: AQ2 }, /^INVALID_ARGUMENT: batchJson.alerts\[0\].seq:/],
        [
          { ...base, metric: 'co2' },
          /^INVALID_ARGUMENT: batchJson.alerts\[0\].metric: feed air has no metric 'co2'/,
        ],
        [
          { ...base, metric: 'no2', value: 999 },
          /^INVALID_ARGUMENT: batchJson.alerts\[0\].value: 999 crosses no threshold of metric 'no2'/,
        ],
        [
          { ...base, timestamp: '2025-01-01T02:00:00Z' },
          /^INVALID_ARGUMENT: batchJson.alerts\[0\].timestamp: must lie within the batch/,
        ],
        [{ ...base, note: 'x' }, /^INVALID_ARGUMENT: batchJson.alerts\[0\]: has unknown field\(s\) 'note'/],
      ];
      for (const [alert, expected] of cases) {
        expect(await failure(anchor(ledger, batchOf('b1', readings, { alerts: [alert] })))).to.match(
          expected,
        );
      }
      expect(await failure(anchor(ledger, batchOf('b1', readings, { alerts: [base, base] })))).to.match(
        /^INVALID_ARGUMENT: batchJson.alerts\[1\]: duplicates an earlier alert/,
      );
    });
  });

  describe('reading proofs', () => {
    async function anchoredBatch() {
      const ledger = await withFeed();
      const readings = [
        reading(AQ1, 1, 10),
        reading(AQ1, 2, 11),
        reading(AQ2, 7, 12),
        reading(AQ2, 8, 13),
        reading(AQ2, 9, 14),
      ];
      await anchor(ledger, batchOf('b1', readings));
      const leaves = readings.map(jsonLeafHash);
      return { ledger, readings, leaves };
    }

    it('verifies a reading kept off-chain against the anchored root, whatever its key order', async () => {
      const { ledger, readings, leaves } = await anchoredBatch();
      const r = readings[4];
      const shuffled = JSON.stringify({
        value: r.value,
        signature: r.signature,
        unit: r.unit,
        seq: r.seq,
        metric: r.metric,
        timestamp: r.timestamp,
        deviceId: r.deviceId,
      });
      const result = await ledger.evaluate(auditor, (ctx) =>
        contract.VerifyReading(ctx, 'b1', shuffled, JSON.stringify(merkleTree(leaves).proofSteps(4))),
      );
      expect(result).to.deep.include({ valid: true, batchId: 'b1', merkleRoot: merkleRoot(leaves) });
      expect(result.reason).to.equal(undefined);
    });

    it('verifies a reading at the batch’s last instant whose timestamp is spelt without a fraction', async () => {
      const ledger = await withFeed();
      const r = { ...reading(AQ1, 1, 10), timestamp: '2025-01-01T00:01:00Z' };
      const leaves = [jsonLeafHash(r)];
      await anchor(ledger, batchOf('b1', [r]));
      const result = await ledger.evaluate(auditor, (ctx) =>
        contract.VerifyReading(
          ctx,
          'b1',
          JSON.stringify(r),
          JSON.stringify(merkleTree(leaves).proofSteps(0)),
        ),
      );
      expect(result).to.deep.include({ valid: true, merkleRoot: merkleRoot(leaves) });
    });

    it('rejects a tampered reading, a foreign device and a sequence outside the range', async () => {
      const { ledger, readings, leaves } = await anchoredBatch();
      const proof = JSON.stringify(merkleTree(leaves).proofSteps(1));
      const verify = (r: object, p = proof) =>
        ledger.evaluate(auditor, (ctx) => contract.VerifyReading(ctx, 'b1', JSON.stringify(r), p));
      expect((await verify({ ...readings[1], value: 99 })).reason).to.equal('proof-mismatch');
      expect((await verify({ ...readings[1], deviceId: 'did:cityledger:civic:aq-9' })).reason).to.equal(
        'device-not-in-batch',
      );
      expect((await verify({ ...readings[1], seq: 3 })).reason).to.equal('seq-outside-range');
      expect((await verify({ ...readings[1], timestamp: '2025-01-02T00:00:00.000Z' })).reason).to.equal(
        'timestamp-outside-batch',
      );
      expect(await failure(verify(readings[1], '[{"position":"up","hash":"00"}]'))).to.match(
        /^INVALID_ARGUMENT: proofJson\[0\].position/,
      );
      expect(await failure(verify({ ...readings[1], seq: -1 }))).to.match(
        /^INVALID_ARGUMENT: readingJson.seq:/,
      );
      expect(
        await failure(
          ledger.evaluate(auditor, (ctx) =>
            contract.VerifyReading(ctx, 'nope', JSON.stringify(readings[1]), proof),
          ),
        ),
      ).to.equal('NOT_FOUND: batch nope does not exist');
    });
  });
});
