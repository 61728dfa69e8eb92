import type {
  EnergyOrder,
  EnergyTrade,
  MarketResult,
  ProsumerAccount,
  SettlementStatement,
} from '@cityledger/chaincode-energy-trading';
import type { ChaincodeEvent } from '../api/event-stream';
import { GatewayError } from '../api/gateway-client';
import { supplyDemandChart } from '../ui/charts';
import { h } from '../ui/dom';
import { didCell, kwh, money, when } from '../ui/format';
import { PanelFrame, debounce, errorText, part, replaceWith, stat, table, verdict } from '../ui/panel';
import { type PanelContext, channelsWith } from './panel-context';

const ACCOUNT_KEY = 'cityledger.prosumerAccount';

/**
 * Energy market: per delivery interval the supply and demand curves of the order book with the
 * published clearing price and volume, the trades, and the signed-in prosumer's statements.
 */
export function mountEnergyPanel(context: PanelContext): PanelFrame {
  const frame = new PanelFrame(
    'energy',
    'Energy market',
    'Supply and demand per delivery interval, the clearing price and volume, trades and your settlement statements.',
  );
  const [channel] = channelsWith(context, 'energy-trading');
  const intervals = new Set<string>();
  const results = new Map<string, MarketResult>();
  let selected: string | undefined;
  let followLatest = true;

  const intervalSelect = h('select', { id: 'energy-interval' });
  intervalSelect.addEventListener('change', () => {
    selected = intervalSelect.value;
    followLatest = false;
    void showInterval();
  });
  const slots = {
    summary: h('div', { 'aria-live': 'polite' }),
    chart: h('div'),
    trades: h('div'),
    statements: h('div', { 'aria-live': 'polite' }),
  };
  const accountInput = h('input', {
    id: 'energy-account',
    type: 'text',
    autocomplete: 'off',
    placeholder: 'did:cityledger:energy:…',
    value: localStorage.getItem(ACCOUNT_KEY) ?? '',
  });
  const accountForm = h(
    'form',
    { class: 'inline-form' },
    h('label', { for: 'energy-account' }, 'Your prosumer account (DID)'),
    accountInput,
    h('button', { type: 'submit' }, 'Show my statements'),
  );
  accountForm.addEventListener('submit', (event) => {
    event.preventDefault();
    localStorage.setItem(ACCOUNT_KEY, accountInput.value.trim());
    void showStatements();
  });

  frame.body.append(
    h(
      'div',
      { class: 'field inline' },
      h('label', { for: 'energy-interval' }, 'Delivery interval'),
      intervalSelect,
    ),
    slots.summary,
    slots.chart,
    part('Trades', slots.trades),
    part('My settlement statements', accountForm, slots.statements),
  );

  function renderIntervals(): void {
    const sorted = [...intervals].sort().reverse();
    if (!selected) selected = sorted[0];
    intervalSelect.replaceChildren(
      ...sorted.map((interval) =>
        h(
          'option',
          { value: interval, selected: interval === selected },
          `${when(interval)}${results.has(interval) ? ` · ${results.get(interval)!.status}` : ' · open'}`,
        ),
      ),
    );
  }

  async function showInterval(): Promise<void> {
    if (!channel || !selected) {
      replaceWith(slots.summary, h('p', { class: 'empty' }, 'No delivery interval has orders yet.'));
      return;
    }
    const interval = selected;
    try {
      const [orders, result] = await Promise.all([
        context.client.queryAll<EnergyOrder>(channel, 'energy-trading', 'GetOrderBook', [interval]),
        context.client
          .query<MarketResult>(channel, 'energy-trading', 'GetMarketResult', [interval])
          .catch((error) => {
            if (error instanceof GatewayError && error.status === 404) return undefined;
            throw error;
          }),
      ]);
      if (interval !== selected) return;
      if (result) results.set(interval, result);
      const trades = result
        ? await context.client.queryAll<EnergyTrade>(channel, 'energy-trading', 'ListIntervalTrades', [
            interval,
          ])
        : [];
      const bids = orders.filter((o) => o.side === 'buy' && o.status !== 'cancelled');
      const offers = orders.filter((o) => o.side === 'sell' && o.status !== 'cancelled');
      replaceWith(
        slots.summary,
        h(
          'div',
          { class: 'stats' },
          stat('Status', result ? result.status : 'open'),
          stat('Clearing price', result ? `${result.clearingPriceCentsPerKwh} ¢/kWh` : '—', 'energy-price'),
          stat('Volume', result ? kwh(result.volumeWh) : '—', 'energy-volume'),
          stat('Bids / offers', `${bids.length} / ${offers.length}`),
          stat('Trades', String(result?.tradeCount ?? 0)),
        ),
        result
          ? h(
              'p',
              { class: 'cleared-line' },
              `Cleared ${when(result.clearedAt)} at ${result.clearingPriceCentsPerKwh} ¢/kWh for ${result.volumeWh} Wh.`,
            )
          : h('p', { class: 'hint' }, 'Not cleared yet: the curves show the open order book.'),
      );
      replaceWith(
        slots.chart,
        supplyDemandChart(
          bids,
          offers,
          result
            ? { priceCentsPerKwh: result.clearingPriceCentsPerKwh, volumeWh: result.volumeWh }
            : undefined,
        ),
      );
      replaceWith(
        slots.trades,
        table(
          `Trades of ${interval}`,
          ['Trade', 'Seller', 'Buyer', 'Energy', 'Price', 'Amount', 'Grid fee'],
          trades.map((t) => [
            t.tradeId.split('#')[1] ?? t.tradeId,
            didCell(t.sellerDid),
            didCell(t.buyerDid),
            kwh(t.quantityWh),
            `${t.priceCentsPerKwh} ¢/kWh`,
            money(t.amountCents),
            money(t.gridFeeCents),
          ]),
          result ? 'The interval cleared without trades.' : 'No trades before clearing.',
        ),
      );
      renderIntervals();
    } catch (error) {
      frame.showFailure(error, 'the energy market');
    }
  }

  async function showStatements(): Promise<void> {
    const did = accountInput.value.trim();
    if (!channel || !did) return;
    try {
      const [account, statements] = await Promise.all([
        context.client.query<ProsumerAccount>(channel, 'energy-trading', 'GetAccount', [did]),
        context.client.queryAll<SettlementStatement>(channel, 'energy-trading', 'ListAccountStatements', [
          did,
        ]),
      ]);
      replaceWith(
        slots.statements,
        h(
          'p',
          {},
          `Balance ${money(account.balanceCents)}, of which ${money(account.reservedCents)} reserved for open bids.`,
        ),
        table(
          'Settlement statements',
          [
            'Interval',
            'Sold',
            'Bought',
            'Imbalance',
            'Trades',
            'Grid fee',
            'Imbalance charge',
            'Net',
            'Balance after',
          ],
          statements.map((st) => [
            when(st.interval),
            kwh(st.soldWh),
            kwh(st.boughtWh),
            `${st.imbalanceWh} Wh`,
            money(st.tradeCreditsCents - st.tradeDebitsCents),
            money(-st.gridFeeCents),
            money(st.surplusCents - st.shortfallCents),
            h('strong', {}, money(st.netCents)),
            money(st.balanceAfterCents),
          ]),
          'No settled interval yet.',
        ),
      );
    } catch (error) {
      replaceWith(slots.statements, verdict(false, errorText(error)));
    }
  }

  async function load(): Promise<void> {
    try {
      const list = await context.client.queryAll<MarketResult>(
        channel!,
        'energy-trading',
        'ListMarketResults',
      );
      for (const result of list) {
        results.set(result.interval, result);
        intervals.add(result.interval);
      }
      frame.setState('live');
      // Open on the most recent clearing: that is what the market has published.
      const latestCleared = [...results.keys()].sort().pop();
      if (!selected) selected = latestCleared;
      renderIntervals();
      await showInterval();
      if (accountInput.value.trim()) await showStatements();
    } catch (error) {
      frame.showFailure(error, 'the energy market');
    }
  }

  if (!channel) {
    frame.setState(
      'refused',
      'The energy market runs on channel energy, which your organisation is not a member of.',
    );
    return frame;
  }
  const refreshSelected = debounce(() => void showInterval(), 250);
  context.events.subscribe({
    caughtUp: (c) => {
      if (c === channel) void load();
    },
    chaincode: (event: ChaincodeEvent, live) => {
      if (event.channel !== channel || event.chaincode !== 'energy-trading') return;
      const payload = event.payload as { interval?: string };
      if (payload.interval) intervals.add(payload.interval);
      if (!live) return;
      if (event.event === 'MarketCleared' && payload.interval) {
        // A clearing is news: show it, unless the user is studying another interval.
        if (followLatest || payload.interval === selected) {
          selected = payload.interval;
          followLatest = true;
        }
      }
      if (event.event === 'IntervalSettled' && accountInput.value.trim()) void showStatements();
      renderIntervals();
      if (payload.interval === selected || event.event === 'MarketCleared') refreshSelected();
    },
  });
  return frame;
}
