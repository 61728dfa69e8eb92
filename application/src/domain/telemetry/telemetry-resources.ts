import { z } from 'zod';
import { channelName, channelParams } from '../../chaincode-api/chaincode-call-schemas';
import { type DomainModule, pageArgs, pageQuery } from '../ledger-resource';
import {
  anchorBatchBody,
  batchParams,
  createFeedBody,
  feedParams,
  thresholdsBody,
  verifyReadingBody,
} from './telemetry-schemas';

/** IoT feeds, anchored reading batches, alerts and reading proofs of the telemetry chaincode. */
export const telemetryResources: DomainModule = {
  chaincode: 'telemetry',
  tag: 'Telemetry',
  register(resources) {
    resources.add({
      method: 'post',
      path: '/channels/{channel}/feeds',
      summary: 'Create a feed: metrics, device kinds that may publish, alert thresholds',
      description:
        '`operator` of CityMSP, UtilityMSP or CommunityMSP; the feed belongs to the caller’s organisation.',
      params: channelParams,
      body: createFeedBody,
      mode: 'submit',
      status: 201,
      call: ({ body }) => ({ function: 'CreateFeed', args: [JSON.stringify(body)] }),
      location: (_record, { params, body }) => `/channels/${params.channel}/feeds/${body.feedId}`,
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/feeds',
      summary: 'Feeds, paginated',
      params: channelParams,
      query: pageQuery,
      mode: 'evaluate',
      call: ({ query }) => ({ function: 'ListFeeds', args: pageArgs(query) }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/feeds/{feedId}',
      summary: 'A feed',
      params: feedParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetFeed', args: [params.feedId] }),
    });

    resources.add({
      method: 'put',
      path: '/channels/{channel}/feeds/{feedId}/thresholds',
      summary: "Replace a feed's alert thresholds",
      description: '`operator` of the feed’s owner organisation.',
      params: feedParams,
      body: thresholdsBody,
      mode: 'submit',
      call: ({ params, body }) => ({
        function: 'UpdateFeedThresholds',
        args: [params.feedId, JSON.stringify(body.thresholds)],
      }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/feeds/{feedId}/history',
      summary: 'Every version of a feed, newest first',
      params: feedParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetFeedHistory', args: [params.feedId] }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/feeds/{feedId}/batches',
      summary: 'Anchored batches of a feed, paginated',
      params: feedParams,
      query: pageQuery,
      mode: 'evaluate',
      call: ({ params, query }) => ({
        function: 'ListBatchesByFeed',
        args: [params.feedId, ...pageArgs(query)],
      }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/feeds/{feedId}/alerts',
      summary: 'Threshold alerts of a feed, by reading time, paginated',
      params: feedParams,
      query: pageQuery,
      mode: 'evaluate',
      call: ({ params, query }) => ({
        function: 'ListAlertsByFeed',
        args: [params.feedId, ...pageArgs(query)],
      }),
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/batches',
      summary: 'Anchor a batch of readings as a Merkle root (normally done by the IoT bridge)',
      description: '`operator` of the feed’s owner organisation. A reading range is anchored once.',
      params: channelParams,
      body: anchorBatchBody,
      mode: 'submit',
      status: 201,
      call: ({ body }) => ({ function: 'AnchorBatch', args: [JSON.stringify(body)] }),
      location: (_record, { params, body }) => `/channels/${params.channel}/batches/${body.batchId}`,
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/batches/{batchId}',
      summary: 'An anchored batch',
      params: batchParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetBatch', args: [params.batchId] }),
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/batches/{batchId}/verifications',
      summary: 'Prove that one off-chain reading belongs to an anchored batch',
      params: batchParams,
      body: verifyReadingBody,
      mode: 'evaluate',
      call: ({ params, body }) => ({
        function: 'VerifyReading',
        args: [params.batchId, JSON.stringify(body.reading), JSON.stringify(body.proof)],
      }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/devices/{deviceId}/anchored-readings/{seq}',
      summary: 'Whether a device reading (by sequence number) is anchored',
      params: z.object({
        channel: channelName,
        deviceId: z.string().min(1).max(256),
        seq: z.string().regex(/^\d{1,15}$/, 'must be a sequence number'),
      }),
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'IsSeqAnchored', args: [params.deviceId, params.seq] }),
    });
  },
};
