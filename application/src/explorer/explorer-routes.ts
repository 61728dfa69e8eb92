import { z } from 'zod';
import type { ChannelAccess } from '../auth/channel-access';
import { chaincodeParams, channelName, channelParams } from '../chaincode-api/chaincode-call-schemas';
import type { BookmarkSeal } from '../chaincode-api/page-bookmarks';
import { InvalidInputError, NotFoundError } from '../errors/gateway-errors';
import type { ApiRouter } from '../http/api-router';
import type { LedgerConnector } from '../ledger/ledger-connector';
import {
  blockListQuery,
  blockListSchema,
  blockSummarySchema,
  chainVerificationSchema,
  transactionListQuery,
  transactionListSchema,
  verifyQuery,
} from './explorer-schemas';
import type { ExplorerIndexes } from './explorer-index';
import { historyQuery, ledgerKeyOf } from './ledger-key';
import { type Listing, ListingBookmarks, type ListingPosition } from './listing-bookmark';

const blockParams = z.object({
  channel: channelName,
  blockNumber: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a block number')
    .transform(Number),
});
const transactionParams = z.object({
  channel: channelName,
  txId: z.string().regex(/^[0-9a-f]{64}$/, 'must be a transaction id (64 hex characters)'),
});

const TAG = 'Explorer';
const WHO = 'Role `auditor` or `admin`, of an organisation on the channel.';

/**
 * The auditor's view of a channel: paged block and transaction listings (from the explorer
 * index), single blocks and transactions, key history and chain verification.
 */
export function addExplorerRoutes(
  api: ApiRouter,
  deps: {
    ledger: LedgerConnector;
    access: ChannelAccess;
    indexes: ExplorerIndexes;
    bookmarkSeal: BookmarkSeal;
  },
): void {
  const { ledger, access, indexes } = deps;
  const bookmarks = new ListingBookmarks(deps.bookmarkSeal);
  /** What every listing answers after its entries: the heights it covers and the next page's bookmark. */
  const listingTail = (
    listing: Listing,
    heights: { indexedHeight: number; ledgerHeight: number },
    next: ListingPosition | undefined,
  ) => ({
    indexedHeight: heights.indexedHeight,
    height: heights.ledgerHeight,
    ...(next ? { bookmark: bookmarks.issue(listing, next) } : {}),
  });

  api.add({
    method: 'get',
    path: '/channels/{channel}/blocks',
    tag: TAG,
    summary: 'Blocks newest first, a page at a time: number, hashes, transaction count, time',
    description: `${WHO} Served from the gateway's explorer index of the channel.`,
    params: channelParams,
    query: blockListQuery,
    success: { description: 'A page of blocks', schema: blockListSchema },
    handler: async ({ caller, params, query }) => {
      access.requireExplorer(caller, params.channel);
      const listing = { channel: params.channel, kind: 'block' } as const;
      const before = query.bookmark ? bookmarks.open(listing, query.bookmark).blockNumber : undefined;
      const { index, ...heights } = await indexes.atHeight(params.channel);
      const page = index.blockPage(query.limit, before);
      const next = page.next === undefined ? undefined : ({ kind: 'block', blockNumber: page.next } as const);
      return { body: { blocks: page.items, ...listingTail(listing, heights, next) } };
    },
  });

  api.add({
    method: 'get',
    path: '/channels/{channel}/transactions',
    tag: TAG,
    summary: 'Transactions newest first, filtered by chaincode, function, creator, validation code, time',
    description:
      `${WHO} Newest first by proposal time, ties in commit order; every filter given must match. ` +
      "Served from the gateway's explorer index of the channel.",
    params: channelParams,
    query: transactionListQuery,
    success: { description: 'A page of transactions', schema: transactionListSchema },
    handler: async ({ caller, params, query }) => {
      access.requireExplorer(caller, params.channel);
      const { limit, bookmark, from, to, ...equal } = query;
      if (from !== undefined && to !== undefined && from > to) {
        throw new InvalidInputError('from', 'must not be after to');
      }
      const listing = {
        channel: params.channel,
        kind: 'transaction',
        filters: { ...equal, from, to },
      } as const;
      const after = bookmark ? bookmarks.open(listing, bookmark) : undefined;
      const { index, ...heights } = await indexes.atHeight(params.channel);
      const page = index.transactionPage({ ...equal, fromMs: from, toMs: to }, limit, after);
      const next = page.next && ({ kind: 'transaction', ...page.next } as const);
      return { body: { transactions: page.items, ...listingTail(listing, heights, next) } };
    },
  });

  api.add({
    method: 'get',
    path: '/channels/{channel}/blocks/{blockNumber}',
    tag: TAG,
    summary:
      'A block: header hashes, orderer signatures, and its transactions with validation codes and events',
    description: WHO,
    params: blockParams,
    success: { description: 'The block', schema: blockSummarySchema },
    handler: async ({ caller, params }) => {
      access.requireExplorer(caller, params.channel);
      const block = await ledger.block(params.channel, params.blockNumber);
      if (!block) {
        const height = await ledger.height(params.channel);
        throw new NotFoundError(
          `channel ${params.channel} has no block ${params.blockNumber} (height ${height})`,
        );
      }
      return { body: block };
    },
  });

  api.add({
    method: 'get',
    path: '/channels/{channel}/transactions/{txId}',
    tag: TAG,
    summary: 'A transaction: creator, endorsers, validation code, read/write set, event',
    description: WHO,
    params: transactionParams,
    success: { description: 'The transaction' },
    handler: async ({ caller, params }) => {
      access.requireExplorer(caller, params.channel);
      const tx = await ledger.transaction(params.channel, params.txId);
      if (!tx) throw new NotFoundError(`channel ${params.channel} has no transaction ${params.txId}`);
      return { body: tx };
    },
  });

  api.add({
    method: 'get',
    path: '/channels/{channel}/chaincodes/{chaincode}/history',
    tag: TAG,
    summary: 'Every committed value of a key of a chaincode, newest first',
    description: `${WHO} Give \`key\` for a simple key, or \`objectType\` and \`attribute\` (repeated) for a composite key.`,
    params: chaincodeParams,
    query: historyQuery,
    success: { description: 'History entries' },
    handler: async ({ caller, params, query }) => {
      access.requireExplorer(caller, params.channel);
      const key = ledgerKeyOf(query);
      if (!ledger.chaincodes(params.channel).some((cc) => cc.name === params.chaincode)) {
        throw new NotFoundError(
          `channel ${params.channel} has no chaincode ${params.chaincode}`,
          'UNKNOWN_CHAINCODE',
        );
      }
      return { body: { key, history: await ledger.history(params.channel, params.chaincode, key) } };
    },
  });

  api.add({
    method: 'get',
    path: '/channels/{channel}/verify',
    tag: TAG,
    summary: 'Recompute the hash chain and every signature; names the first bad block and who ordered',
    description:
      `${WHO} A SmartBFT block needs a quorum of distinct consenters' signatures. ` +
      'Give `signer` (an MSP ID) to also get the blocks its orderers did not sign.',
    params: channelParams,
    query: verifyQuery,
    success: {
      description: '`{ok: true, …}` or `{ok: false, firstBadBlock, reason, …}`, with the signers',
      schema: chainVerificationSchema,
    },
    handler: async ({ caller, params, query }) => {
      access.requireExplorer(caller, params.channel);
      return { body: await ledger.verify(params.channel, query.signer ? { signer: query.signer } : {}) };
    },
  });
}
