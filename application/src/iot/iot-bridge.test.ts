import { generateKeyPairSync } from 'node:crypto';
import { jsonLeafHash, verifyProofSteps } from '@cityledger/proofs';
import { expect } from 'chai';
import mqtt from 'mqtt';
import { uniqueId } from '../testing/test-gateway';
import { signReading } from './reading-signature';
import {
  type SimulatedDevice,
  ensureFeed,
  ensureOrganisationDid,
  nextReading,
  registerDevice,
} from './simulator/device-fleet';
import { type BridgeGateway, startBridgeGateway } from './testing/bridge-gateway';
import { ControllableLedger } from './testing/controllable-ledger';
import { type Tokens, airQualitySensors, landedReading, tokensOf } from './testing/iot-fixtures';

const post = (gateway: BridgeGateway, readings: unknown[]) =>
  gateway.request('POST', '/api/v1/iot/readings', { body: { readings } });

describe('IoT bridge', function () {
  this.timeout(60_000);

  describe('ingest, verification and routing', () => {
    let gateway: BridgeGateway;
    let tokens: Tokens;
    let feedId: string;
    let sensors: SimulatedDevice[];

    before(async () => {
      gateway = await startBridgeGateway({ iot: { batchMaxWaitMs: 100, batchMaxReadings: 50 } });
      tokens = tokensOf(gateway);
      ({ feedId, sensors } = await airQualitySensors(gateway, tokens, 4));
    });
    after(() => gateway.stop());

    it('accepts readings signed with the registered key and rejects one signed by another device’s key', async () => {
      const [sensor, other] = sensors as [SimulatedDevice, SimulatedDevice];
      const genuine = nextReading(sensor);
      const forgedBody = {
        deviceId: sensor.did,
        seq: sensor.seq++,
        timestamp: new Date().toISOString(),
        metric: 'pm2_5',
        value: 3,
      };
      const forged = signReading(forgedBody, other.privateKey);
      const tampered = { ...nextReading(sensor), value: 99 };
      const answer = await post(gateway, [genuine, forged, tampered]);
      expect(answer.status).to.equal(202);
      expect(answer.body).to.deep.equal({
        accepted: 1,
        rejected: [1, 2].map((index) => ({
          index,
          reason: 'bad-signature',
          detail: `signature: does not verify with key ${sensor.did}#key-1, valid at ${[forged, tampered][index - 1]!.timestamp}`,
        })),
      });
      const stored = await gateway.request('GET', `/api/v1/iot/readings/${sensor.did}/${genuine.seq}`);
      expect(stored.body.reading).to.deep.equal(genuine);
      const notStored = await gateway.request('GET', `/api/v1/iot/readings/${sensor.did}/${forged.seq}`);
      expect(notStored.status).to.equal(404);
    });

    it('rejects a replayed reading as duplicate and an older seq as out-of-order', async () => {
      const sensor = sensors[1]!;
      const first = nextReading(sensor);
      sensor.seq += 3;
      const later = nextReading(sensor); // seq first + 4
      expect((await post(gateway, [first, later])).body).to.deep.equal({ accepted: 2, rejected: [] });
      sensor.seq = first.seq + 1;
      const skipped = nextReading(sensor); // between the two accepted ones: arrives too late
      const answer = await post(gateway, [first, later, skipped, later]);
      expect(answer.body).to.deep.equal({
        accepted: 0,
        rejected: [
          { index: 0, reason: 'duplicate', detail: `seq: ${first.seq} of this device was accepted before` },
          { index: 1, reason: 'duplicate', detail: `seq: ${later.seq} of this device was accepted before` },
          {
            index: 2,
            reason: 'out-of-order',
            detail: `seq: ${skipped.seq} is not above the device's last accepted seq (${later.seq})`,
          },
          { index: 3, reason: 'duplicate', detail: `seq: ${later.seq} of this device was accepted before` },
        ],
      });
      sensor.seq = later.seq + 1;
    });

    it('rejects unknown devices, metrics a device may not publish and malformed readings, saying which rule', async () => {
      const sensor = sensors[2]!;
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const stranger = signReading(
        {
          deviceId: 'did:cityledger:civic:nobody',
          seq: 1,
          timestamp: new Date().toISOString(),
          metric: 'pm2_5',
          value: 1,
        },
        privateKey,
      );
      const wrongMetric = signReading(
        {
          deviceId: sensor.did,
          seq: sensor.seq++,
          timestamp: new Date().toISOString(),
          metric: 'no2',
          value: 20,
        },
        sensor.privateKey,
      );
      const future = signReading(
        {
          deviceId: sensor.did,
          seq: sensor.seq++,
          timestamp: new Date(Date.now() + 3_600_000).toISOString(),
          metric: 'pm2_5',
          value: 2,
        },
        sensor.privateKey,
      );
      const extraField = { ...nextReading(sensor), location: 'pier 4' };
      const textValue = { ...nextReading(sensor), value: '12.5' };
      const badTimestamp = { ...nextReading(sensor), timestamp: '2026-01-01 08:00:00' };
      const answer = await post(gateway, [
        stranger,
        wrongMetric,
        future,
        extraField,
        'text',
        textValue,
        badTimestamp,
        nextReading(sensor),
      ]);
      expect(answer.body).to.deep.equal({
        accepted: 1,
        rejected: [
          {
            index: 0,
            reason: 'unknown-device',
            detail: 'deviceId: no device did:cityledger:civic:nobody is registered',
          },
          { index: 1, reason: 'metric-not-allowed', detail: 'metric: the device may not publish no2' },
          {
            index: 2,
            reason: 'invalid',
            detail: "timestamp: 3600 s ahead of the gateway's clock; at most 60 s is allowed",
          },
          {
            index: 3,
            reason: 'invalid',
            detail:
              'location: is not a field of a reading (it has only deviceId, seq, timestamp, metric, value, unit, signature)',
          },
          { index: 4, reason: 'invalid', detail: 'reading: must be a JSON object, got a string' },
          { index: 5, reason: 'invalid', detail: 'value: must be a number, got a string' },
          {
            index: 6,
            reason: 'invalid',
            detail:
              'timestamp: must be an ISO-8601 UTC timestamp (RFC 3339) like 2025-01-31T12:00:00Z, got "2026-01-01 08:00:00"',
          },
        ],
      });
      const notAList = await gateway.request('POST', '/api/v1/iot/readings', { body: { readings: 'none' } });
      expect([notAList.status, notAList.body.error.code]).to.deep.equal([400, 'INVALID_ARGUMENT']);
    });

    it('follows key rotation and deactivation as soon as their blocks commit', async () => {
      const sensor = sensors[3]!;
      expect((await post(gateway, [nextReading(sensor)])).body.accepted).to.equal(1);
      const oldKey = sensor.privateKey;
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const rotated = await gateway.request('POST', `/api/v1/channels/civic/devices/${sensor.did}/keys`, {
        token: tokens.cityOperator,
        body: { publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      });
      expect(rotated.status).to.equal(200);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const withOldKey = nextReading(sensor);
      sensor.privateKey = privateKey;
      const withNewKey = nextReading(sensor);
      const signedOld = signReading({ ...withOldKey, signature: undefined } as never, oldKey);
      const answer = await post(gateway, [signedOld, withNewKey]);
      expect(answer.body).to.deep.equal({
        accepted: 1,
        rejected: [
          {
            index: 0,
            reason: 'bad-signature',
            detail: `signature: does not verify with key ${sensor.did}#key-2, valid at ${signedOld.timestamp}`,
          },
        ],
      });

      const deactivated = await gateway.request(
        'POST',
        `/api/v1/channels/civic/dids/${sensor.did}/deactivation`,
        {
          token: tokens.cityOperator,
          body: { reason: 'stolen' },
        },
      );
      expect(deactivated.status).to.equal(200);
      expect((await post(gateway, [nextReading(sensor)])).body.rejected).to.deep.equal([
        { index: 0, reason: 'deactivated-device', detail: `deviceId: ${sensor.did} is deactivated` },
      ]);
    });

    it('accepts every RFC 3339 spelling of a UTC time, signed as sent, and the ledger verifies it', async () => {
      const sensor = sensors[0]!;
      // The next whole second: after the device's key became valid, within the allowed clock skew.
      const second = new Date(Math.ceil(Date.now() / 1000) * 1000).toISOString().slice(0, 19);
      const spellings = [`${second}Z`, `${second}.5z`.replace('T', 't'), `${second}.123456789012+00:00`];
      const readings = spellings.map((timestamp) =>
        signReading(
          { deviceId: sensor.did, seq: sensor.seq++, timestamp, metric: 'pm2_5', value: 7 },
          sensor.privateKey,
        ),
      );
      expect((await post(gateway, readings)).body).to.deep.equal({ accepted: 3, rejected: [] });
      for (const reading of readings) {
        const stored = await landedReading(gateway, sensor.did, reading.seq);
        expect(stored.reading).to.deep.equal(reading);
        const onLedger = await gateway.request(
          'POST',
          `/api/v1/channels/civic/batches/${stored.batchId}/verifications`,
          { token: tokens.auditor, body: { reading, proof: stored.proof } },
        );
        expect(onLedger.body, reading.timestamp).to.include({ valid: true });
      }
    });

    it('anchors telemetry readings with a Merkle proof per reading that verifies against the ledger', async () => {
      const sensor = sensors[0]!;
      const values = [10, 12.5, 9, 40, 11, 25, 8];
      const readings = values.map((value) =>
        signReading(
          {
            deviceId: sensor.did,
            seq: sensor.seq++,
            timestamp: new Date().toISOString(),
            metric: 'pm2_5',
            value,
            unit: 'ug/m3',
          },
          sensor.privateKey,
        ),
      );
      expect((await post(gateway, readings)).body).to.deep.equal({ accepted: 7, rejected: [] });
      for (const reading of readings) {
        const stored = await landedReading(gateway, sensor.did, reading.seq);
        expect(stored).to.include({ status: 'landed', channel: 'civic', chaincode: 'telemetry', feedId });
        expect(verifyProofSteps(jsonLeafHash(reading), stored.proof, stored.merkleRoot)).to.equal(true);
        const onLedger = await gateway.request(
          'POST',
          `/api/v1/channels/civic/batches/${stored.batchId}/verifications`,
          {
            token: tokens.auditor,
            body: { reading, proof: stored.proof },
          },
        );
        expect(onLedger.body).to.include({ valid: true, merkleRoot: stored.merkleRoot });
        const batch = await gateway.request('GET', `/api/v1/channels/civic/batches/${stored.batchId}`, {
          token: tokens.auditor,
        });
        expect(batch.body.txId).to.equal(stored.txId);
        const tx = await gateway.ledger.transaction('civic', stored.txId);
        expect(tx?.blockNumber).to.equal(stored.blockNumber);
      }
      const alerts = await gateway.request('GET', `/api/v1/channels/civic/feeds/${feedId}/alerts`, {
        token: tokens.auditor,
      });
      const ofThisTest = alerts.body.records.filter(
        (a: { deviceId: string; seq: number }) => a.deviceId === sensor.did && a.seq >= readings[0]!.seq,
      );
      expect(ofThisTest.map((a: { seq: number }) => a.seq)).to.deep.equal([readings[3]!.seq]);
    });

    it('takes readings from a real MQTT client, acknowledging them once stored, and counts rejections', async () => {
      const sensor = sensors[1]!;
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gateway.bridge.mqttPort}`, {
        clientId: uniqueId('dev'),
      });
      try {
        const one = nextReading(sensor);
        await client.publishAsync(`cityledger/civic/${sensor.did}/readings`, JSON.stringify(one), { qos: 1 });
        const stored = await gateway.request('GET', `/api/v1/iot/readings/${sensor.did}/${one.seq}`);
        expect(stored.status).to.equal(200);
        const two = [nextReading(sensor), nextReading(sensor)];
        const localId = sensor.did.split(':')[3];
        await client.publishAsync(`cityledger/civic/${localId}/readings`, JSON.stringify(two), { qos: 1 });
        const forged = signReading(
          { ...nextReading(sensor), value: 1, signature: undefined } as never,
          sensors[0]!.privateKey,
        );
        await client.publishAsync(`cityledger/civic/${sensor.did}/readings`, JSON.stringify(forged), {
          qos: 1,
        });
        await client.publishAsync(
          `cityledger/civic/${sensors[0]!.did}/readings`,
          JSON.stringify(nextReading(sensor)),
          { qos: 1 },
        );
        // Messages in flight together are taken in the order they were published.
        const burst = Array.from({ length: 8 }, () => nextReading(sensor));
        await Promise.all(
          burst.map((r) =>
            client.publishAsync(`cityledger/civic/${sensor.did}/readings`, JSON.stringify(r), { qos: 1 }),
          ),
        );
        for (const r of [one, ...two, ...burst]) {
          expect((await landedReading(gateway, sensor.did, r.seq)).status).to.equal('landed');
        }
        const metrics = await gateway.request('GET', '/metrics');
        expect(metrics.body).to.match(
          /cityledger_iot_readings_rejected_total\{transport="mqtt",reason="bad-signature"\} 1\b/,
        );
        expect(metrics.body).to.match(
          /cityledger_iot_readings_rejected_total\{transport="mqtt",reason="invalid"\} 1\b/,
        );
        expect(metrics.body).to.match(/cityledger_iot_readings_accepted_total\{transport="mqtt"\} 11\b/);
        expect(metrics.body).not.to.match(/transport="mqtt",reason="out-of-order"/);
      } finally {
        await client.endAsync();
      }
    });

    it('routes meter readings (import_wh/export_wh) to energy-trading', async () => {
      const owner = await ensureOrganisationDid(
        gateway,
        'energy',
        tokens.utilityRegistrar,
        'UtilityMSP',
        'grid-utility',
      );
      const submit = (fn: string, args: string[]) =>
        gateway.request('POST', '/api/v1/channels/energy/chaincodes/energy-trading/transactions', {
          token: tokens.utilityOperator,
          body: { function: fn, args },
        });
      const credential = await gateway.request('POST', '/api/v1/channels/energy/credentials', {
        token: tokens.utilityOperator,
        body: {
          credentialId: uniqueId('prosumer'),
          subjectDid: owner,
          credentialType: 'prosumer',
          validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
        },
      });
      expect(credential.status).to.equal(201);
      const market = await submit('ConfigureMarket', [
        JSON.stringify({
          intervalMinutes: 15,
          gateClosureMinutes: 5,
          settlementDelayMinutes: 10,
          gridTariffCentsPerKwh: 30,
          feedInTariffCentsPerKwh: 8,
          gridFeeCentsPerKwh: 4,
        }),
      ]);
      expect(market.status).to.equal(200);
      const holder = await gateway.ledger.clientIdentityId('UtilityMSP', 'ursula');
      expect((await submit('OpenAccount', [owner, 'UtilityMSP', holder])).status).to.equal(200);
      const meterFeed = uniqueId('meters');
      await ensureFeed(gateway, 'energy', tokens.utilityOperator, {
        feedId: meterFeed,
        metrics: [
          { name: 'import_wh', unit: 'Wh' },
          { name: 'export_wh', unit: 'Wh' },
        ],
        deviceKinds: ['smart-meter'],
      });
      const meter = await registerDevice(gateway, tokens.utilityOperator, {
        channel: 'energy',
        id: uniqueId('meter'),
        kind: 'smart-meter',
        ownerDid: owner,
        metrics: ['import_wh', 'export_wh'],
        feedId: meterFeed,
      });
      expect((await submit('LinkMeter', [owner, meter.did])).status).to.equal(200);

      const start = Date.now();
      const readings = [0, 1, 2, 3].map((i) => nextReading(meter, new Date(start + i * 1000)));
      expect((await post(gateway, readings)).body).to.deep.equal({ accepted: 4, rejected: [] });
      for (const reading of readings) {
        const stored = await landedReading(gateway, meter.did, reading.seq);
        expect(stored, JSON.stringify(stored.refusal ?? {})).to.include({
          status: 'landed',
          channel: 'energy',
          chaincode: 'energy-trading',
        });
      }
      const onLedger = await gateway.request(
        'POST',
        '/api/v1/channels/energy/chaincodes/energy-trading/queries',
        {
          token: tokens.auditor,
          body: { function: 'GetMeterReading', args: [meter.did, String(readings[3]!.seq)] },
        },
      );
      expect(onLedger.status).to.equal(200);
    });
  });

  describe('delivery through ledger failures', () => {
    let gateway: BridgeGateway;
    let ledger: ControllableLedger;
    let tokens: Tokens;
    let sensors: SimulatedDevice[];
    let feedId: string;

    before(async () => {
      gateway = await startBridgeGateway({
        iot: {
          batchMaxWaitMs: 50,
          batchMaxReadings: 20,
          outboxMaxReadings: 6,
          retryBaseMs: 20,
          retryMaxMs: 200,
        },
        wrapLedger: (inner) => (ledger = new ControllableLedger(inner)),
      });
      tokens = tokensOf(gateway);
      ({ feedId, sensors } = await airQualitySensors(gateway, tokens, 2));
    });
    after(() => gateway.stop());
    afterEach(() => {
      ledger.outage = false;
      ledger.loseAnswers = 0;
    });

    it('lands a batch exactly once when the answer to its submission is lost', async () => {
      const sensor = sensors[0]!;
      ledger.loseAnswers = 1;
      const readings = [nextReading(sensor), nextReading(sensor), nextReading(sensor)];
      expect((await post(gateway, readings)).body.accepted).to.equal(3);
      await gateway.bridge.drained();
      const landed = await Promise.all(readings.map((r) => landedReading(gateway, sensor.did, r.seq)));
      expect(ledger.landings.map((l) => l.outcome)).to.deep.equal(['answer-lost', 'refused']);
      const batches = await gateway.request('GET', `/api/v1/channels/civic/feeds/${feedId}/batches`, {
        token: tokens.auditor,
      });
      expect(batches.body.records).to.have.length(1);
      expect(batches.body.records[0]).to.include({
        count: 3,
        batchId: landed[0].batchId,
        txId: landed[0].txId,
      });
      expect(new Set(landed.map((l) => l.txId)).size).to.equal(1);
    });

    it('keeps accepting during an outage up to the outbox bound, then answers 429 and holds MQTT back', async () => {
      const sensor = sensors[1]!;
      ledger.outage = true;
      const accepted = Array.from({ length: 6 }, () => nextReading(sensor));
      expect((await post(gateway, accepted)).body).to.deep.equal({ accepted: 6, rejected: [] });
      const refused = nextReading(sensor);
      const full = await post(gateway, [refused]);
      expect(full.status).to.equal(429);
      expect(full.body.error.code).to.equal('SATURATED');
      expect(full.headers.get('retry-after')).to.equal('5');
      expect(
        (await gateway.request('GET', `/api/v1/iot/readings/${sensor.did}/${refused.seq}`)).status,
      ).to.equal(404);

      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gateway.bridge.mqttPort}`, {
        clientId: uniqueId('dev'),
      });
      try {
        let acknowledged = false;
        const published = client
          .publishAsync(`cityledger/civic/${sensor.did}/readings`, JSON.stringify(refused), { qos: 1 })
          .then(() => (acknowledged = true));
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(acknowledged, 'PUBACK while the outbox is full').to.equal(false);
        expect(gateway.bridge.outboxSize).to.equal(6);

        ledger.outage = false;
        await published;
        await gateway.bridge.drained();
        for (const r of [...accepted, refused]) {
          expect((await landedReading(gateway, sensor.did, r.seq)).status).to.equal('landed');
        }
      } finally {
        await client.endAsync();
      }
      expect(ledger.landings.some((l) => l.outcome === 'outage')).to.equal(true);
    });
  });
});
