import { z } from 'zod';
import { channelName, channelParams } from '../../chaincode-api/chaincode-call-schemas';
import { type DomainModule, pageArgs, pageQuery } from '../ledger-resource';
import { did } from '../identity/identity-schemas';
import {
  accountParams,
  fundsTransferBody,
  interval,
  intervalParams,
  linkMeterBody,
  marketConfigBody,
  meterParams,
  meterReadingsBody,
  openAccountBody,
  orderParams,
  placeOrderBody,
} from './energy-trading-schemas';

const OPERATOR = 'UtilityMSP `operator` (the market operator).';
const market = '/channels/{channel}/market';

/**
 * The peer-to-peer energy market: configuration, prosumer accounts and their meters and money,
 * meter readings, orders, clearing and settlement per delivery interval, and the proofs.
 */
export const energyTradingResources: DomainModule = {
  chaincode: 'energy-trading',
  tag: 'Energy market',
  register(resources) {
    resources.add({
      method: 'put',
      path: `${market}/config`,
      summary: 'Configure the market: interval length, gate closure, settlement delay, tariffs and fee',
      description: `${OPERATOR} The interval length is fixed by the first configuration; tariffs may change later.`,
      params: channelParams,
      body: marketConfigBody,
      mode: 'submit',
      call: ({ body }) => ({ function: 'ConfigureMarket', args: [JSON.stringify(body)] }),
    });

    resources.add({
      method: 'get',
      path: `${market}/config`,
      summary: 'The market configuration in force',
      params: channelParams,
      mode: 'evaluate',
      call: () => ({ function: 'GetMarketConfig', args: [] }),
    });

    resources.add({
      method: 'post',
      path: `${market}/accounts`,
      summary: 'Open a prosumer account for a DID, held by a gateway user',
      description: `${OPERATOR} The holder is the user whose orders the account accepts; the gateway binds the account to that user’s ledger identity.`,
      params: channelParams,
      body: openAccountBody,
      mode: 'submit',
      status: 201,
      call: async ({ body, clientIdentityId }) => ({
        function: 'OpenAccount',
        args: [body.accountDid, body.holder.org, await clientIdentityId(body.holder.org, body.holder.userId)],
      }),
      location: (_record, { params, body }) =>
        `/channels/${params.channel}/market/accounts/${body.accountDid}`,
    });

    resources.add({
      method: 'get',
      path: `${market}/accounts/{accountDid}`,
      summary: 'A prosumer account: balance, reserved and available money',
      params: accountParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetAccount', args: [params.accountDid] }),
    });

    resources.add({
      method: 'post',
      path: `${market}/accounts/{accountDid}/meters`,
      summary: 'Link a smart meter owned by the account’s DID',
      description: OPERATOR,
      params: accountParams,
      body: linkMeterBody,
      mode: 'submit',
      status: 201,
      call: ({ params, body }) => ({ function: 'LinkMeter', args: [params.accountDid, body.meterDid] }),
      location: (_record, { params, body }) => `/channels/${params.channel}/market/meters/${body.meterDid}`,
    });

    resources.add({
      method: 'get',
      path: `${market}/accounts/{accountDid}/meters`,
      summary: 'Meters linked to an account, paginated',
      params: accountParams,
      query: pageQuery,
      mode: 'evaluate',
      call: ({ params, query }) => ({
        function: 'ListAccountMeters',
        args: [params.accountDid, ...pageArgs(query)],
      }),
    });

    for (const [kind, fn] of [
      ['deposits', 'Deposit'],
      ['withdrawals', 'Withdraw'],
    ] as const) {
      resources.add({
        method: 'post',
        path: `${market}/accounts/{accountDid}/${kind}`,
        summary:
          kind === 'deposits'
            ? 'Record money paid into an account (fiat bridge)'
            : 'Record money paid out of an account, up to its available balance',
        description: `${OPERATOR} A transfer id used before for the account is refused (409), so a retry never pays twice.`,
        params: accountParams,
        body: fundsTransferBody,
        mode: 'submit',
        status: 201,
        call: ({ params, body }) => ({
          function: fn,
          args: [params.accountDid, body.transferId, String(body.amountCents), body.reference ?? ''],
        }),
      });
    }

    const accountLists = [
      ['transfers', 'ListAccountTransfers', 'Deposits and withdrawals of an account'],
      ['orders', 'ListAccountOrders', 'Orders of an account, by interval'],
      ['trades', 'ListAccountTrades', 'Trades of an account, as buyer or seller'],
      ['statements', 'ListAccountStatements', 'Settlement statements of an account'],
    ] as const;
    for (const [list, fn, summary] of accountLists) {
      resources.add({
        method: 'get',
        path: `${market}/accounts/{accountDid}/${list}`,
        summary: `${summary}, paginated`,
        params: accountParams,
        query: pageQuery,
        mode: 'evaluate',
        call: ({ params, query }) => ({ function: fn, args: [params.accountDid, ...pageArgs(query)] }),
      });
    }

    resources.add({
      method: 'get',
      path: `${market}/meters/{meterDid}`,
      summary: 'The account a meter is linked to',
      params: meterParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetMeter', args: [params.meterDid] }),
    });

    resources.add({
      method: 'post',
      path: `${market}/meter-readings`,
      summary: 'Submit signed cumulative meter readings (atomic batch; duplicates are skipped)',
      description: `${OPERATOR} (the IoT bridge). Each signature is checked against the meter’s key in the identity chaincode.`,
      params: channelParams,
      body: meterReadingsBody,
      mode: 'submit',
      call: ({ body }) => ({ function: 'SubmitMeterReadings', args: [JSON.stringify(body.readings)] }),
    });

    resources.add({
      method: 'get',
      path: `${market}/meters/{meterDid}/readings`,
      summary: 'Accepted readings of a meter by sequence number, paginated',
      params: meterParams,
      query: pageQuery,
      mode: 'evaluate',
      call: ({ params, query }) => ({
        function: 'ListMeterReadings',
        args: [params.meterDid, ...pageArgs(query)],
      }),
    });

    resources.add({
      method: 'get',
      path: `${market}/meters/{meterDid}/readings/{seq}`,
      summary: 'One accepted reading with its register deltas and interval',
      params: meterParams.extend({ seq: z.string().regex(/^\d{1,16}$/, 'must be a sequence number') }),
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetMeterReading', args: [params.meterDid, params.seq] }),
    });

    resources.add({
      method: 'post',
      path: `${market}/orders`,
      summary: 'Place a buy bid or a sell offer for a delivery interval, before gate closure',
      description:
        'The account’s holder. A bid reserves its maximum cost plus the grid fee from the available balance.',
      params: channelParams,
      body: placeOrderBody,
      mode: 'submit',
      status: 201,
      call: ({ body }) => ({
        function: body.side === 'buy' ? 'PlaceBuyBid' : 'PlaceSellOffer',
        args: [
          body.orderId,
          body.accountDid,
          body.interval,
          String(body.quantityWh),
          String(body.limitPriceCentsPerKwh),
        ],
      }),
      location: (_record, { params, body }) => `/channels/${params.channel}/market/orders/${body.orderId}`,
    });

    resources.add({
      method: 'get',
      path: `${market}/orders/{orderId}`,
      summary: 'An order with its status, fill and reservation',
      params: orderParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetOrder', args: [params.orderId] }),
    });

    resources.add({
      method: 'delete',
      path: `${market}/orders/{orderId}`,
      summary: 'Cancel an open order before gate closure; its reservation is released',
      description: 'The account’s holder.',
      params: orderParams,
      mode: 'submit',
      call: ({ params }) => ({ function: 'CancelOrder', args: [params.orderId] }),
    });

    resources.add({
      method: 'get',
      path: `${market}/intervals/{interval}/orders`,
      summary: 'The order book of an interval (every order, any status), paginated',
      params: intervalParams,
      query: pageQuery,
      mode: 'evaluate',
      call: ({ params, query }) => ({
        function: 'GetOrderBook',
        args: [params.interval, ...pageArgs(query)],
      }),
    });

    resources.add({
      method: 'post',
      path: `${market}/intervals/{interval}/clearing`,
      summary: 'Clear an interval: uniform-price double auction on its open orders',
      description: `${OPERATOR} From gate closure on, once per interval.`,
      params: intervalParams,
      mode: 'submit',
      call: ({ params }) => ({ function: 'ClearInterval', args: [params.interval] }),
    });

    resources.add({
      method: 'get',
      path: `${market}/intervals/{interval}/clearing`,
      summary: 'Re-run the auction on the ledger’s orders and compare it with the published result',
      params: intervalParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'RecomputeClearing', args: [params.interval] }),
    });

    resources.add({
      method: 'post',
      path: `${market}/intervals/{interval}/settlement`,
      summary: 'Settle a cleared interval against the meter readings (imbalance, grid fee)',
      description: `${OPERATOR} From the interval’s end plus the settlement delay, once.`,
      params: intervalParams,
      mode: 'submit',
      call: ({ params }) => ({ function: 'SettleInterval', args: [params.interval] }),
    });

    resources.add({
      method: 'get',
      path: `${market}/intervals/{interval}/result`,
      summary: 'The market result of an interval: clearing price, volume, settlement totals',
      params: intervalParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetMarketResult', args: [params.interval] }),
    });

    resources.add({
      method: 'get',
      path: `${market}/results`,
      summary: 'Market results of every cleared interval, paginated',
      params: channelParams,
      query: pageQuery,
      mode: 'evaluate',
      call: ({ query }) => ({ function: 'ListMarketResults', args: pageArgs(query) }),
    });

    resources.add({
      method: 'get',
      path: `${market}/intervals/{interval}/trades`,
      summary: 'Trades of an interval in matching order, paginated',
      params: intervalParams,
      query: pageQuery,
      mode: 'evaluate',
      call: ({ params, query }) => ({
        function: 'ListIntervalTrades',
        args: [params.interval, ...pageArgs(query)],
      }),
    });

    resources.add({
      method: 'get',
      path: `${market}/intervals/{interval}/trades/{seq}`,
      summary: 'One trade',
      params: intervalParams.extend({ seq: z.string().regex(/^[1-9]\d{0,5}$/, 'must be a trade number') }),
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetTrade', args: [params.interval, params.seq] }),
    });

    resources.add({
      method: 'get',
      path: `${market}/intervals/{interval}/statements/{accountDid}`,
      summary: 'An account’s settlement statement for an interval',
      params: z.object({ channel: channelName, interval, accountDid: did }),
      mode: 'evaluate',
      call: ({ params }) => ({
        function: 'GetSettlementStatement',
        args: [params.interval, params.accountDid],
      }),
    });

    resources.add({
      method: 'get',
      path: `${market}/intervals/{interval}/reconciliation`,
      summary: 'Proof that an interval’s trades, energy and money add up',
      params: intervalParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'ReconcileInterval', args: [params.interval] }),
    });

    resources.add({
      method: 'get',
      path: `${market}/reconciliation`,
      summary: 'Proof that every balance equals deposits − withdrawals + settlements, market-wide',
      params: channelParams,
      mode: 'evaluate',
      call: () => ({ function: 'ReconcileMarket', args: [] }),
    });

    resources.add({
      method: 'get',
      path: `${market}/history/{recordType}`,
      summary: 'Every version of a market record, newest first',
      description:
        'recordType and ids: config; account, meter (id = DID); transfer (DID, transferId); reading (meter DID, seq); order (orderId); trade (interval, seq); result (interval); statement (interval, account DID).',
      params: z.object({
        channel: channelName,
        recordType: z.string().regex(/^[a-z]{1,32}$/, 'must be a record type such as order'),
      }),
      query: z.object({ id: z.string().max(256).optional(), secondId: z.string().max(256).optional() }),
      mode: 'evaluate',
      call: ({ params, query }) => ({
        function: 'GetRecordHistory',
        args: [params.recordType, query.id ?? '', query.secondId ?? ''],
      }),
    });
  },
};
