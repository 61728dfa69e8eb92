import { expect } from 'chai';
import { uniqueId } from '../../testing/test-gateway';
import {
  type GatewayApi,
  type SimulatedDevice,
  ensureFeed,
  ensureOrganisationDid,
  registerDevice,
} from '../simulator/device-fleet';

export interface Tokens {
  cityOperator: string;
  cityRegistrar: string;
  utilityOperator: string;
  utilityRegistrar: string;
  auditor: string;
}

export function tokensOf(gateway: { token(sub: string, org: string, role: string): string }): Tokens {
  return {
    cityOperator: gateway.token('otto', 'CityMSP', 'operator'),
    cityRegistrar: gateway.token('rita', 'CityMSP', 'registrar'),
    utilityOperator: gateway.token('ursula', 'UtilityMSP', 'operator'),
    utilityRegistrar: gateway.token('ugo', 'UtilityMSP', 'registrar'),
    auditor: gateway.token('audrey', 'AuditorMSP', 'auditor'),
  };
}

/** An air-quality feed on civic (threshold pm2_5 > 25) and `count` sensors publishing to it. */
export async function airQualitySensors(
  api: GatewayApi,
  tokens: Tokens,
  count: number,
): Promise<{ feedId: string; sensors: SimulatedDevice[] }> {
  const owner = await ensureOrganisationDid(api, 'civic', tokens.cityRegistrar, 'CityMSP', 'city-of-harbour');
  const feedId = uniqueId('air');
  await ensureFeed(api, 'civic', tokens.cityOperator, {
    feedId,
    metrics: [
      { name: 'pm2_5', unit: 'ug/m3' },
      { name: 'no2', unit: 'ug/m3' },
    ],
    deviceKinds: ['air-quality-sensor'],
    thresholds: [{ metric: 'pm2_5', comparison: 'gt', limit: 25 }],
  });
  const sensors: SimulatedDevice[] = [];
  for (let i = 0; i < count; i++) {
    sensors.push(
      await registerDevice(api, tokens.cityOperator, {
        channel: 'civic',
        id: uniqueId('aq'),
        kind: 'air-quality-sensor',
        ownerDid: owner,
        metrics: ['pm2_5'],
        feedId,
      }),
    );
  }
  return { feedId, sensors };
}

/** Polls `check` until it returns a value other than undefined. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) expect.fail(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The stored reading once it has landed. */
export async function landedReading(api: GatewayApi, deviceId: string, seq: number, timeoutMs = 20_000) {
  return eventually(async () => {
    const answer = await api.request('GET', `/api/v1/iot/readings/${deviceId}/${seq}`);
    return answer.status === 200 && answer.body.status !== 'pending' ? answer.body : undefined;
  }, timeoutMs);
}
