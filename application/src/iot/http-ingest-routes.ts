import express, { type RequestHandler, type Router } from 'express';
import { InvalidInputError, NotFoundError } from '../errors/gateway-errors';
import type { ReadingIntake } from './reading-intake';
import type { ReadingProofs } from './reading-proofs';
import { DEVICE_DID, readingsRequestSchema } from './reading-schema';

export interface HttpIngestOptions {
  maxReadingsPerRequest: number;
  /** Guards `GET /readings/...` (e.g. the gateway's JWT authentication); ingest needs none. */
  readAuthentication?: RequestHandler;
}

/** Room for the largest allowed request: a signed reading is well under 1 KB of JSON. */
const BYTES_PER_READING = 1024;

/**
 * `POST /readings` — devices authenticate by their signatures, not by a token: the response is
 * `202 {accepted, rejected: [{index, reason}]}` once the accepted readings are on disk.
 * `GET /readings/{deviceId}/{seq}` — a stored reading with its landing: Merkle proof, batch and
 * anchoring transaction.
 *
 * Mount under `/api/v1/iot`, ahead of the gateway's token authentication.
 */
export function httpIngestRoutes(
  intake: ReadingIntake,
  proofs: ReadingProofs,
  options: HttpIngestOptions,
): Router {
  const router = express.Router();
  const bodySchema = readingsRequestSchema(options.maxReadingsPerRequest);
  const parseJson = express.json({
    limit: Math.max(64 * 1024, options.maxReadingsPerRequest * BYTES_PER_READING),
    strict: true,
    type: ['application/json', 'application/*+json'],
  });

  router.post('/readings', parseJson, async (req, res) => {
    const body = bodySchema.safeParse(req.body);
    if (!body.success) {
      const issue = body.error.issues[0]!;
      const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
      throw new InvalidInputError(
        field,
        issue.code === 'too_big'
          ? `at most ${options.maxReadingsPerRequest} readings per request`
          : issue.code === 'unrecognized_keys'
            ? 'only "readings" is allowed'
            : 'must be {"readings": [ ... ]} with at least one reading',
      );
    }
    const verdicts = await intake.accept(body.data.readings, { transport: 'http', whenFull: 'refuse' });
    res.status(202).json(verdicts);
  });

  const guard: RequestHandler = options.readAuthentication ?? ((_req, _res, next) => next());
  router.get('/readings/:deviceId/:seq', guard, async (req, res) => {
    const { deviceId, seq } = req.params as { deviceId: string; seq: string };
    if (!DEVICE_DID.test(deviceId)) throw new InvalidInputError('deviceId', 'must be a device DID');
    if (!/^[1-9]\d{0,15}$/.test(seq)) throw new InvalidInputError('seq', 'must be a positive integer');
    const record = await proofs.get(deviceId, Number(seq));
    if (!record)
      throw new NotFoundError(`the bridge holds no reading ${seq} of ${deviceId}`, 'UNKNOWN_READING');
    res.json({
      reading: record.reading,
      status: record.status,
      channel: record.route.channel,
      chaincode: record.route.chaincode,
      feedId: record.route.feedId,
      acceptedAt: record.acceptedAt,
      ...(record.landing ?? {}),
      ...(record.refusal ? { refusal: record.refusal } : {}),
    });
  });

  return router;
}
