// The device simulator: registers devices through the gateway and streams signed readings.
import { randomBytes } from 'node:crypto';
import { resolveJwtKeys } from '../../auth/jwt-keys';
import { issueToken } from '../../auth/token-issuer';
import { loadGatewayConfig } from '../../config/gateway-config';
import {
  AIR_QUALITY_FEED,
  type FeedInUse,
  type FeedSpec,
  SMART_METER_FEED,
  type SimulatedDevice,
  ensureFeed,
  ensureOrganisationDid,
  gatewayApi,
  linkMetersToAccount,
  registerDevice,
} from './device-fleet';
import { type StreamProgress, streamReadings } from './load-generator';
import { parseSimulatorOptions, USAGE } from './simulator-options';

function progressLine(p: StreamProgress, mqtt: boolean): string {
  const rate = p.elapsedMs > 0 ? Math.round((p.accepted * 1000) / p.elapsedMs) : 0;
  return `\r${(p.elapsedMs / 1000).toFixed(0).padStart(4)} s  sent ${p.sent}${mqtt ? `  acked ${p.acknowledged}` : ''}  accepted ${p.accepted}  rejected ${p.rejected}  429 ${p.backPressure}  errors ${p.errors}  (${rate} accepted/s)   `;
}

/** What the simulator says about the feed its devices publish to. */
function feedNote(channel: string, spec: FeedSpec, feed: FeedInUse): string {
  if (feed.created) return `created feed ${feed.feedId} on ${channel} (${feed.metrics.join(', ')})`;
  if (feed.leftOut.length === 0)
    return `using feed ${feed.feedId} on ${channel} (${feed.metrics.join(', ')})`;
  return (
    `feed ${feed.feedId} on ${channel} exists and does not take ${feed.leftOut.join(', ')}: ` +
    `its ${spec.deviceKinds.join(', ')} devices publish only ${feed.metrics.join(', ')}`
  );
}

async function main(): Promise<void> {
  const options = parseSimulatorOptions(process.argv.slice(2), process.env);
  if (!options) {
    process.stdout.write(USAGE);
    return;
  }
  const { url, sensors, meters, transport, durationMs, rate } = options;
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
    const operator = token(options.tokens.cityOperator, 'simulator', 'CityMSP', 'operator');
    const owner = await ensureOrganisationDid(
      api,
      'civic',
      token(options.tokens.cityRegistrar, 'simulator', 'CityMSP', 'registrar'),
      'CityMSP',
      'city',
    );
    const feed = await ensureFeed(api, 'civic', operator, AIR_QUALITY_FEED);
    process.stderr.write(`${feedNote('civic', AIR_QUALITY_FEED, feed)}\n`);
    for (let i = 0; i < sensors; i++) {
      devices.push(
        await registerDevice(api, operator, {
          channel: 'civic',
          id: `sim-${run}-aq-${i + 1}`,
          kind: 'air-quality-sensor',
          ownerDid: owner,
          metrics: feed.metrics,
          feedId: feed.feedId,
        }),
      );
    }
  }
  if (meters > 0) {
    const operator = token(options.tokens.utilityOperator, 'simulator', 'UtilityMSP', 'operator');
    const owner = await ensureOrganisationDid(
      api,
      'energy',
      token(options.tokens.utilityRegistrar, 'simulator', 'UtilityMSP', 'registrar'),
      'UtilityMSP',
      'utility',
    );
    const feed = await ensureFeed(api, 'energy', operator, SMART_METER_FEED);
    process.stderr.write(`${feedNote('energy', SMART_METER_FEED, feed)}\n`);
    const firstMeter = devices.length;
    for (let i = 0; i < meters; i++) {
      devices.push(
        await registerDevice(api, operator, {
          channel: 'energy',
          id: `sim-${run}-meter-${i + 1}`,
          kind: 'smart-meter',
          ownerDid: owner,
          metrics: feed.metrics,
          feedId: feed.feedId,
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
  const mqtt = transport === 'mqtt';
  process.stderr.write(
    `streaming over ${transport.toUpperCase()}${mqtt ? ` to ${options.mqttUrl}` : ''} for ${durationMs / 1000} s at ${rate > 0 ? `${rate} readings/s` : 'full speed'} …\n`,
  );
  if (mqtt) {
    process.stderr.write(
      'MQTT verdicts come from the gateway’s /metrics counters (all MQTT publishers); a PUBACK (acked) only says a message was taken in\n',
    );
  }
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.once('SIGINT', onInterrupt);
  const summary = await streamReadings({
    devices,
    transport,
    url,
    ...(options.mqttUrl ? { mqttUrl: options.mqttUrl } : {}),
    ...(rate > 0 ? { ratePerSecond: rate } : {}),
    durationMs,
    readingsPerMessage: options.perMessage,
    onProgress: (p) => process.stderr.write(progressLine(p, mqtt)),
    signal: stop.signal,
  });
  process.off('SIGINT', onInterrupt);
  process.stderr.write(`${progressLine(summary, mqtt)}\n`);
  const reasons = Object.entries(summary.rejectedByReason)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  process.stdout.write(
    [
      '',
      `simulated ${devices.length} devices over ${transport.toUpperCase()} for ${(summary.elapsedMs / 1000).toFixed(1)} s`,
      `  sent          ${summary.sent}`,
      ...(mqtt ? [`  acked         ${summary.acknowledged}`] : []),
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
