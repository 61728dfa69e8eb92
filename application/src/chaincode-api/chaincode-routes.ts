import type { ChannelAccess } from '../auth/channel-access';
import type { ApiRouter } from '../http/api-router';
import type { LedgerConnector } from '../ledger/ledger-connector';
import {
  chaincodeParams,
  channelParams,
  queryRequestSchema,
  queryResponseSchema,
  submitResponseSchema,
  transactionRequestSchema,
} from './chaincode-call-schemas';
import { type ChaincodeInvoker, parseChaincodeResult } from './chaincode-invoker';

/** The generic API: any transaction of any installed chaincode on the caller's channels. */
export function addChaincodeRoutes(
  api: ApiRouter,
  deps: { invoker: ChaincodeInvoker; ledger: LedgerConnector; access: ChannelAccess },
): void {
  const { invoker, ledger, access } = deps;

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
      'committed. MVCC read conflicts are retried with backoff before a 409.',
    params: chaincodeParams,
    body: transactionRequestSchema,
    success: { description: 'Committed', schema: submitResponseSchema },
    handler: async ({ caller, params, body }) => {
      const committed = await invoker.submit(caller, {
        channel: params.channel,
        chaincode: params.chaincode,
        function: body.function,
        args: body.args,
        ...(body.transient ? { transient: body.transient } : {}),
      });
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
    method: 'post',
    path: '/channels/{channel}/chaincodes/{chaincode}/queries',
    tag: 'Chaincodes',
    summary: 'Evaluate a query on a peer; nothing is written',
    params: chaincodeParams,
    body: queryRequestSchema,
    success: { description: 'The query result', schema: queryResponseSchema },
    handler: async ({ caller, params, body }) => {
      const result = await invoker.evaluate(caller, {
        channel: params.channel,
        chaincode: params.chaincode,
        function: body.function,
        args: body.args,
      });
      return { body: { result: parseChaincodeResult(result) } };
    },
  });
}
