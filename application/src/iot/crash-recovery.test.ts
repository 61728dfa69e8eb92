import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { jsonLeafHash, verifyProofSteps } from '@cityledger/proofs';
import { expect } from 'chai';
import mqtt from 'mqtt';
import { resolveJwtKeys } from '../auth/jwt-keys';
import { issueToken } from '../auth/token-issuer';
import { loadGatewayConfig } from '../config/gateway-config';
import type { DeviceReading } from './reading-schema';
import { type GatewayApi, type SimulatedDevice, gatewayApi, nextReading } from './simulator/device-fleet';
import { TEST_JWT_SECRET } from './testing/bridge-gateway';
import { airQualitySensors, landedReading, tokensOf } from './testing/iot-fixtures';

interface GatewayProcess {
  child: ChildProcess;
  url: string;
  mqttPort: number;
}

const settings = { batchMaxReadings: 40, batchMaxWaitMs: 100 };

/** Starts the gateway as a real child process and waits for the line that says where it listens. */
async function startGatewayProcess(dataDir: string): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [join(__dirname, 'testing', 'bridge-gateway-process.js')], {
    env: { ...process.env, IOT_TEST_DATA_DIR: dataDir, IOT_TEST_SETTINGS: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the gateway process exited (${code}) before listening`)));
  });
  const { url, mqttPort } = JSON.parse(first) as { url: string; mqttPort: number };
  return { child, url, mqttPort };
}

function kill9(gateway: GatewayProcess): Promise<void> {
  return new Promise((resolve) => {
    gateway.child.once('exit', () => resolve());
    gateway.child.kill('SIGKILL');
  });
}

/** Streams signed readings of `device` over HTTP until stopped; records what the gateway acknowledged. */
async function streamOverHttp(
  api: GatewayApi,
  device: SimulatedDevice,
  sent: DeviceReading[],
  acknowledged: DeviceReading[],
  running: () => boolean,
): Promise<void> {
  while (running()) {
    const readings = Array.from({ length: 5 }, () => nextReading(device));
    sent.push(...readings);
    try {
      const answer = await api.request('POST', '/api/v1/iot/readings', { body: { readings } });
      if (answer.status === 202 && answer.body.accepted === readings.length) acknowledged.push(...readings);
    } catch {
      return; // the gateway is gone
    }
  }
}

describe('IoT bridge across a crash', function () {
  this.timeout(120_000);
  let dataDir: string;
  let gateway: GatewayProcess | undefined;

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cityledger-iot-crash-'));
  });
  after(async () => {
    if (gateway && gateway.child.exitCode === null) await kill9(gateway);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lands every acknowledged reading exactly once after kill -9 and a restart mid-stream', async () => {
    gateway = await startGatewayProcess(dataDir);
    const jwtKeys = resolveJwtKeys(
      loadGatewayConfig({ JWT_SECRET: TEST_JWT_SECRET, CITYLEDGER_DATA_DIR: dataDir }),
    );
    // Reading lookups need a token: an auditor reads every channel.
    const reader = issueToken(jwtKeys, { userId: 'audrey', mspId: 'AuditorMSP', role: 'auditor' }, 3600);
    let api = gatewayApi(gateway.url, reader);
    const tokens = tokensOf({
      token: (sub, org, role) => issueToken(jwtKeys, { userId: sub, mspId: org, role }, 3600),
    });
    const { feedId, sensors } = await airQualitySensors(api, tokens, 4);
    const [mqttSensor, ...httpSensors] = sensors as [SimulatedDevice, ...SimulatedDevice[]];

    const sent: DeviceReading[] = [];
    const acknowledged: DeviceReading[] = [];
    let running = true;
    const streams = httpSensors.map((device) =>
      streamOverHttp(api, device, sent, acknowledged, () => running),
    );
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gateway.mqttPort}`, { reconnectPeriod: 0 });
    client.on('error', () => {});
    const mqttStream = (async () => {
      while (running) {
        const reading = nextReading(mqttSensor);
        sent.push(reading);
        try {
          await client.publishAsync(`cityledger/civic/${mqttSensor.did}/readings`, JSON.stringify(reading), {
            qos: 1,
          });
          acknowledged.push(reading);
        } catch {
          return;
        }
      }
    })();

    // Crash while readings are arriving, some batches landed and others still in the outbox.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await kill9(gateway);
    running = false;
    client.end(true);
    await Promise.race([Promise.all([...streams, mqttStream]), new Promise((r) => setTimeout(r, 2000))]);
    expect(acknowledged.length).to.be.greaterThan(100);

    gateway = await startGatewayProcess(dataDir);
    api = gatewayApi(gateway.url, reader);
    for (const reading of acknowledged) {
      const stored = await landedReading(api, reading.deviceId, reading.seq, 60_000);
      expect(stored.status, `${reading.deviceId} ${reading.seq}`).to.equal('landed');
      expect(stored.reading).to.deep.equal(reading);
      expect(verifyProofSteps(jsonLeafHash(reading), stored.proof, stored.merkleRoot)).to.equal(true);
    }

    // Nothing twice: the anchored counts add up to exactly the readings the bridge holds as landed.
    let landed = 0;
    for (const reading of sent) {
      const answer = await api.request('GET', `/api/v1/iot/readings/${reading.deviceId}/${reading.seq}`);
      if (answer.status === 200) {
        const stored =
          answer.body.status === 'pending'
            ? await landedReading(api, reading.deviceId, reading.seq)
            : answer.body;
        if (stored.status === 'landed') landed += 1;
      }
    }
    let anchored = 0;
    let bookmark = '';
    do {
      const page = await api.request(
        'GET',
        `/api/v1/channels/civic/feeds/${feedId}/batches?pageSize=200${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`,
        { token: tokens.auditor },
      );
      expect(page.status).to.equal(200);
      anchored += (page.body.records as Array<{ count: number }>).reduce((n, b) => n + b.count, 0);
      bookmark = page.body.bookmark;
    } while (bookmark);
    expect(anchored).to.equal(landed);

    // The devices' sequence numbers survived the crash: a replay is still a duplicate.
    const last = acknowledged[acknowledged.length - 1]!;
    const replay = await api.request('POST', '/api/v1/iot/readings', { body: { readings: [last] } });
    expect(replay.body).to.deep.equal({
      accepted: 0,
      rejected: [
        { index: 0, reason: 'duplicate', detail: `seq: ${last.seq} of this device was accepted before` },
      ],
    });
    const next = await api.request('POST', '/api/v1/iot/readings', {
      body: { readings: [nextReading(httpSensors[0]!)] },
    });
    expect(next.body).to.deep.equal({ accepted: 1, rejected: [] });
  });
});
