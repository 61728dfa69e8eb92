import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { uniqueId } from '../../testing/test-gateway';
import { type BridgeGateway, startBridgeGateway } from '../testing/bridge-gateway';
import { type Tokens, tokensOf } from '../testing/iot-fixtures';
import {
  AIR_QUALITY_FEED,
  type SimulatedDevice,
  SetupError,
  ensureFeed,
  ensureOrganisationDid,
  registerDevice,
} from './device-fleet';
import { type StreamProgress, streamReadings } from './load-generator';
import { defaultMqttUrl, parseSimulatorOptions } from './simulator-options';

describe('device simulator', function () {
  this.timeout(60_000);

  describe('options', () => {
    it('finds the gateway as npm run demo does: --url, else GATEWAY_URL, else http://127.0.0.1:3000', () => {
      expect(parseSimulatorOptions([], {})?.url).to.equal('http://127.0.0.1:3000');
      expect(parseSimulatorOptions([], { GATEWAY_URL: 'http://gw:8080/' })?.url).to.equal('http://gw:8080');
      expect(parseSimulatorOptions(['--url', 'http://a:1'], { GATEWAY_URL: 'http://gw:8080' })?.url).to.equal(
        'http://a:1',
      );
    });

    it('defaults the MQTT broker to the gateway host on MQTT_PORT, the variable the gateway reads', () => {
      const mqtt = (env: Record<string, string>, args: string[] = []) =>
        parseSimulatorOptions(['--transport', 'mqtt', '--url', 'http://gw.example:3000', ...args], env)
          ?.mqttUrl;
      expect(mqtt({})).to.equal('mqtt://gw.example:1883');
      expect(mqtt({ MQTT_PORT: '1999' })).to.equal('mqtt://gw.example:1999');
      expect(mqtt({ MQTT_PORT: '1999', MQTT_URL: 'mqtt://broker:1884' })).to.equal('mqtt://broker:1884');
      expect(mqtt({ MQTT_PORT: '1999' }, ['--mqtt-url', 'mqtt://here:1'])).to.equal('mqtt://here:1');
      expect(parseSimulatorOptions([], { MQTT_PORT: '1999' })?.mqttUrl, 'not over HTTP').to.equal(undefined);
      expect(() => defaultMqttUrl('http://gw:3000', { MQTT_PORT: 'off' })).to.throw(/runs no MQTT broker/);
      expect(() => defaultMqttUrl('http://gw:3000', { MQTT_PORT: 'x' })).to.throw(/^MQTT_PORT/);
    });
  });

  describe('on a gateway', () => {
    let gateway: BridgeGateway;
    let tokens: Tokens;
    let owner: string;

    before(async () => {
      gateway = await startBridgeGateway({ iot: { batchMaxWaitMs: 50 } });
      tokens = tokensOf(gateway);
      owner = await ensureOrganisationDid(gateway, 'civic', tokens.cityRegistrar, 'CityMSP', 'city');
    });
    after(() => gateway.stop());

    const sensorOf = (feedId: string, metrics: string[]) =>
      registerDevice(gateway, tokens.cityOperator, {
        channel: 'civic',
        id: uniqueId('aq'),
        kind: 'air-quality-sensor',
        ownerDid: owner,
        metrics,
        feedId,
      });

    /** A feed of sensors on civic that takes one metric, created before the simulator runs. */
    const existingFeedOf = async (metric: string, unit: string) => {
      const feedId = uniqueId('feed');
      await ensureFeed(gateway, 'civic', tokens.cityOperator, {
        feedId,
        metrics: [{ name: metric, unit }],
        deviceKinds: ['air-quality-sensor'],
      });
      return feedId;
    };

    it('publishes only the metrics an existing feed takes, so the gateway refuses none', async () => {
      const feedId = await existingFeedOf('pm2_5', 'ug/m3');
      const feed = await ensureFeed(gateway, 'civic', tokens.cityOperator, { ...AIR_QUALITY_FEED, feedId });
      expect(feed).to.deep.equal({ feedId, created: false, metrics: ['pm2_5'], leftOut: ['no2'] });
      const stop = new AbortController();
      const summary = await streamReadings({
        devices: [await sensorOf(feed.feedId, feed.metrics)],
        transport: 'http',
        url: gateway.url,
        durationMs: 20_000,
        readingsPerMessage: 2,
        progressIntervalMs: 10,
        signal: stop.signal,
        onProgress: (p) => {
          if (p.sent >= 6) stop.abort();
        },
      });
      expect(summary.sent).to.be.at.least(6);
      expect([summary.accepted, summary.rejected]).to.deep.equal([summary.sent, 0]);
    });

    it('refuses an existing feed that takes none of its metrics, saying what the feed takes', async () => {
      const feedId = await existingFeedOf('noise_db', 'dB');
      const refusal = await ensureFeed(gateway, 'civic', tokens.cityOperator, {
        ...AIR_QUALITY_FEED,
        feedId,
      }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).to.be.instanceOf(SetupError);
      expect((refusal as Error).message).to.equal(
        `feed ${feedId} on civic exists and takes noise_db from air-quality-sensor; the simulator needs pm2_5 or no2 from air-quality-sensor`,
      );
    });

    it('shows the gateway’s MQTT rejections in its progress while streaming, not only in the summary', async () => {
      const feed = await ensureFeed(gateway, 'civic', tokens.cityOperator, {
        ...AIR_QUALITY_FEED,
        feedId: uniqueId('air'),
      });
      const sensor = await sensorOf(feed.feedId, feed.metrics);
      // Signed with a key the ledger does not hold: the bridge acknowledges and refuses every reading.
      const forger: SimulatedDevice = {
        ...sensor,
        privateKey: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey,
      };
      const stop = new AbortController();
      let seen: StreamProgress | undefined;
      const summary = await streamReadings({
        devices: [forger],
        transport: 'mqtt',
        url: gateway.url,
        mqttUrl: `mqtt://127.0.0.1:${gateway.bridge.mqttPort}`,
        durationMs: 20_000,
        readingsPerMessage: 1,
        progressIntervalMs: 10,
        signal: stop.signal,
        onProgress: (p) => {
          if (p.rejected > 0 && !seen) {
            seen = p;
            stop.abort();
          }
        },
      });
      expect(seen, 'a progress report with the rejections').to.not.equal(undefined);
      expect(seen!.accepted).to.equal(0);
      expect(summary.acknowledged).to.equal(summary.sent);
      expect(summary.accepted).to.equal(0);
      expect(summary.rejectedByReason).to.deep.equal({ 'bad-signature': summary.sent });
    });
  });
});
