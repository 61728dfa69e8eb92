import mqtt, { type MqttClient } from 'mqtt';
import { GatewayClient } from '@cityledger/client';
import { type SimulatedDevice, nextReading } from './device-fleet';

export type SimulatorTransport = 'http' | 'mqtt';

export interface StreamOptions {
  devices: SimulatedDevice[];
  transport: SimulatorTransport;
  /** The gateway, e.g. http://127.0.0.1:3000. */
  url: string;
  /** For `mqtt`, e.g. mqtt://127.0.0.1:1883. */
  mqttUrl?: string;
  /** Readings per second over all devices; undefined: each device sends as fast as it is answered. */
  ratePerSecond?: number;
  durationMs: number;
  /** Readings per HTTP request / MQTT message (a device's own readings). */
  readingsPerMessage: number;
  onProgress?: (progress: StreamProgress) => void;
  /** How often `onProgress` is called (default every second). */
  progressIntervalMs?: number;
  /** Stops the stream early (e.g. Ctrl-C); the summary covers what was sent until then. */
  signal?: AbortSignal;
}

/**
 * Over HTTP, `accepted` and `rejected` are the gateway's answers to the requests. MQTT has no
 * per-reading answer (a PUBACK says a message was taken in, whatever the verdict on its readings,
 * and the bridge publishes no verdicts), so they are the growth of the gateway's MQTT counters on
 * /metrics since the stream started: counted by the gateway, but over every MQTT publisher.
 */
export interface StreamProgress {
  elapsedMs: number;
  sent: number;
  /** MQTT: messages' readings acknowledged (PUBACK). */
  acknowledged: number;
  accepted: number;
  rejected: number;
  backPressure: number;
  errors: number;
}

export interface StreamSummary extends StreamProgress {
  rejectedByReason: Record<string, number>;
  /** The first rejection over HTTP, with its detail (MQTT rejections are in the gateway's log). */
  firstRejection?: { reason: string; detail: string };
  /** Round trip of each request (HTTP answer) or message (MQTT PUBACK), in ms. */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  acceptedPerSecond: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Scrapes the bridge's MQTT counters from the gateway's /metrics (MQTT has no per-reading verdicts). */
async function mqttCounters(url: string): Promise<{ accepted: number; rejected: Record<string, number> }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const rejected: Record<string, number> = {};
  let accepted = 0;
  for (const line of text.split('\n')) {
    const a = /^cityledger_iot_readings_accepted_total\{transport="mqtt"\} (\d+)/.exec(line);
    if (a) accepted = Number(a[1]);
    const r = /^cityledger_iot_readings_rejected_total\{transport="mqtt",reason="([^"]+)"\} (\d+)/.exec(line);
    if (r) rejected[r[1]!] = Number(r[2]);
  }
  return { accepted, rejected };
}

/**
 * Streams signed readings from every device concurrently, over HTTP (`POST /api/v1/iot/readings`)
 * or MQTT (QoS 1, one connection per device), at a global rate or as fast as the gateway answers.
 */
