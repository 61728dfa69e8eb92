import { once } from 'node:events';
import { type Server, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import Aedes from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../observability/logger';
import type { BridgeMetrics } from './bridge-metrics';
import type { ReadingIntake } from './reading-intake';
import { DEVICE_DID } from './reading-schema';

/** `cityledger/{channel}/{deviceId}/readings`; the device segment is its DID or the DID's id part. */
export const READINGS_TOPIC = /^cityledger\/([^/+#]+)\/([^/+#]+)\/readings$/;
export const READINGS_SUBSCRIPTION = 'cityledger/+/+/readings';

export interface MqttIngest {
  /** Port of the embedded broker (undefined when subscribing to an external one). */
  readonly port?: number;
  close(): Promise<void>;
}

/** Whether a reading names the device and channel of the topic it was published on. */
function matchesTopic(reading: unknown, channel: string, device: string): boolean {
  const deviceId = (reading as { deviceId?: unknown } | null)?.deviceId;
  if (typeof deviceId !== 'string') return false;
  const match = DEVICE_DID.exec(deviceId);
  return !!match && match[1] === channel && (device === deviceId || device === match[2]);
}

/**
 * What both MQTT modes do with a message: a payload is one reading or a JSON array of readings of
 * the topic's device. The returned promise settles when the accepted readings are on disk — the
 * moment the bridge may acknowledge (PUBACK) the message. While the outbox is full it stays
 * pending, and so does reading from that connection: back-pressure down to TCP.
 */
class MessageIntake {
  private closing = false;

  constructor(private readonly options: MqttIngestOptions) {}

  close(): void {
    this.closing = true;
  }

  async handle(topic: string, payload: Buffer): Promise<void> {
    const { intake, maxReadingsPerMessage, retryMs, logger, metrics } = this.options;
    const [, channel, device] = READINGS_TOPIC.exec(topic) ?? [];
    let readings: unknown[] = [];
    let detail: string | undefined;
    try {
      const parsed = JSON.parse(payload.toString('utf8')) as unknown;
      readings = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      detail = 'payload: is not JSON';
    }
    if (!channel || !device) detail = 'topic: must be cityledger/{channel}/{deviceId}/readings';
    else if (readings.length === 0) detail ??= 'payload: holds no reading';
    else if (readings.length > maxReadingsPerMessage) {
      detail = `payload: holds ${readings.length} readings; at most ${maxReadingsPerMessage} per message`;
    }
    if (detail !== undefined || !channel || !device) {
      metrics.rejected.inc({ transport: 'mqtt', reason: 'invalid' });
      logger.warn('iot: MQTT message rejected', { topic, reason: 'invalid', detail, bytes: payload.length });
      return;
    }
    // A reading published under another device's topic is refused as invalid, by its index.
    const ofTopic = readings.map((r) => (matchesTopic(r, channel, device) ? r : null));
    const notOfTopic = `deviceId: is not the device of topic ${topic}`;
    for (let attempt = 1; ; attempt++) {
      try {
        const verdicts = await intake.accept(ofTopic, {
          transport: 'mqtt',
          whenFull: 'wait',
          cancelled: () => this.closing,
          orderKey: `${channel}/${device}`,
        });
        for (const { index, reason, detail } of verdicts.rejected) {
          const reading = readings[index] as { seq?: unknown } | null;
          logger.warn('iot: MQTT reading rejected', {
            topic,
            index,
            seq: reading?.seq,
            reason,
            detail: ofTopic[index] === null ? notOfTopic : detail,
          });
        }
        return;
      } catch (error) {
        if (this.closing) throw error;
        // The ledger could not be asked for a device key: hold the message (and the connection) and retry.
        if (attempt === 1 || attempt % 10 === 0) {
          logger.warn('iot: MQTT message held back; retrying', { topic, attempt, error: String(error) });
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(retryMs * attempt, 10_000)));
      }
    }
  }
}

export interface MqttIngestOptions {
  intake: ReadingIntake;
  maxReadingsPerMessage: number;
  retryMs: number;
  logger: Logger;
  metrics: BridgeMetrics;
}

/**
 * The default setup: an embedded broker (aedes) on `port`. Readings are taken in at publish
 * authorisation, so a QoS 1 PUBACK goes out only once they are durably stored; aedes reads no
 * further packets from a connection until its current ones are handled.
 */
export async function startEmbeddedBroker(
  options: MqttIngestOptions & { port: number; host: string },
): Promise<MqttIngest> {
  const messages = new MessageIntake(options);
  const broker = new Aedes({
    authorizePublish: (client, packet, callback) => {
      if (!client || !packet.topic.startsWith('cityledger/')) {
        callback(null);
        return;
      }
      messages.handle(packet.topic, Buffer.from(packet.payload)).then(
        () => callback(null),
        (error: Error) => callback(error),
      );
    },
  });
  const server: Server = createServer((socket) => broker.handle(socket));
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    async close() {
      messages.close();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Production: subscribe to any broker at `url` with a persistent session (`clean: false`) and
 * QoS 1, acknowledging each message only once its readings are stored — unacknowledged ones are
 * redelivered by the broker after a restart of the gateway.
 */
export async function subscribeToBroker(
  options: MqttIngestOptions & { url: string; clientId: string },
): Promise<MqttIngest> {
  const messages = new MessageIntake(options);
  const client: MqttClient = mqtt.connect(options.url, {
    clientId: options.clientId,
    clean: false,
    reconnectPeriod: 1000,
  });
  client.handleMessage = (packet, done) => {
    messages.handle(packet.topic, Buffer.from(packet.payload as Buffer)).then(
      () => done(),
      (error: Error) => done(error),
    );
  };
  client.on('connect', () => {
    client.subscribe(READINGS_SUBSCRIPTION, { qos: 1 }, (error) => {
      if (error) options.logger.error('iot: could not subscribe', { url: options.url, error: String(error) });
    });
  });
  client.on('error', (error) => options.logger.warn('iot: MQTT broker connection', { error: String(error) }));
  return {
    async close() {
      messages.close();
      await client.endAsync(true);
    },
  };
}
