import { z } from 'zod';
import { channelParams } from '../chaincode-api/chaincode-call-schemas';
import type { ApiRouter } from '../http/api-router';
import type { EventStreams } from './ledger-event-stream';
import { resumePositionOf } from './resume-position';

const eventQuery = z.object({
  fromBlock: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a block number')
    .transform(Number)
    .optional()
    .meta({ description: 'Replay from this block (inclusive); default: only new blocks' }),
  chaincode: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .meta({ description: 'Only chaincode events of this chaincode' }),
  event: z.string().min(1).max(256).optional().meta({ description: 'Only chaincode events with this name' }),
});

export function addEventRoutes(api: ApiRouter, deps: { streams: EventStreams }): void {
  api.add({
    method: 'get',
    path: '/channels/{channel}/events',
    tag: 'Events',
    summary: 'Server-sent events: chaincode events and block commits of a channel',
    description:
      'Each chaincode event is `event: chaincode` with id `<block>:<txIndex>` and data ' +
      '`{channel, blockNumber, txIndex, txId, chaincode, event, payload}`; after a block’s chaincode events comes ' +
      '`event: block` with id `<block>` and data `{channel, blockNumber, transactions}`. Resume with ' +
      '`Last-Event-ID` (wins) or `?fromBlock=N`. Filters apply to chaincode events; block commits are always sent.',
    params: channelParams,
    query: eventQuery,
    success: { description: 'An event stream', contentType: 'text/event-stream' },
    handler: async ({ params, query, req, res }) => {
      const lastEventId = req.header('Last-Event-ID');
      const position = resumePositionOf(lastEventId, query.fromBlock);
      deps.streams.stream(res, params.channel, position, { chaincode: query.chaincode, event: query.event });
      return undefined;
    },
  });
}
