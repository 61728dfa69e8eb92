import { z } from 'zod';
import { NotFoundError } from '../errors/gateway-errors';
import type { ApiRouter } from '../http/api-router';
import type { ReadingIntake } from './reading-intake';
import type { ReadingProofs } from './reading-proofs';
import { DEVICE_DID, REJECTION_REASONS, readingsRequestSchema } from './reading-schema';

/** What the routes use of a running bridge; throws while the bridge is stopped. */
export type RunningIntake = () => { intake: ReadingIntake; proofs: ReadingProofs };

/** Room for the largest allowed request: a signed reading is well under 1 KB of JSON. */
const BYTES_PER_READING = 1024;

const readingParams = z.object({
  deviceId: z.string().regex(DEVICE_DID, 'must be a device DID'),
  seq: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, 'must be a positive integer')
    .transform(Number),
});

const intakeVerdicts = z.object({
  accepted: z.number().int().meta({ description: 'Readings stored, on their way to the ledger' }),
  rejected: z.array(
    z.object({
      index: z.number().int().meta({ description: 'Position of the reading in `readings`' }),
      reason: z.enum(REJECTION_REASONS),
      detail: z.string().meta({
        description: 'The field and the rule it broke, e.g. `value: must be a number, got a string`',
      }),
    }),
  ),
});

/**
 * `POST /iot/readings` — devices authenticate by their signatures, not by a token: the response
 * is `202 {accepted, rejected: [{index, reason, detail}]}` once the accepted readings are on disk.
 * `GET /iot/readings/{deviceId}/{seq}` — a stored reading with its landing: Merkle proof, batch
 * and anchoring transaction; only for members of the device's channel (the DID names it).
 */
export function addIotRoutes(
  api: ApiRouter,
  running: RunningIntake,
  options: { maxReadingsPerRequest: number },
): void {
  api.add({
    method: 'post',
    path: '/iot/readings',
    tag: 'IoT',
    summary: 'Signed device readings (no token: each reading carries its device signature)',
    description:
      'Each reading is checked on its own against the device key registered in the identity chaincode; ' +
      'the accepted ones are on disk when the answer is sent and land on the ledger in batches.',
    authentication: 'none',
    rateLimited: false,
    bodyLimitBytes: Math.max(64 * 1024, options.maxReadingsPerRequest * BYTES_PER_READING),
    body: readingsRequestSchema(options.maxReadingsPerRequest),
    success: {
      status: 202,
      description: 'How many readings were accepted, and why each of the others was not',
      schema: intakeVerdicts,
    },
    handler: async ({ body }) => ({
      body: await running().intake.accept(body.readings, { transport: 'http', whenFull: 'refuse' }),
    }),
  });

  api.add({
    method: 'get',
    path: '/iot/readings/{deviceId}/{seq}',
    tag: 'IoT',
    summary: 'A stored reading with its landing: Merkle proof, batch and anchoring transaction',
    params: readingParams,
    channel: ({ deviceId }) => (deviceId ? DEVICE_DID.exec(deviceId)?.[1] : undefined),
    success: { description: 'The reading' },
    handler: async ({ params }) => {
      const record = await running().proofs.get(params.deviceId, params.seq);
      if (!record) {
        throw new NotFoundError(
          `the bridge holds no reading ${params.seq} of ${params.deviceId}`,
          'UNKNOWN_READING',
        );
      }
      return {
        body: {
          reading: record.reading,
          status: record.status,
          channel: record.route.channel,
          chaincode: record.route.chaincode,
          feedId: record.route.feedId,
          acceptedAt: record.acceptedAt,
          ...(record.landing ?? {}),
          ...(record.refusal ? { refusal: record.refusal } : {}),
        },
      };
    },
  });
}
