import { z } from 'zod';
import type { ChannelAccess } from '../auth/channel-access';
import { NotFoundError } from '../errors/gateway-errors';
import type { ApiRouter } from '../http/api-router';
import type { LedgerConnector } from '../ledger/ledger-connector';
import { acceptedAnswer, prefersRespondAsync } from './async-submit';
import {
  chaincodeParams,
  channelName,
  channelParams,
  queryRequestSchema,
  queryResponseSchema,
  submitResponseSchema,
  transactionRequestSchema,
} from './chaincode-call-schemas';
import { type ChaincodeInvoker, parseChaincodeResult } from './chaincode-invoker';
import type { PageBookmarks } from './page-bookmarks';
import { type TransactionStatusBook, transactionStatusSchema } from './transaction-status';

const transactionParams = z.object({
  channel: channelName,
  txId: z.string().regex(/^[0-9a-f]{64}$/, 'must be a transaction id (64 hex characters)'),
});

/** The generic API: any transaction of any installed chaincode on the caller's channels. */
export function addChaincodeRoutes(
  api: ApiRouter,
  deps: {
    invoker: ChaincodeInvoker;
    ledger: LedgerConnector;
    access: ChannelAccess;
    statuses: TransactionStatusBook;
    bookmarks: PageBookmarks;
  },
): void {
  const { invoker, ledger, access, statuses, bookmarks } = deps;

  api.add({
    method: 'get',
    path: '/channels',
    tag: 'Chaincodes',
    summary: "The channels of the caller's organisation, with their chaincodes",
    success: { description: 'Channels' },
    handler: async ({ caller }) => ({
      body: {
        channels: await Promise.all(
          access.channelsOf(caller).map(async (channel) => ({
            name: channel,
            height: await ledger.height(channel),
            chaincodes: ledger
              .chaincodes(channel)
              .map(({ name, version, installed }) => ({ name, version, installed })),
          })),
        ),
      },
    }),
  });

  api.add({
    method: 'get',
    path: '/channels/{channel}/chaincodes',
    tag: 'Chaincodes',
    summary: 'Chaincodes of a channel with their transactions (from the contract metadata)',
    params: channelParams,
    success: { description: 'Chaincodes' },
    handler: async ({ params }) => ({ body: { chaincodes: ledger.chaincodes(params.channel) } }),
  });

  api.add({
    method: 'post',
    path: '/channels/{channel}/chaincodes/{chaincode}/transactions',
    tag: 'Chaincodes',
    summary: 'Submit a transaction and wait for its commit',
    description:
      'Endorsed with the caller’s own identity (enrolled on first use with the token’s role), ordered and ' +
      'committed. MVCC read conflicts are retried with backoff before a 409. With `Prefer: respond-async`, ' +
      'answers 202 once the transaction is endorsed and goes to ordering.',
    params: chaincodeParams,
    body: transactionRequestSchema,
    success: { description: 'Committed', schema: submitResponseSchema },
    respondsAsync: true,
    handler: async ({ caller, params, body, req }) => {
      const call = {
        channel: params.channel,
        chaincode: params.chaincode,
        function: body.function,
        args: body.args,
        ...(body.transient ? { transient: body.transient } : {}),
      };
      if (prefersRespondAsync(req)) {
        return acceptedAnswer(params.channel, await invoker.submitAsync(caller, call));
      }
      const committed = await invoker.submit(caller, call);
      return {
        body: {
          txId: committed.txId,
          blockNumber: committed.blockNumber,
          result: parseChaincodeResult(committed.result),
        },
      };
    },
  });

  api.add({
    method: 'get',
    path: '/channels/{channel}/transactions/{txId}/status',
    tag: 'Chaincodes',
    summary: 'Where a submitted transaction is: pending, committed (with its block) or invalid',
    description:
      'For any member of the channel. Follows the transactions this gateway submitted with ' +
      '`Prefer: respond-async`; any other transaction id is looked up on the ledger.',
    params: transactionParams,
    success: { description: 'The status', schema: transactionStatusSchema },
    handler: async ({ params }) => {
      const status = await statuses.statusOf(params.channel, params.txId);
      if (!status) throw new NotFoundError(`channel ${params.channel} has no transaction ${params.txId}`);
      return { body: status };
    },
  });

  api.add({
    method: 'post',
    path: '/channels/{channel}/chaincodes/{chaincode}/queries',
    tag: 'Chaincodes',
    summary: 'Evaluate a query on a peer; nothing is written',
    description:
      'A paginated query answers `{records, bookmark, …}`: pass `bookmark` back as the `bookmark` argument for ' +
      'the next page, with the same other arguments. It is opaque and sealed for that list; an altered or ' +
      'foreign one answers 400 naming `bookmark`.',
    params: chaincodeParams,
    body: queryRequestSchema,
    success: { description: 'The query result', schema: queryResponseSchema },
    handler: async ({ caller, params, body }) => {
      const call = bookmarks.open({
        channel: params.channel,
        chaincode: params.chaincode,
        function: body.function,
        args: body.args,
      });
      const result = await invoker.evaluate(caller, call);
      return { body: { result: bookmarks.seal(call, parseChaincodeResult(result)) } };
    },
  });
}
