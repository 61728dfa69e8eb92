import { MSP } from '@cityledger/chaincode-common';
import { BALLOT_BOX_ROLE } from '@cityledger/chaincode-voting';
import type { Consortium } from '@cityledger/network';
import express, { type Router } from 'express';
import type { z } from 'zod';
import type { Caller } from '../auth/caller';
import { ChannelAccess } from '../auth/channel-access';
import { BALLOT_BOX_USER } from '../auth/service-identities';
import { ChaincodeInvoker, parseChaincodeResult } from '../chaincode-api/chaincode-invoker';
import { castBallotBody, electionParams } from '../domain/voting/voting-schemas';
import { InvalidInputError } from '../errors/gateway-errors';
import { fieldPath } from '../http/api-router';
import { checkJsonBodyShape } from '../http/json-body-shape';
import { rateLimit } from '../http/rate-limit';
import type { LedgerConnector } from '../ledger/ledger-connector';
import type { GatewayMetrics } from '../observability/gateway-metrics';

export interface BallotBoxDependencies {
  ledger: LedgerConnector;
  consortium: Consortium;
  metrics: GatewayMetrics;
  http: { rateLimitPerMinute: number; bodyLimitBytes: number };
}

/** The route template, for request logs and metrics (never the raw path). */
export const BALLOT_ROUTE = '/api/v1/ballot-box/{channel}/elections/{electionId}/ballots';

/**
 * The shared identity every anonymous ballot is submitted with. The election authority's
 * organisation is the City (the contract lets only CityMSP `election-authority` create elections)
 * and `CastBallot` accepts a `ballot-box` of CityMSP, so the ledger shows this identity as the
 * creator of every ballot cast here — the same for every voter.
 */
export const BALLOT_BOX_CALLER: Caller = { userId: BALLOT_BOX_USER, mspId: MSP.City, role: BALLOT_BOX_ROLE };

/** A request field for what the chaincode names `choiceJson[…]` (the body carries `choice`). */
function asRequestField(error: unknown): unknown {
  if (!(error instanceof InvalidInputError) || !error.field.startsWith('choiceJson')) return error;
  const problem = error.message.slice(error.field.length + 2);
  return new InvalidInputError(error.field.replace(/^choiceJson/, 'choice'), problem);
}

/** Validates like the ApiRouter does: the first problem, naming its field. */
function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
  throw new InvalidInputError(fieldPath(issue.path) || where, message);
}

/**
 * `POST /{channel}/elections/{electionId}/ballots` with `{token, signature, choice}` — the
 * anonymous ballot box of docs/contracts/voting.md. The blind-signed voting token is the only
 * credential: no `Authorization` header is read (one that is sent is ignored), the ballot is
 * submitted as {@link BALLOT_BOX_CALLER}, and nothing about the client is logged beyond the
 * request log line every request gets (which carries no user for this route). Answers `201` with
 * the receipt to keep and the block it committed in. Chaincode refusals map as everywhere else:
 * forged token 403, token already used or election not open 409, unknown election 404.
 *
 * Mount under `/api/v1/ballot-box`, ahead of the gateway's token authentication. Requests are
 * rate-limited per client address, like every `/api/v1` request.
 */
export function ballotBoxRoutes(deps: BallotBoxDependencies): Router {
  const router = express.Router();
  const invoker = new ChaincodeInvoker(deps.ledger, new ChannelAccess(deps.consortium), deps.metrics);
  const parseJson = express.json({
    limit: deps.http.bodyLimitBytes,
    strict: true,
    type: ['application/json', 'application/*+json'],
  });

  router.post(
    '/:channel/elections/:electionId/ballots',
    (_req, res, next) => {
      res.locals.route = BALLOT_ROUTE;
      next();
    },
    rateLimit(deps.http.rateLimitPerMinute),
    parseJson,
    checkJsonBodyShape(),
    async (req, res) => {
      const params = parseOrThrow(electionParams, req.params, 'path');
      const body = parseOrThrow(castBallotBody, req.body, 'body');
      const committed = await invoker
        .submit(BALLOT_BOX_CALLER, {
          channel: params.channel,
          chaincode: 'voting',
          function: 'CastBallot',
          args: [params.electionId, body.token, body.signature, JSON.stringify(body.choice)],
        })
        .catch((error: unknown) => {
          throw asRequestField(error);
        });
      const receipt = parseChaincodeResult(committed.result) as { nullifier: string };
      res
        .status(201)
        .set({
          'Cache-Control': 'no-store',
          'X-Transaction-Id': committed.txId,
          'X-Block-Number': String(committed.blockNumber),
          Location: `/api/v1/channels/${params.channel}/elections/${params.electionId}/ballots/${receipt.nullifier}`,
        })
        .json({ ...receipt, blockNumber: committed.blockNumber });
    },
  );

  return router;
}