export async function streamReadings(options: StreamOptions): Promise<StreamSummary> {
  const progress: StreamProgress = {
    elapsedMs: 0,
    sent: 0,
    acknowledged: 0,
    accepted: 0,
    rejected: 0,
    backPressure: 0,
    errors: 0,
  };
  const rejectedByReason: Record<string, number> = {};
  let firstRejection: StreamSummary['firstRejection'];
  const latencies: number[] = [];
  const clients = new Map<string, MqttClient>();
  const mqttBefore = options.transport === 'mqtt' ? await mqttCounters(options.url) : undefined;
  /** Takes the MQTT verdicts from the gateway's counters (their growth since the stream started). */
  const countMqttVerdicts = async () => {
    if (!mqttBefore) return;
    const after = await mqttCounters(options.url);
    progress.accepted = after.accepted - mqttBefore.accepted;
    progress.rejected = 0;
    for (const [reason, n] of Object.entries(after.rejected)) {
      const delta = n - (mqttBefore.rejected[reason] ?? 0);
      if (delta > 0) {
        rejectedByReason[reason] = delta;
        progress.rejected += delta;
      }
    }
  };
  if (options.transport === 'mqtt') {
    if (!options.mqttUrl) throw new Error('an MQTT URL is needed for the mqtt transport');
    for (const device of options.devices) {
      clients.set(
        device.did,
        await mqtt.connectAsync(options.mqttUrl, { clientId: `sim-${device.did}`, reconnectPeriod: 1000 }),
      );
    }
  }
  const started = Date.now();
  const end = started + options.durationMs;
  let nextSlot = started;
  const pace = async (readings: number) => {
    if (!options.ratePerSecond) return;
    const now = Date.now();
    const at = Math.max(now, nextSlot);
    nextSlot = at + (readings * 1000) / options.ratePerSecond;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  };
  const stopped = () => Date.now() >= end || options.signal?.aborted === true;
  let reporting: Promise<void> = Promise.resolve();
  let reportingNow = false;
  const report = async () => {
    try {
      await countMqttVerdicts();
    } catch {
      // /metrics did not answer this time: the next report counts again.
    }
    options.onProgress?.({ ...progress, elapsedMs: Date.now() - started });
  };
  const ticker = setInterval(() => {
    if (reportingNow) return;
    reportingNow = true;
    reporting = report().finally(() => {
      reportingNow = false;
    });
  }, options.progressIntervalMs ?? 1000);

  // Devices sign their readings; the ingest route takes no token.
  const ingest = new GatewayClient({ baseUrl: options.url });
  const runDevice = async (device: SimulatedDevice) => {
    while (!stopped()) {
      await pace(options.readingsPerMessage);
      if (stopped()) break;
      const readings = Array.from({ length: options.readingsPerMessage }, () => nextReading(device));
      progress.sent += readings.length;
      const t0 = performance.now();
      try {
        if (options.transport === 'http') {
          const answer = await ingest.api.POST('/api/v1/iot/readings', { body: { readings } });
          const { response } = answer;
          const body = (answer.data ?? answer.error ?? {}) as {
            accepted?: number;
            rejected?: Array<{ reason: string; detail: string }>;
          };
          latencies.push(performance.now() - t0);
          if (response.status === 202) {
            progress.accepted += body.accepted ?? 0;
            progress.rejected += body.rejected?.length ?? 0;
            for (const r of body.rejected ?? []) {
              rejectedByReason[r.reason] = (rejectedByReason[r.reason] ?? 0) + 1;
              firstRejection ??= { reason: r.reason, detail: r.detail };
            }
          } else if (response.status === 429) {
            progress.backPressure += readings.length;
            // The readings were not taken; a device would resend them with the same seq later.
            device.seq -= readings.length;
            await new Promise((resolve) => setTimeout(resolve, 200));
          } else {
            progress.errors += readings.length;
          }
        } else {
          const payload = JSON.stringify(readings.length === 1 ? readings[0] : readings);
          await clients
            .get(device.did)!
            .publishAsync(`cityledger/${device.channel}/${device.did}/readings`, payload, { qos: 1 });
          latencies.push(performance.now() - t0);
          progress.acknowledged += readings.length;
        }
      } catch {
        progress.errors += readings.length;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };
  await Promise.all(options.devices.map(runDevice));
  clearInterval(ticker);
  await reporting;
  const elapsedMs = Date.now() - started;
  await Promise.all([...clients.values()].map((c) => c.endAsync()));
  // Every message was acknowledged, so the gateway has counted every reading of this stream.
  await countMqttVerdicts();
  latencies.sort((a, b) => a - b);
  return {
    ...progress,
    elapsedMs,
    rejectedByReason,
    ...(firstRejection ? { firstRejection } : {}),
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1] ?? 0,
    },
    acceptedPerSecond: progress.accepted / (elapsedMs / 1000),
  };
}
