/**
 * The telemetry feed a device is registered to, read through the telemetry chaincode on the same
 * channel. The call runs inside the registration: the feed's key joins its read set, so every
 * endorser judges the same feed version, and a feed created concurrently invalidates the
 * registration at validation instead of slipping past the check.
 */
import {
  ChaincodeCallError,
  ChaincodeError,
  findErrorCode,
  InvalidArgumentError,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';

export const TELEMETRY_CHAINCODE = 'telemetry';

/**
 * The metric names feed `feedId` takes, or undefined when there is no feed to judge against:
 * telemetry holds no such feed (yet), or telemetry is not defined on this channel (the peer
 * refuses the call itself), as on a network that runs identity alone.
 */
export async function metricsOfFeed(ctx: Context, feedId: string): Promise<ReadonlySet<string> | undefined> {
  const where = `${TELEMETRY_CHAINCODE}.GetFeed`;
  let response: Awaited<ReturnType<Context['stub']['invokeChaincode']>>;
  try {
    response = await ctx.stub.invokeChaincode(TELEMETRY_CHAINCODE, ['GetFeed', feedId], '');
  } catch {
    return undefined;
  }
  if (!response || response.status !== 200) {
    const message = response?.message ?? 'no response';
    const coded = findErrorCode(message);
    if (coded?.code === 'NOT_FOUND') return undefined;
    if (coded && coded.code !== 'CHAINCODE_CALL_FAILED') {
      throw new ChaincodeError(coded.code, `${where}: ${coded.detail}`);
    }
    throw new ChaincodeCallError(`${where} answered status ${response?.status ?? 'none'}: ${message}`);
  }
  let feed: { metrics?: unknown };
  try {
    feed = JSON.parse(Buffer.from(response.payload ?? new Uint8Array()).toString('utf8')) as typeof feed;
  } catch {
    throw new ChaincodeCallError(`${where} answered a payload that is not JSON`);
  }
  const metrics = Array.isArray(feed?.metrics) ? (feed.metrics as Array<{ name?: unknown }>) : undefined;
  if (!metrics || metrics.some((m) => typeof m?.name !== 'string')) {
    throw new ChaincodeCallError(`${where} answered an unexpected shape`);
  }
  return new Set(metrics.map((m) => m.name as string));
}

/**
 * Throws `INVALID_ARGUMENT` naming every metric of `metrics` that feed `feedId` does not take: the
 * IoT bridge would refuse each of the device's readings of such a metric as `metric-not-allowed`.
 */
export async function requireMetricsOfFeed(
  ctx: Context,
  feedId: string,
  metrics: readonly string[],
): Promise<void> {
  const taken = await metricsOfFeed(ctx, feedId);
  if (!taken) return;
  const refused = metrics.filter((m) => !taken.has(m));
  if (refused.length > 0) {
    throw new InvalidArgumentError(
      'metricsJson',
      `feed ${feedId} does not take ${refused.join(', ')}; it takes ${[...taken].join(', ')}`,
    );
  }
}
