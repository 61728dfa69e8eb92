import { z } from 'zod';
import { IOT_BRIDGE_USER } from '../auth/service-identities';

/**
 * The IoT bridge's settings, with defaults. The gateway's configuration embeds them
 * (`iotBridgeConfigFromEnvironment`), tests build them with `iotBridgeConfigSchema.parse({...})`.
 */
export const iotBridgeConfigSchema = z
  .object({
    /** Readings per ledger transaction; energy-trading takes at most 500 per call. */
    batchMaxReadings: z.number().int().min(1).max(5000).default(500),
    /** A batch is cut after this long even when not full (the oldest reading's wait). */
    batchMaxWaitMs: z.number().int().min(1).max(600_000).default(1000),
    /** Readings stored but not yet on the ledger; past this, HTTP answers 429 and MQTT stops reading. */
    outboxMaxReadings: z.number().int().min(1).max(10_000_000).default(100_000),
    maxReadingsPerRequest: z.number().int().min(1).max(10_000).default(1000),
    /** Backoff of ledger retries (outage, MVCC conflicts that outlasted the connector's retries). */
    retryBaseMs: z.number().int().min(1).max(60_000).default(250),
    retryMaxMs: z.number().int().min(1).max(600_000).default(10_000),
    /** A reading's timestamp may be this far ahead of the gateway's clock (the chaincodes allow 5 min). */
    maxClockSkewMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /** Devices the ledger does not know are re-asked after this long (a registration event clears it sooner). */
    unknownDeviceRetryMs: z.number().int().min(0).max(3_600_000).default(5000),
    /** The bridge's own ledger identity in each organisation it acts for. */
    serviceUserId: z
      .string()
      .regex(/^[A-Za-z0-9._@-]{1,64}$/)
      .default(IOT_BRIDGE_USER),
    mqtt: z
      .object({
        /** Embedded broker port (0 = any free port); ignored when `url` is set. */
        port: z.number().int().min(0).max(65535).default(1883),
        host: z.string().min(1).default('0.0.0.0'),
        /** An external broker to subscribe to instead of running the embedded one. */
        url: z.string().url().optional(),
        /** Session of the bridge at an external broker: persistent, so unacknowledged readings are redelivered. */
        clientId: z.string().min(1).max(64).default('cityledger-iot-bridge'),
        enabled: z.boolean().default(true),
      })
      .prefault({}),
  })
  .refine((c) => c.retryMaxMs >= c.retryBaseMs, { message: 'retryMaxMs must be at least retryBaseMs' });

export type IotBridgeConfig = z.infer<typeof iotBridgeConfigSchema>;
export type IotBridgeSettings = z.input<typeof iotBridgeConfigSchema>;

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional();

/**
 * The environment variables of the bridge, to merge into the gateway's environment schema
 * (unset = the default of {@link iotBridgeConfigSchema}).
 */
export const iotEnvironmentShape = {
  IOT_BATCH_SIZE: integer(1, 5000),
  IOT_BATCH_MS: integer(1, 600_000),
  IOT_OUTBOX_MAX: integer(1, 10_000_000),
  IOT_MAX_READINGS_PER_REQUEST: integer(1, 10_000),
  MQTT_PORT: z
    .string()
    .regex(/^(\d+|off)$/, "must be a port number or 'off'")
    .optional(),
  MQTT_HOST: z.string().min(1).optional(),
  MQTT_URL: z
    .string()
    .regex(/^(mqtts?|wss?|tcp):\/\/\S+$/, 'must be a broker URL such as mqtt://broker:1883')
    .optional(),
  MQTT_CLIENT_ID: z.string().min(1).max(64).optional(),
};

export const iotEnvironmentSchema = z.object(iotEnvironmentShape);

/** Turns the parsed environment variables into the bridge's configuration. */
export function iotBridgeConfigFromEnvironment(env: z.infer<typeof iotEnvironmentSchema>): IotBridgeConfig {
  const port = env.MQTT_PORT === undefined || env.MQTT_PORT === 'off' ? undefined : Number(env.MQTT_PORT);
  return iotBridgeConfigSchema.parse({
    batchMaxReadings: env.IOT_BATCH_SIZE,
    batchMaxWaitMs: env.IOT_BATCH_MS,
    outboxMaxReadings: env.IOT_OUTBOX_MAX,
    maxReadingsPerRequest: env.IOT_MAX_READINGS_PER_REQUEST,
    mqtt: {
      port,
      host: env.MQTT_HOST,
      url: env.MQTT_URL,
      clientId: env.MQTT_CLIENT_ID,
      enabled: env.MQTT_PORT !== 'off' || env.MQTT_URL !== undefined,
    },
  });
}
