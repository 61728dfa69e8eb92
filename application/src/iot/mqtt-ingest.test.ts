import { expect } from 'chai';
import mqtt from 'mqtt';
import type { LogFields, Logger } from '../observability/logger';
import { BridgeMetrics } from './bridge-metrics';
import { type MqttIngest, startEmbeddedBroker } from './mqtt-ingest';
import type { IntakeVerdicts, ReadingIntake } from './reading-intake';

const DEVICE = 'did:cityledger:civic:aq-1';
const TOPIC = `cityledger/civic/${DEVICE}/readings`;

/** Judges every reading it is given as invalid, with a detail naming its `value`. */
class RefusingIntake {
  readonly given: unknown[][] = [];

  async accept(raw: readonly unknown[]): Promise<IntakeVerdicts> {
    this.given.push([...raw]);
    return {
      accepted: 0,
      rejected: raw.map((_r, index) => ({ index, reason: 'invalid', detail: 'value: must be a number' })),
    };
  }
}

describe('MQTT ingest', () => {
  let broker: MqttIngest;
  let warnings: Array<{ message: string; fields?: LogFields }>;
  let intake: RefusingIntake;

  beforeEach(async () => {
    warnings = [];
    intake = new RefusingIntake();
    const logger: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (message, fields) => warnings.push({ message, fields }),
      error: () => undefined,
    };
    broker = await startEmbeddedBroker({
      intake: intake as unknown as ReadingIntake,
      maxReadingsPerMessage: 2,
      retryMs: 10,
      logger,
      metrics: new BridgeMetrics(undefined, () => 0),
      port: 0,
      host: '127.0.0.1',
    });
  });
  afterEach(() => broker.close());

  async function publish(topic: string, payload: string): Promise<void> {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`);
    try {
      await client.publishAsync(topic, payload, { qos: 1 });
    } finally {
      await client.endAsync();
    }
  }

  it('logs each rejected reading with the detail of the rule it broke', async () => {
    const other = { deviceId: 'did:cityledger:civic:aq-2', seq: 4 };
    await publish(TOPIC, JSON.stringify([{ deviceId: DEVICE, seq: 3 }, other]));
    expect(intake.given).to.deep.equal([[{ deviceId: DEVICE, seq: 3 }, null]]);
    expect(warnings.map((w) => w.fields)).to.deep.equal([
      { topic: TOPIC, index: 0, seq: 3, reason: 'invalid', detail: 'value: must be a number' },
      {
        topic: TOPIC,
        index: 1,
        seq: 4,
        reason: 'invalid',
        detail: `deviceId: is not the device of topic ${TOPIC}`,
      },
    ]);
  });

  it('says why a whole message is refused: not JSON, too many readings', async () => {
    await publish(TOPIC, '{"seq": ');
    await publish(TOPIC, JSON.stringify([{}, {}, {}]));
    expect(intake.given).to.deep.equal([]);
    expect(warnings.map((w) => [w.message, w.fields?.detail])).to.deep.equal([
      ['iot: MQTT message rejected', 'payload: is not JSON'],
      ['iot: MQTT message rejected', 'payload: holds 3 readings; at most 2 per message'],
    ]);
  });
});
