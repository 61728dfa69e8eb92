import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { type Consortium, loadConsortium } from '@cityledger/network';
import { LedgerUnavailableError } from '../errors/gateway-errors';
import type { ApiRouter } from '../http/api-router';
import type { LedgerConnector } from '../ledger/ledger-connector';
import { type Logger, createJsonLogger } from '../observability/logger';
import { BatchDispatcher } from './batch-dispatcher';
import { BridgeMetrics } from './bridge-metrics';
import { BridgeStore } from './bridge-store';
import { DeviceRegistry } from './device-registry';
import { FeedRouter } from './feed-router';
import { addIotRoutes } from './http-ingest-routes';
import { type IotBridgeConfig, type IotBridgeSettings, iotBridgeConfigSchema } from './iot-config';
import { chaincodeEventsOf } from './ledger-events';
import { MeterReadingsLanding } from './meter-readings-landing';
import { type MqttIngest, startEmbeddedBroker, subscribeToBroker } from './mqtt-ingest';
import { Outbox } from './outbox';
import { ReadingIntake } from './reading-intake';
import { ReadingProofs } from './reading-proofs';
import { PublicKeyCache } from './reading-signature';
import { SequenceTracker } from './sequence-tracker';
import { ServiceCallers } from './service-callers';
import { TelemetryAnchoring } from './telemetry-anchoring';

export interface IotBridgeDependencies {
  ledger: LedgerConnector;
  /** The bridge keeps its store in `<dataDir>/iot-bridge`. */
  dataDir: string;
  config: IotBridgeConfig | IotBridgeSettings;
  /** Channel membership, to pick who reads device and feed definitions; default: the default consortium file. */
  consortium?: Consortium;
  logger?: Logger;
  /** The gateway's metrics (their registry gets the bridge's metrics). */
  metrics?: { registry: Registry };
}

export interface IotBridge {
  /** Adds `POST /iot/readings` (devices sign, they hold no token) and the reading lookup to the API. */
  addRoutes(api: ApiRouter): void;
  /** Opens the store, resumes landing what it holds, follows identity/telemetry events, starts MQTT. */
  start(): Promise<void>;
  /** Stops MQTT, lets in-flight batches finish, closes the store. Stored readings land after the next start. */
  stop(): Promise<void>;
  /** The embedded broker's port, once started (undefined with `MQTT_URL` or MQTT off). */
  readonly mqttPort: number | undefined;
  /** Readings stored and not yet on the ledger. */
  readonly outboxSize: number;
  /** Resolves once every stored reading has landed (or been refused); for tests and demos. */
  drained(timeoutMs?: number): Promise<void>;
}

interface Running {
  store: BridgeStore;
  outbox: Outbox;
  dispatcher: BatchDispatcher;
  unsubscribe: Array<() => void>;
  mqtt?: MqttIngest;
  intake: ReadingIntake;
  proofs: ReadingProofs;
}

/**
 * The IoT bridge: signed device readings over HTTP and MQTT → verification against the identity
 * chaincode's device keys → a durable outbox → batches landed exactly once on the feed's channel
 * (telemetry anchoring, or energy-trading for meters).
 *
 * @example
 * ```ts
 * const bridge = createIotBridge({ ledger, dataDir: config.dataDir, config: config.iot, logger, metrics });
 * await bridge.start();
 * bridge.addRoutes(api);                      // the gateway's ApiRouter
 * // on shutdown, before the ledger closes:
 * await bridge.stop();
 * ```
 */
export function createIotBridge(deps: IotBridgeDependencies): IotBridge {
  const config = iotBridgeConfigSchema.parse(deps.config);
  const logger = deps.logger ?? createJsonLogger('silent');
  let running: Running | undefined;
  let outboxSize = () => 0;
  const metrics = new BridgeMetrics(deps.metrics?.registry, () => outboxSize());

  const runningIntake = () => {
    if (!running) throw new LedgerUnavailableError('the IoT bridge is not running', 'IOT_BRIDGE_STOPPED');
    return running;
  };

  return {
    addRoutes(api) {
      addIotRoutes(api, runningIntake, { maxReadingsPerRequest: config.maxReadingsPerRequest });
    },
    get mqttPort() {
      return running?.mqtt?.port;
    },
    get outboxSize() {
      return outboxSize();
    },
    async start() {
      if (running) return;
      const store = await BridgeStore.open(join(deps.dataDir, 'iot-bridge'));
      try {
        const consortium = deps.consortium ?? loadConsortium();
        const callers = new ServiceCallers(consortium, config.serviceUserId);
        const keys = new PublicKeyCache();
        const registry = new DeviceRegistry(deps.ledger, callers, keys, config.unknownDeviceRetryMs);
        const feeds = new FeedRouter(deps.ledger, callers, config.unknownDeviceRetryMs);
        const unsubscribe = callers.channels.map((channel) =>
          deps.ledger.subscribe(channel, (block) => {
            for (const event of chaincodeEventsOf(block)) {
              registry.onEvent(event);
              feeds.onEvent(event);
            }
          }),
        );
        const sequences = await SequenceTracker.load(store);
        const outbox = await Outbox.load(store, config.outboxMaxReadings);
        outboxSize = () => outbox.size;
        const proofs = new ReadingProofs(store);
        const dispatcher = new BatchDispatcher(
          outbox,
          {
            telemetry: new TelemetryAnchoring(deps.ledger, feeds, callers, config.batchMaxReadings),
            'energy-trading': new MeterReadingsLanding(deps.ledger, config.batchMaxReadings),
          },
          config,
          logger,
          metrics,
        );
        const intake = new ReadingIntake({
          store,
          registry,
          feeds,
          sequences,
          outbox,
          proofs,
          metrics,
          maxClockSkewMs: config.maxClockSkewMs,
        });
        dispatcher.start();
        let mqttIngest: MqttIngest | undefined;
        if (config.mqtt.enabled) {
          const common = {
            intake,
            maxReadingsPerMessage: config.maxReadingsPerRequest,
            retryMs: config.retryBaseMs,
            logger,
            metrics,
          };
          mqttIngest = config.mqtt.url
            ? await subscribeToBroker({ ...common, url: config.mqtt.url, clientId: config.mqtt.clientId })
            : await startEmbeddedBroker({ ...common, port: config.mqtt.port, host: config.mqtt.host });
        }
        running = {
          store,
          outbox,
          dispatcher,
          unsubscribe,
          ...(mqttIngest ? { mqtt: mqttIngest } : {}),
          intake,
          proofs,
        };
        logger.info('iot bridge started', {
          outbox: outbox.size,
          instanceId: store.instanceId,
          ...(mqttIngest?.port !== undefined ? { mqttPort: mqttIngest.port } : {}),
          ...(config.mqtt.url ? { mqttUrl: config.mqtt.url } : {}),
        });
      } catch (error) {
        await store.close();
        throw error;
      }
    },
    async stop() {
      const current = running;
      if (!current) return;
      running = undefined;
      await current.mqtt?.close();
      await current.dispatcher.stop();
      for (const end of current.unsubscribe) end();
      const left = current.outbox.size;
      outboxSize = () => 0;
      await current.store.close();
      logger.info('iot bridge stopped', { outbox: left });
    },
    async drained(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (outboxSize() > 0) {
        if (Date.now() > deadline) throw new Error(`the outbox still holds ${outboxSize()} readings`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
