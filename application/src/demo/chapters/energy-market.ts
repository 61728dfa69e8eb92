import { DemoStepError } from '../demo-client';
import { type StoryContext, waitForMoment } from '../story-context';
import type { Residents } from './residents';

const MARKET = '/channels/energy/market';
const DEMO_MARKET = {
  intervalMinutes: 1,
  gateClosureMinutes: 0,
  settlementDelayMinutes: 0,
  gridTariffCentsPerKwh: 30,
  feedInTariffCentsPerKwh: 8,
  gridFeeCentsPerKwh: 4,
};

/** Sam sells his solar surplus to Nora for one delivery interval, settled against their meters. */
export async function tradeEnergy(story: StoryContext, { samMeter, noraMeter }: Residents): Promise<void> {
  const { narrator, cast, clock } = story;
  const grid = story.as(cast.gridOperator);
  narrator.chapter(
    'Neighbours trade solar energy',
    'The utility runs a market per delivery interval: offers and bids, a uniform-price auction at gate closure, settlement against the signed meter readings.',
  );

  let config = await grid.get(`${MARKET}/config`).catch((error: unknown) => {
    if (error instanceof DemoStepError && error.status === 409) return undefined;
    throw error;
  });
  if (!config || config.intervalMinutes === DEMO_MARKET.intervalMinutes) {
    narrator.step(
      'The utility configures one-minute intervals (so the demo need not wait 15 minutes)',
      `PUT ${MARKET}/config`,
    );
    config = await grid.put(`${MARKET}/config`, DEMO_MARKET);
  }
  narrator.result(
    `intervals of ${config.intervalMinutes} min; grid tariff ${config.gridTariffCentsPerKwh} ¢/kWh, feed-in ${config.feedInTariffCentsPerKwh} ¢/kWh, grid fee ${config.gridFeeCentsPerKwh} ¢/kWh`,
  );

  for (const [user, meter] of [
    [cast.sam, samMeter],
    [cast.nora, noraMeter],
  ] as const) {
    narrator.step(
      `The utility opens a market account for ${user.did}, held by the user ${user.userId}`,
      `POST ${MARKET}/accounts`,
    );
    await grid.post(`${MARKET}/accounts`, {
      accountDid: user.did,
      holder: { org: user.org, userId: user.userId },
    });
    await grid.post(`${MARKET}/accounts/${user.did}/meters`, { meterDid: meter.did });
    narrator.result(`account open, meter ${meter.did} linked`);
  }
  narrator.step('Nora pays €20 into her account', `POST ${MARKET}/accounts/{did}/deposits`);
  const deposit = await grid.post(`${MARKET}/accounts/${cast.nora.did}/deposits`, {
    transferId: `deposit-${story.runId}`,
    amountCents: 2000,
    reference: 'bank transfer',
  });
  narrator.result(`balance ${deposit.balanceAfterCents} ¢`);

  const intervalMs = config.intervalMinutes * 60_000;
  const gateMs = config.gateClosureMinutes * 60_000;
  let start = Math.ceil(clock.now() / intervalMs) * intervalMs;
  while (start - gateMs - clock.now() < 8000) start += intervalMs;
  const interval = new Date(start).toISOString();
  const end = start + intervalMs;

  narrator.step(
    'Both meters send their baseline readings, signed by the meters',
    `POST ${MARKET}/meter-readings`,
  );
  const now = new Date(clock.now()).toISOString();
  const baseline = await grid.post(`${MARKET}/meter-readings`, {
    readings: [...samMeter.read(now), ...noraMeter.read(now)],
  });
  narrator.result(`${baseline.accepted} readings accepted, signatures checked against the keys in identity`);

  const sam = story.as(cast.sam);
  const nora = story.as(cast.nora);
  narrator.step(
    `Sam offers 2 kWh for the interval starting ${interval} at no less than 12 ¢/kWh`,
    `POST ${MARKET}/orders`,
  );
  await sam.post(`${MARKET}/orders`, {
    orderId: `offer-${story.runId}`,
    side: 'sell',
    accountDid: cast.sam.did,
    interval,
    quantityWh: 2000,
    limitPriceCentsPerKwh: 12,
  });
  narrator.step('Nora bids for 1.5 kWh at up to 24 ¢/kWh', `POST ${MARKET}/orders`);
  const bid = await nora.post(`${MARKET}/orders`, {
    orderId: `bid-${story.runId}`,
    side: 'buy',
    accountDid: cast.nora.did,
    interval,
    quantityWh: 1500,
    limitPriceCentsPerKwh: 24,
  });
  narrator.result(
    `both orders are on the book; ${bid.reservedCents} ¢ of Nora's balance is reserved for her bid`,
  );

  const waits = start - gateMs + 300 - clock.now() + (end + config.settlementDelayMinutes * 60_000 - start);
  if (waits > story.maxMarketWaitMs) {
    narrator.note(
      `this market runs ${config.intervalMinutes}-minute intervals: clearing and settlement of ${interval} would need ${Math.round(waits / 60_000)} more minutes, so the demo leaves them to the operator (POST ${MARKET}/intervals/${interval}/clearing, then /settlement)`,
    );
    return;
  }

  await waitForMoment(story, 'gate closure', start - gateMs + 300);
  narrator.step(
    'The utility clears the interval: a double auction with one published price',
    `POST ${MARKET}/intervals/{interval}/clearing`,
  );
  const cleared = await grid.post(`${MARKET}/intervals/${interval}/clearing`);
  narrator.result(
    `${cleared.volumeWh} Wh traded at ${cleared.clearingPriceCentsPerKwh} ¢/kWh (halfway between the marginal bid and offer), ${cleared.tradeCount} trade`,
  );
  const check = await nora.get(`${MARKET}/intervals/${interval}/clearing`);
  narrator.result(
    `anyone can re-run the auction from the ledger: ${check.matches ? 'same result' : 'DIFFERENT'}`,
  );

  narrator.step(
    'At the end of the interval the meters report: Sam exported 1.6 kWh, Nora imported 1.5 kWh',
    `POST ${MARKET}/meter-readings`,
  );
  const endTime = new Date(end).toISOString();
  await grid.post(`${MARKET}/meter-readings`, {
    readings: [
      ...samMeter.read(endTime, { importWh: 0, exportWh: 1600 }),
      ...noraMeter.read(endTime, { importWh: 1500, exportWh: 0 }),
    ],
  });
  await waitForMoment(story, 'the end of the interval', end + config.settlementDelayMinutes * 60_000 + 300);
  narrator.step(
    'The utility settles the interval against the readings',
    `POST ${MARKET}/intervals/{interval}/settlement`,
  );
  const settled = await grid.post(`${MARKET}/intervals/${interval}/settlement`);
  narrator.result(
    `settled: ${settled.settlement.tradedWh} Wh traded, surplus ${settled.settlement.surplusWh} Wh fed into the grid, grid earned ${settled.settlement.gridNetCents} ¢`,
  );
  for (const user of [cast.sam, cast.nora]) {
    const statement = await grid.get(`${MARKET}/intervals/${interval}/statements/${user.did}`);
    narrator.result(
      `${user.userId}: sold ${statement.soldWh} Wh, bought ${statement.boughtWh} Wh, net ${statement.netCents} ¢, balance now ${statement.balanceAfterCents} ¢`,
    );
  }
  const reconciliation = await grid.get(`${MARKET}/reconciliation`);
  narrator.result(
    `market reconciliation: ${reconciliation.balanced ? 'every balance adds up' : reconciliation.problems.join('; ')}`,
  );
  if (!reconciliation.balanced) throw new Error('the energy market does not reconcile');
}
