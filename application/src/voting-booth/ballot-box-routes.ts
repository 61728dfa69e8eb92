import { MSP } from '@cityledger/chaincode-common';
import { BALLOT_BOX_ROLE } from '@cityledger/chaincode-voting';
import type { Caller } from '../auth/caller';
import { BALLOT_BOX_USER } from '../auth/service-identities';
import { type ChaincodeInvoker, parseChaincodeResult } from '../chaincode-api/chaincode-invoker';
import { castBallotBody, electionParams } from '../domain/voting/voting-schemas';
import { InvalidInputError } from '../errors/gateway-errors';
import type { ApiRouter } from '../http/api-router';

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

/**
 * `POST /{channel}/elections/{electionId}/ballots` with `{token, signature, choice}` — the
 * anonymous ballot box of docs/contracts/voting.md. The blind-signed voting token is the only
 * credential: no `Authorization` header is read (one that is sent is ignored), the ballot is
 * submitted as {@link BALLOT_BOX_CALLER}, and nothing about the client is logged beyond the
 * request log line every request gets (which carries no user for this route). Answers `201` with
 * the receipt to keep and the block it committed in. Chaincode refusals map as everywhere else:
 * forged token 403, token already used or election not open 409, unknown election 404.
 *
 * Requests are rate-limited per client address, like every `/api/v1` request.
 */
export function addBallotBoxRoutes(api: ApiRouter, invoker: ChaincodeInvoker): void {
  api.add({
    method: 'post',
    path: '/ballot-box/{channel}/elections/{electionId}/ballots',
    tag: 'Voting',
    summary: 'Cast an anonymous ballot with a blind-signed voting token (no Authorization header)',
    authentication: 'none',
    params: electionParams,
    body: castBallotBody,
    success: { status: 201, description: 'The receipt to keep, and the block the ballot committed in' },
    handler: async ({ params, body }) => {
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
      return {
        headers: {
          'Cache-Control': 'no-store',
          'X-Transaction-Id': committed.txId,
          'X-Block-Number': String(committed.blockNumber),
          Location: `/api/v1/channels/${params.channel}/elections/${params.electionId}/ballots/${receipt.nullifier}`,
        },
        body: { ...receipt, blockNumber: committed.blockNumber },
      };
    },
  });
}
