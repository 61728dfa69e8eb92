// The device simulator: registers devices through the gateway and streams signed readings.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { resolveJwtKeys } from '../../auth/jwt-keys';
import { issueToken } from '../../auth/token-issuer';
import { loadGatewayConfig } from '../../config/gateway-config';
import {
  AIR_QUALITY_FEED,
  SMART_METER_FEED,
  type SimulatedDevice,
  ensureFeed,
  ensureOrganisationDid,
  gatewayApi,
  linkMetersToAccount,
  registerDevice,
} from './device-fleet';
import { type SimulatorTransport, type StreamProgress, streamReadings } from './load-generator';

const USAGE = `usage: npm run simulate -- [options]

Registers simulated devices through the gateway (identity and telemetry REST resources) and
streams signed readings to the IoT bridge, printing a live progress line and a summary.

  --url <url>            gateway (default http://127.0.0.1:3000)
  --sensors <n>          air-quality sensors on civic (default 10)
  --meters <n>           smart meters on energy (default 2)
  --rate <n>             readings per second over all devices (default 100; 0 = as fast as answered)
  --duration <s>         seconds to stream (default 30)
  --transport http|mqtt  (default http)
  --mqtt-url <url>       broker for --transport mqtt (default mqtt://<gateway host>:1883)
  --per-message <n>      readings per request / message (default 1)

Tokens for registering devices are minted from the gateway's configuration (the same environment
variables and data directory as npm start, like npm run token); or pass them:
  --city-operator <jwt> --city-registrar <jwt> --utility-operator <jwt> --utility-registrar <jwt>
`;

function positive(name: string, text: string, allowZero = false): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new Error(`--${name} ${text}: must be a whole number${allowZero ? '' : ' above 0'}`);
  return n;
}

function progressLine(p: StreamProgress): string {
  const rate = p.elapsedMs > 0 ? Math.round((p.accepted * 1000) / p.elapsedMs) : 0;
  return `\r${(p.elapsedMs / 1000).toFixed(0).padStart(4)} s  sent ${p.sent}  accepted ${p.accepted}  rejected ${p.rejected}  429 ${p.backPressure}  errors ${p.errors}  (${rate} accepted/s)   `;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
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
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const transport = values.transport as SimulatorTransport;
  if (transport !== 'http' && transport !== 'mqtt') throw new Error('--transport must be http or mqtt');
  const url = values.url.replace(/\/$/, '');
  const sensors = positive('sensors', values.sensors, true);
  const meters = positive('meters', values.meters, true);
  if (sensors + meters === 0) throw new Error('simulate at least one device');
  const rate = positive('rate', values.rate, true);
  const durationMs = positive('duration', values.duration) * 1000;
  const perMessage = positive('per-message', values['per-message']);
  const mqttUrl = values['mqtt-url'] ?? `mqtt://${new URL(url).hostname}:1883`;

  let mint: ((sub: string, org: string, role: string) => string) | undefined;
  const token = (given: string | undefined, sub: string, org: string, role: string) => {
    if (given) return given;
    if (!mint) {
      const keys = resolveJwtKeys(loadGatewayConfig(process.env));
      mint = (s, o, r) => issueToken(keys, { userId: s, mspId: o, role: r }, 3600);
    }
    return mint(sub, org, role);
  };
  const api = gatewayApi(url);
  const run = randomBytes(3).toString('hex');
  const devices: SimulatedDevice[] = [];
  process.stderr.write(`registering ${sensors} sensors and ${meters} meters (run ${run}) at ${url} …\n`);
  if (sensors > 0) {
    const operator = token(values['city-operator'], 'simulator', 'CityMSP', 'operator');
    const owner = await ensureOrganisationDid(
      api,
      'civic',
      token(values['city-registrar'], 'simulator', 'CityMSP', 'registrar'),
      'CityMSP',
      'city',
    );
    await ensureFeed(api, 'civic', operator, AIR_QUALITY_FEED);
    for (let i = 0; i < sensors; i++) {
      devices.push(
        await registerDevice(api, operator, {
          channel: 'civic',
          id: `sim-${run}-aq-${i + 1}`,
          kind: 'air-quality-sensor',
          ownerDid: owner,
          metrics: ['pm2_5', 'no2'],
          feedId: AIR_QUALITY_FEED.feedId,
        }),
      );
    }
  }
  if (meters > 0) {
    const operator = token(values['utility-operator'], 'simulator', 'UtilityMSP', 'operator');
    const owner = await ensureOrganisationDid(
      api,
      'energy',
      token(values['utility-registrar'], 'simulator', 'UtilityMSP', 'registrar'),
      'UtilityMSP',
      'utility',
    );
    await ensureFeed(api, 'energy', operator, SMART_METER_FEED);
    const firstMeter = devices.length;
    for (let i = 0; i < meters; i++) {
      devices.push(
        await registerDevice(api, operator, {
          channel: 'energy',
          id: `sim-${run}-meter-${i + 1}`,
          kind: 'smart-meter',
          ownerDid: owner,
          metrics: ['import_wh', 'export_wh'],
          feedId: SMART_METER_FEED.feedId,
        }),
      );
    }
    // The account is the utility's own, held by the simulator's identity; it only settles simulated meters.
    await linkMetersToAccount(
      api,
      operator,
      owner,
      'x509::/CN=simulator::/CN=ca.utility.cityledger.example',
      devices.slice(firstMeter).map((d) => d.did),
    );
  }
  process.stderr.write(
    `streaming over ${transport.toUpperCase()} for ${durationMs / 1000} s at ${rate > 0 ? `${rate} readings/s` : 'full speed'} …\n`,
  );
  const summary = await streamReadings({
    devices,
    transport,
    url,
    mqttUrl,
    ...(rate > 0 ? { ratePerSecond: rate } : {}),
    durationMs,
    readingsPerMessage: perMessage,
    onProgress: (p) => process.stderr.write(progressLine(p)),
  });
  process.stderr.write(`${progressLine(summary)}\n`);
  const reasons = Object.entries(summary.rejectedByReason)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  process.stdout.write(
    [
      '',
      `simulated ${devices.length} devices over ${transport.toUpperCase()} for ${(summary.elapsedMs / 1000).toFixed(1)} s`,
      `  sent          ${summary.sent}`,
      `  accepted      ${summary.accepted}  (${Math.round(summary.acceptedPerSecond)} /s)`,
      `  rejected      ${summary.rejected}${reasons ? `  (${reasons})` : ''}`,
      ...(summary.firstRejection
        ? [`  first refusal ${summary.firstRejection.reason}: ${summary.firstRejection.detail}`]
        : []),
      `  429           ${summary.backPressure}`,
      `  errors        ${summary.errors}`,
      `  latency       p50 ${summary.latencyMs.p50.toFixed(1)} ms, p95 ${summary.latencyMs.p95.toFixed(1)} ms, p99 ${summary.latencyMs.p99.toFixed(1)} ms, max ${summary.latencyMs.max.toFixed(1)} ms (per ${transport === 'http' ? 'request' : 'PUBACK'})`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`\nsimulate: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(1);
});
