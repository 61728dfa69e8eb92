import { z } from 'zod';
import { channelName } from '../../chaincode-api/chaincode-call-schemas';
import { utcTime } from '../common-schemas';
import { isoTime, recordId } from '../identity/identity-schemas';

const metricName = z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'must be a metric name such as pm2_5');

export const threshold = z
  .object({
    metric: metricName,
    comparison: z
      .enum(['gt', 'gte', 'lt', 'lte'])
      .meta({ description: 'Alert when `value <comparison> limit`' }),
    limit: z.number(),
  })
  .strict();

export const createFeedBody = z
  .object({
    feedId: recordId,
    description: z.string().max(1024).optional(),
    metrics: z
      .array(z.object({ name: metricName, unit: z.string().min(1).max(32) }).strict())
      .min(1)
      .max(32),
    deviceKinds: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(16)
      .meta({ description: 'Device kinds that may publish' }),
    thresholds: z.array(threshold).max(32).optional(),
  })
  .strict();

export const thresholdsBody = z.object({ thresholds: z.array(threshold).max(32) }).strict();

const deviceId = z.string().min(1).max(256);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex characters (SHA-256)');

export const anchorBatchBody = z
  .object({
    feedId: recordId,
    batchId: recordId,
    merkleRoot: hex64,
    count: z.number().int().min(1).max(100_000),
    perDevice: z.record(
      deviceId,
      z.object({ firstSeq: z.number().int().min(0), lastSeq: z.number().int().min(0) }).strict(),
    ),
    from: isoTime,
    to: isoTime,
    alerts: z
      .array(
        z
          .object({
            deviceId,
            seq: z.number().int().min(0),
            metric: metricName,
            value: z.number(),
            timestamp: isoTime,
          })
          .strict(),
      )
      .max(1000)
      .optional(),
  })
  .strict();

export const verifyReadingBody = z
  .object({
    reading: z
      .object({
        deviceId,
        seq: z.number().int().min(0),
        timestamp: utcTime,
        metric: metricName,
        value: z.number(),
        unit: z.string().optional(),
        signature: z.string().min(1),
      })
      .strict()
      .meta({ description: 'The reading as the device signed it, signature included' }),
    proof: z
      .array(z.object({ position: z.enum(['left', 'right']), hash: hex64 }).strict())
      .max(64)
      .meta({ description: 'Sibling path from the leaf up' }),
  })
  .strict();

export const feedParams = z.object({ channel: channelName, feedId: recordId });
export const batchParams = z.object({ channel: channelName, batchId: recordId });
