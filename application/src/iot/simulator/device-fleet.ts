import { type KeyObject, generateKeyPairSync, randomInt } from 'node:crypto';
import { GatewayClient, type HttpMethod } from '@cityledger/client';
import type { DeviceReading } from '../reading-schema';
import { signReading } from '../reading-signature';

/** Real HTTP to a gateway (what the simulator and the tests use to set devices up). */
export interface GatewayApi {
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown },
  ): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers
}

/**
 * `defaultToken` is sent when a request names none, e.g. for reading lookups, which need a token.
 * Through `@cityledger/client`, so a path the gateway's OpenAPI document lacks fails at once.
 */
export function gatewayApi(url: string, defaultToken?: string): GatewayApi {
  return {
    request: (method, path, options = {}) =>
      new GatewayClient({ baseUrl: url, token: options.token ?? defaultToken }).request(
        method as HttpMethod,
        path,
        options.body,
      ),
  };
}

export class SetupError extends Error {}

function expectStatus(answer: { status: number; body: unknown }, allowed: number[], what: string): void {
  if (!allowed.includes(answer.status)) {
    throw new SetupError(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

/**
 * The organisation DID of the caller's MSP on `channel` (devices need an owner): registered with
 * `id` if the MSP has none yet.
 */
export async function ensureOrganisationDid(
  api: GatewayApi,
  channel: string,
  token: string,
  mspId: string,
  id: string,
): Promise<string> {
  const list = await api.request('GET', `/api/v1/channels/${channel}/dids?type=organisation&pageSize=200`, {
    token,
  });
  expectStatus(list, [200], `listing organisations on ${channel}`);
  const records = (list.body.records ?? list.body.result?.records ?? []) as Array<{
    did: string;
    controller: string;
  }>;
  const existing = records.find((r) => r.controller === mspId);
  if (existing) return existing.did;
  const created = await api.request('POST', `/api/v1/channels/${channel}/organisations`, {
    token,
    body: { id, name: `${mspId} (${id})` },
  });
  expectStatus(created, [201], `registering organisation ${id} on ${channel}`);
  return `did:cityledger:${channel}:${id}`;
}

export interface FeedSpec {
  feedId: string;
  description?: string;
  metrics: Array<{ name: string; unit: string }>;
  deviceKinds: string[];
  thresholds?: Array<{ metric: string; comparison: 'gt' | 'gte' | 'lt' | 'lte'; limit: number }>;
}

/** The feed devices publish to, and which of the wanted metrics it takes. */
export interface FeedInUse {
  feedId: string;
  /** False when the feed existed already (its definition, not the spec, then decides). */
  created: boolean;
  /** The spec's metrics that the feed takes, in the spec's order: what devices may publish. */
  metrics: string[];
  /** The spec's metrics that an existing feed does not take. */
  leftOut: string[];
}

/**
 * Creates the feed unless it exists. An existing feed keeps its definition (a feed's metrics
 * never change), so devices must publish only the metrics it takes: the answer lists them. Throws
 * when an existing feed takes none of the spec's metrics or not all of its device kinds.
 */
export async function ensureFeed(
  api: GatewayApi,
  channel: string,
  token: string,
  feed: FeedSpec,
): Promise<FeedInUse> {
  const wanted = feed.metrics.map((m) => m.name);
  const answer = await api.request('POST', `/api/v1/channels/${channel}/feeds`, { token, body: feed });
  expectStatus(answer, [201, 409], `creating feed ${feed.feedId} on ${channel}`);
  if (answer.status === 201) return { feedId: feed.feedId, created: true, metrics: wanted, leftOut: [] };
  const existing = await api.request('GET', `/api/v1/channels/${channel}/feeds/${feed.feedId}`, { token });
  expectStatus(existing, [200], `reading feed ${feed.feedId} on ${channel}`);
  const taken = new Set((existing.body.metrics as Array<{ name: string }>).map((m) => m.name));
  const kinds = new Set(existing.body.deviceKinds as string[]);
  const metrics = wanted.filter((m) => taken.has(m));
  const missingKinds = feed.deviceKinds.filter((k) => !kinds.has(k));
  if (metrics.length === 0 || missingKinds.length > 0) {
    throw new SetupError(
      `feed ${feed.feedId} on ${channel} exists and takes ${[...taken].join(', ')} from ${[...kinds].join(', ')}; ` +
        `the simulator needs ${wanted.join(' or ')} from ${feed.deviceKinds.join(', ')}`,
    );
  }
  return { feedId: feed.feedId, created: false, metrics, leftOut: wanted.filter((m) => !taken.has(m)) };
}

/** A device as the simulator drives it: its DID, its private key and where it is in its sequence. */
export interface SimulatedDevice {
  did: string;
  channel: string;
  kind: string;
  metrics: string[];
  feedId: string;
  privateKey: KeyObject;
  publicKeyPem: string;
  /** The next `seq` to send. */
  seq: number;
  /** Meters: cumulative registers in Wh. */
  registers: { import_wh: number; export_wh: number };
}

export interface DeviceSpec {
  channel: string;
  id: string;
  kind: string;
  ownerDid: string;
  metrics: string[];
  feedId: string;
}

/** Registers a device with a fresh P-256 key through the gateway's identity resource. */
export async function registerDevice(
  api: GatewayApi,
  token: string,
  spec: DeviceSpec,
): Promise<SimulatedDevice> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const answer = await api.request('POST', `/api/v1/channels/${spec.channel}/devices`, {
    token,
    body: {
      id: spec.id,
      kind: spec.kind,
      ownerDid: spec.ownerDid,
      publicKeyPem,
      metrics: spec.metrics,
      feedId: spec.feedId,
    },
  });
  expectStatus(answer, [201], `registering device ${spec.id}`);
  return {
    did: `did:cityledger:${spec.channel}:${spec.id}`,
    channel: spec.channel,
    kind: spec.kind,
    metrics: spec.metrics,
    feedId: spec.feedId,
    privateKey,
    publicKeyPem,
    seq: 1,
    registers: { import_wh: 1_000_000, export_wh: 250_000 },
  };
}

/** A random whole number in [min, max]. */
const between = (min: number, max: number) => randomInt(min, max + 1);

const SENSOR_VALUES: Record<string, () => number> = {
  pm2_5: () => between(50, 350) / 10,
  no2: () => between(10, 70),
  water_level_cm: () => between(120, 160),
  noise_db: () => between(40, 85),
};
const UNITS: Record<string, string> = {
  pm2_5: 'ug/m3',
  no2: 'ug/m3',
  water_level_cm: 'cm',
  noise_db: 'dB',
  import_wh: 'Wh',
  export_wh: 'Wh',
};

/**
 * The device's next signed reading, timestamped `at`. A meter publishes its registers in turn
 * (import_wh, export_wh, import_wh, …), each a cumulative integer that never decreases.
 */
export function nextReading(device: SimulatedDevice, at: Date = new Date()): DeviceReading {
  const seq = device.seq++;
  const metric = device.metrics[(seq - 1) % device.metrics.length]!;
  let value: number;
  if (metric === 'import_wh' || metric === 'export_wh') {
    device.registers[metric] += between(0, metric === 'import_wh' ? 40 : 15);
    value = device.registers[metric];
  } else {
    value = (SENSOR_VALUES[metric] ?? (() => between(0, 100)))();
  }
  return signReading(
    {
      deviceId: device.did,
      seq,
      timestamp: at.toISOString(),
      metric,
      value,
      ...(UNITS[metric] ? { unit: UNITS[metric] } : {}),
    },
    device.privateKey,
  );
}

/** The city's demo feeds: air quality on civic (City), smart meters on energy (Utility). */
export const AIR_QUALITY_FEED: FeedSpec = {
  feedId: 'air-quality',
  description: 'Air quality sensors (simulated)',
  metrics: [
    { name: 'pm2_5', unit: 'ug/m3' },
    { name: 'no2', unit: 'ug/m3' },
  ],
  deviceKinds: ['air-quality-sensor'],
  thresholds: [{ metric: 'pm2_5', comparison: 'gt', limit: 25 }],
};

export const SMART_METER_FEED: FeedSpec = {
  feedId: 'smart-meters',
  description: 'Smart meter registers (simulated)',
  metrics: [
    { name: 'import_wh', unit: 'Wh' },
    { name: 'export_wh', unit: 'Wh' },
  ],
  deviceKinds: ['smart-meter'],
};

/** The demo market of docs/contracts/energy-trading.md, configured only if the market has none. */
const DEMO_MARKET = {
  intervalMinutes: 15,
  gateClosureMinutes: 5,
  settlementDelayMinutes: 10,
  gridTariffCentsPerKwh: 30,
  feedInTariffCentsPerKwh: 8,
  gridFeeCentsPerKwh: 4,
};

/**
 * What energy-trading needs before it takes a meter's readings: a configured market and the meter
 * linked to a prosumer account of its owner (credential `prosumer`, account held by `holderId`).
 * Steps already done are skipped (409).
 */
export async function linkMetersToAccount(
  api: GatewayApi,
  utilityOperator: string,
  ownerDid: string,
  holderId: string,
  meterDids: string[],
): Promise<void> {
  const call = (kind: 'transactions' | 'queries', fn: string, args: string[]) =>
    api.request('POST', `/api/v1/channels/energy/chaincodes/energy-trading/${kind}`, {
      token: utilityOperator,
      body: { function: fn, args },
    });
  if ((await call('queries', 'GetMarketConfig', [])).status !== 200) {
    expectStatus(
      await call('transactions', 'ConfigureMarket', [JSON.stringify(DEMO_MARKET)]),
      [200, 409],
      'configuring the market',
    );
  }
  if ((await call('queries', 'GetAccount', [ownerDid])).status !== 200) {
    const credential = await api.request('POST', '/api/v1/channels/energy/credentials', {
      token: utilityOperator,
      body: {
        credentialId: `prosumer-${ownerDid.split(':')[3]}`,
        subjectDid: ownerDid,
        credentialType: 'prosumer',
        validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
      },
    });
    expectStatus(credential, [201, 409], `issuing a prosumer credential to ${ownerDid}`);
    expectStatus(
      await call('transactions', 'OpenAccount', [ownerDid, 'UtilityMSP', holderId]),
      [200, 409],
      'opening the account',
    );
  }
  for (const meterDid of meterDids) {
    expectStatus(
      await call('transactions', 'LinkMeter', [ownerDid, meterDid]),
      [200, 409],
      `linking ${meterDid}`,
    );
  }
}
