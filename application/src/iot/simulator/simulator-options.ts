import { parseArgs } from 'node:util';
import { gatewayUrl, GATEWAY_URL_USAGE } from '../../cli/gateway-url';
import { iotBridgeConfigFromEnvironment, iotEnvironmentSchema } from '../iot-config';
import type { SimulatorTransport } from './load-generator';

export const USAGE = `usage: npm run simulate -- [options]

Registers simulated devices through the gateway (identity and telemetry REST resources) and
streams signed readings to the IoT bridge, printing a live progress line and a summary.

  ${GATEWAY_URL_USAGE}
  --sensors <n>          air-quality sensors on civic (default 10)
  --meters <n>           smart meters on energy (default 2)
  --rate <n>             readings per second over all devices (default 100; 0 = as fast as answered)
  --duration <s>         seconds to stream (default 30; Ctrl-C stops early with a summary)
  --transport http|mqtt  (default http)
  --mqtt-url <url>       broker for --transport mqtt (default: MQTT_URL, else
                         mqtt://<gateway host>:<MQTT_PORT, else 1883>, as the gateway reads them)
  --per-message <n>      readings per request / message (default 1)

Tokens for registering devices are minted from the gateway's configuration (the same environment
variables and data directory as npm start, like npm run token); or pass them:
  --city-operator <jwt> --city-registrar <jwt> --utility-operator <jwt> --utility-registrar <jwt>
`;

export interface SimulatorOptions {
  url: string;
  sensors: number;
  meters: number;
  /** Readings per second over all devices; 0 = as fast as answered. */
  rate: number;
  durationMs: number;
  transport: SimulatorTransport;
  /** Set for the mqtt transport. */
  mqttUrl?: string;
  perMessage: number;
  tokens: {
    cityOperator?: string;
    cityRegistrar?: string;
    utilityOperator?: string;
    utilityRegistrar?: string;
  };
}

function positive(name: string, text: string, allowZero = false): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new Error(`--${name} ${text}: must be a whole number${allowZero ? '' : ' above 0'}`);
  return n;
}

/**
 * The broker the gateway's IoT bridge listens to, read from the same variables as the gateway
 * (`MQTT_URL`, else its embedded broker on `MQTT_PORT`) at the gateway's host.
 */
export function defaultMqttUrl(url: string, env: Readonly<Record<string, string | undefined>>): string {
  const parsed = iotEnvironmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`MQTT_PORT / MQTT_URL: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  const { mqtt } = iotBridgeConfigFromEnvironment(parsed.data);
  if (mqtt.url) return mqtt.url;
  if (!mqtt.enabled) throw new Error('MQTT_PORT=off: the gateway runs no MQTT broker; pass --mqtt-url');
  if (mqtt.port === 0) throw new Error('MQTT_PORT=0: the gateway picks a free port; pass --mqtt-url');
  return `mqtt://${new URL(url).hostname}:${mqtt.port}`;
}

/** The simulator's options from its arguments and environment; undefined for --help. */
export function parseSimulatorOptions(
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
): SimulatorOptions | undefined {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      sensors: { type: 'string', default: '10' },
      meters: { type: 'string', default: '2' },
      rate: { type: 'string', default: '100' },
      duration: { type: 'string', default: '30' },
      transport: { type: 'string', default: 'http' },
      'mqtt-url': { type: 'string' },
      'per-message': { type: 'string', default: '1' },
      'city-operator': { type: 'string' },
      'city-registrar': { type: 'string' },
      'utility-operator': { type: 'string' },
      'utility-registrar': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const transport = values.transport as SimulatorTransport;
  if (transport !== 'http' && transport !== 'mqtt') throw new Error('--transport must be http or mqtt');
  const url = gatewayUrl(values.url, env);
  const sensors = positive('sensors', values.sensors, true);
  const meters = positive('meters', values.meters, true);
  if (sensors + meters === 0) throw new Error('simulate at least one device');
  const mqttUrl = transport === 'mqtt' ? (values['mqtt-url'] ?? defaultMqttUrl(url, env)) : undefined;
  return {
    url,
    sensors,
    meters,
    rate: positive('rate', values.rate, true),
    durationMs: positive('duration', values.duration) * 1000,
    transport,
    ...(mqttUrl ? { mqttUrl } : {}),
    perMessage: positive('per-message', values['per-message']),
    tokens: {
      cityOperator: values['city-operator'],
      cityRegistrar: values['city-registrar'],
      utilityOperator: values['utility-operator'],
      utilityRegistrar: values['utility-registrar'],
    },
  };
}
