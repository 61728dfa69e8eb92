import { z } from 'zod';
import type { ChannelAccess } from '../auth/channel-access';
import { chaincodeParams, channelName, channelParams } from '../chaincode-api/chaincode-call-schemas';
import { NotFoundError } from '../errors/gateway-errors';
import type { ApiRouter } from '../http/api-router';
import type { LedgerConnector } from '../ledger/ledger-connector';
import { blockSummarySchema, chainVerificationSchema, verifyQuery } from './explorer-schemas';
import { historyQuery, ledgerKeyOf } from './ledger-key';

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

/** The auditor's view of a channel: blocks, transactions, key history and chain verification. */
export function addExplorerRoutes(
  api: ApiRouter,
  deps: { ledger: LedgerConnector; access: ChannelAccess },
): void {
  const { ledger, access } = deps;

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
