/**
 * The energy-trading contract on the embedded network of the real consortium
 * (network/consortium.yaml): the identity chaincode installed beside it for prosumer credentials and
 * smart meters, real X.509 identities with role attributes, the `AND('UtilityMSP.peer',
 * OR('CityMSP.peer', 'AuditorMSP.peer'))` endorsement policy, MVCC validation and chaincode events.
 *
 * It plays the worked example of docs/contracts/energy-trading.md for one delivery interval. The
 * contract reads time only from transaction timestamps, which the client sets from its clock; the
 * test fakes the client's `Date` (timers keep running) to step from gate closure to settlement
 * without waiting 25 minutes.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { canonicalJson } from '@cityledger/chaincode-common';
import { contracts as identityContracts } from '@cityledger/chaincode-identity';
import {
  type ClearingCheck,
  contracts,
  type EnergyOrder,
  type EnergyTrade,
  type IntervalReconciliation,
  type MarketReconciliation,
  type MarketResult,
  type MeterReading,
  type ProsumerAccount,
  type SettlementStatement,
} from '@cityledger/chaincode-energy-trading';
import {
  CommitError,
  EndorseError,
  evaluateSignaturePolicy,
  type EmbeddedNetwork,
  type EndorsedTransaction,
  type Signer,
} from '@cityledger/network';
import { rejectionOf, startConsortiumNetwork } from '@cityledger/network/testing';
import { expect } from 'chai';
import { ClientIdentity, type ChaincodeStub } from 'fabric-shim';
import * as sinon from 'sinon';
import { ChaincodeEvents } from './testing/chaincode-events';
import { registerPersonOnNetwork } from './testing/register-person';

const ENERGY = 'energy';
const CHAINCODE = 'energy-trading';
const MINUTE = 60_000;
const DEPOSIT_CENTS = 10_000;
const MARKET = {
  intervalMinutes: 15,
  gateClosureMinutes: 5,
  settlementDelayMinutes: 10,
  gridTariffCentsPerKwh: 30,
  feedInTariffCentsPerKwh: 8,
  gridFeeCentsPerKwh: 4,
};

interface Prosumer {
  name: string;
  /** The organisation whose CA enrolled the account holder. */
  holderMspId: 'CityMSP' | 'UtilityMSP';
  order: { orderId: string; side: 'buy' | 'sell'; quantityWh: number; limitPriceCentsPerKwh: number };
  /** Register movement over the delivery interval. */
  moved: { importWh: number; exportWh: number };
}

/** The worked example of the contract doc: three bids, three offers, four of them trade. */
const PROSUMERS: Prosumer[] = [
  {
    name: 'ada',
    holderMspId: 'CityMSP',
    order: { orderId: 'B1', side: 'buy', quantityWh: 3000, limitPriceCentsPerKwh: 30 },
    moved: { importWh: 3000, exportWh: 0 },
  },
  {
    name: 'bob',
    holderMspId: 'CityMSP',
    order: { orderId: 'B2', side: 'buy', quantityWh: 2000, limitPriceCentsPerKwh: 25 },
    moved: { importWh: 1800, exportWh: 0 },
  },
  {
    name: 'cy',
    holderMspId: 'CityMSP',
    order: { orderId: 'B3', side: 'buy', quantityWh: 2000, limitPriceCentsPerKwh: 18 },
    moved: { importWh: 0, exportWh: 0 },
  },
  {
    name: 'dan',
    holderMspId: 'CityMSP',
    order: { orderId: 'S1', side: 'sell', quantityWh: 2500, limitPriceCentsPerKwh: 15 },
    moved: { importWh: 0, exportWh: 2000 },
  },
  {
    name: 'eve',
    holderMspId: 'CityMSP',
    order: { orderId: 'S2', side: 'sell', quantityWh: 2000, limitPriceCentsPerKwh: 20 },
    moved: { importWh: 100, exportWh: 2600 },
  },
  {
    name: 'fay',
    holderMspId: 'UtilityMSP',
    order: { orderId: 'S3', side: 'sell', quantityWh: 3000, limitPriceCentsPerKwh: 28 },
    moved: { importWh: 0, exportWh: 0 },
  },
];

/** Net cents per account after settlement, from the doc's settlement table. */
const EXPECTED_NET_CENTS: Record<string, number> = { ada: -78, bob: -48, dan: 40, eve: 48 };

const did = (id: string) => `did:cityledger:energy:${id}`;

/** What `ClientIdentity.getID()` gives the chaincode for this user: the account's holder id. */
function holderIdOf(user: Signer): string {
  const stub = {
    getChannelID: () => ENERGY,
    getTxID: () => 'holder-id',
    getCreator: () => ({ mspid: user.mspId, idBytes: Buffer.from(user.certificatePem) }),
  };
  return new ClientIdentity(stub as unknown as ChaincodeStub).getID();
}

type MeterMetric = 'import_wh' | 'export_wh';

/**
 * A smart meter: two cumulative registers, one sequence counter across both and its P-256 key. It
 * publishes each register as a generic device reading, as the IoT bridge forwards it.
 */
class Meter {
  seq = 0;
  readonly registers: Record<MeterMetric, number> = { import_wh: 0, export_wh: 0 };
  readonly publicKeyPem: string;
  private readonly privateKey: KeyObject;

  constructor(readonly did: string) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.privateKey = pair.privateKey;
    this.publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /** Both registers read at `timestamp`, after they moved; each reading signed on its own. */
  readRegisters(timestamp: string, moved = { importWh: 0, exportWh: 0 }): Record<string, unknown>[] {
    this.registers.import_wh += moved.importWh;
    this.registers.export_wh += moved.exportWh;
    return (['import_wh', 'export_wh'] as const).map((metric) => this.read(metric, timestamp));
  }

  /** The next reading of one register, signed over the canonical JSON of everything but the signature. */
  private read(metric: MeterMetric, timestamp: string): Record<string, unknown> {
    this.seq += 1;
    const reading = {
      deviceId: this.did,
      seq: this.seq,
      timestamp,
      metric,
      value: this.registers[metric],
      unit: 'Wh',
    };
    const signature = sign('sha256', Buffer.from(canonicalJson(reading)), this.privateKey);
    return { ...reading, signature: signature.toString('base64') };
  }
}

describe('energy-trading chaincode on the embedded consortium network', () => {
  let clock: sinon.SinonFakeTimers;
  let network: EmbeddedNetwork;
  let cleanup: () => Promise<void>;
  let operator: Signer;
  let cityRegistrar: Signer;
  let auditor: Signer;
  const holders = new Map<string, Signer>();
  const meters = new Map<string, Meter>();
  let events: ChaincodeEvents;
  /** The delivery interval of the flow: starts more than gate closure ahead of the test's start. */
  let interval: string;
  let intervalStart: number;

  const request = (fn: string, args: string[]) => ({
    channel: ENERGY,
    chaincode: CHAINCODE,
    function: fn,
    args,
  });
  const submit = (user: Signer, fn: string, args: string[]) => network.submit(user, request(fn, args));
  const evaluate = async <T>(fn: string, args: string[] = [], user = auditor): Promise<T> =>
    JSON.parse((await network.evaluate(user, request(fn, args))).toString()) as T;
  const identity = (user: Signer, fn: string, args: string[], transient?: Record<string, string>) =>
    network.submit(user, {
      channel: ENERGY,
      chaincode: 'identity',
      function: fn,
      args,
      ...(transient ? { transient } : {}),
    });
  const eventOf = (txId: string) => events.of(txId);
  const holderOf = (name: string) => holders.get(name)!;
  const orderArgs = ({ name, order }: Prosumer) => [
    order.orderId,
    did(name),
    interval,
    String(order.quantityWh),
    String(order.limitPriceCentsPerKwh),
  ];
  const placeOrder = (prosumer: Prosumer) =>
    network.endorse(
      holderOf(prosumer.name),
      request(prosumer.order.side === 'buy' ? 'PlaceBuyBid' : 'PlaceSellOffer', orderArgs(prosumer)),
    );
  const setClock = (millis: number) => clock.setSystemTime(millis);

  /** Identity, account, meter and deposit of one prosumer, as the utility onboards it. */
  async function onboard(prosumer: Prosumer): Promise<void> {
    const { name } = prosumer;
    const holder = await network.crypto.enrollUser(prosumer.holderMspId, name, { role: 'prosumer' });
    holders.set(name, holder);
    await registerPersonOnNetwork(network, cityRegistrar, ENERGY, name, {
      name: `${name} prosumer`,
      birthDate: '1985-05-05',
      address: `${name} street 1`,
      salt: createHash('sha256').update(name).digest('hex'),
    });
    await identity(operator, 'IssueCredential', [
      `prosumer-${name}`,
      did(name),
      'prosumer',
      '',
      '2099-01-01T00:00:00Z',
      '',
    ]);
    const meter = new Meter(did(`meter-${name}`));
    meters.set(name, meter);
    await identity(operator, 'RegisterDevice', [
      `meter-${name}`,
      'smart-meter',
      did(name),
      meter.publicKeyPem,
      '["import_wh","export_wh"]',
      'meters',
    ]);
    await submit(operator, 'OpenAccount', [did(name), prosumer.holderMspId, holderIdOf(holder)]);
    await submit(operator, 'LinkMeter', [did(name), meter.did]);
    await submit(operator, 'Deposit', [did(name), 'dep-1', String(DEPOSIT_CENTS), 'bank']);
  }

  before(async () => {
    clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'], shouldAdvanceTime: true });
    const length = MARKET.intervalMinutes * MINUTE;
    intervalStart = Math.ceil((Date.now() + (MARKET.gateClosureMinutes + 2) * MINUTE) / length) * length;
    interval = new Date(intervalStart).toISOString();

    ({ network, cleanup } = await startConsortiumNetwork({
      identity: identityContracts,
      [CHAINCODE]: contracts,
    }));
    operator = await network.crypto.enrollUser('UtilityMSP', 'market-operator', { role: 'operator' });
    cityRegistrar = await network.crypto.enrollUser('CityMSP', 'city-registrar', { role: 'registrar' });
    auditor = await network.crypto.enrollUser('AuditorMSP', 'auditor', { role: 'auditor' });
    events = ChaincodeEvents.follow(network, [ENERGY]);

    await submit(operator, 'ConfigureMarket', [JSON.stringify(MARKET)]);
    await Promise.all(PROSUMERS.map((prosumer) => onboard(prosumer)));
    // Baselines: what the registers held before the interval is never traded.
    const now = new Date().toISOString();
    await submit(operator, 'SubmitMeterReadings', [
      JSON.stringify(PROSUMERS.flatMap(({ name }) => meters.get(name)!.readRegisters(now))),
    ]);
  });

  after(async () => {
    events?.stop();
    await cleanup?.();
    clock?.restore();
  });

  describe('one delivery interval from orders to settlement', () => {
    let orderTxIds: string[];
    let readingTxIds: string[];
    let clearTxId: string;
    let settleTxId: string;

    before(async () => {
      // Every prosumer, with its own identity, places its order for the same interval at once.
      const endorsed = await Promise.all(PROSUMERS.map((prosumer) => placeOrder(prosumer)));
      orderTxIds = (await Promise.all(endorsed.map((tx) => network.submitEndorsed(tx)))).map((r) => r.txId);

      setClock(intervalStart - MARKET.gateClosureMinutes * MINUTE + 1000);
      clearTxId = (await submit(operator, 'ClearInterval', [interval])).txId;

      const end = intervalStart + MARKET.intervalMinutes * MINUTE;
      setClock(end + MARKET.settlementDelayMinutes * MINUTE + 1000);
      // The IoT bridge forwards each meter's two register readings at the interval end, one batch
      // per meter.
      const batches = await Promise.all(
        PROSUMERS.map(({ name, moved }) =>
          network.endorse(
            operator,
            request('SubmitMeterReadings', [
              JSON.stringify(meters.get(name)!.readRegisters(new Date(end).toISOString(), moved)),
            ]),
          ),
        ),
      );
      readingTxIds = (await Promise.all(batches.map((tx) => network.submitEndorsed(tx)))).map((r) => r.txId);

      settleTxId = (await submit(operator, 'SettleInterval', [interval])).txId;
    });

    it('clears the interval at one price with the volume and trades of the worked example', async () => {
      const result = await evaluate<MarketResult>('GetMarketResult', [interval]);
      expect(result).to.include({
        status: 'settled',
        clearingPriceCentsPerKwh: 22,
        volumeWh: 4500,
        tradeCount: 3,
        demandWh: 7000,
        supplyWh: 7500,
      });
      const trades = await evaluate<{ records: EnergyTrade[] }>('ListIntervalTrades', [interval, '', '']);
      expect(
        trades.records.map((t) => [t.buyOrderId, t.sellOrderId, t.quantityWh, t.amountCents, t.gridFeeCents]),
      ).to.deep.equal([
        ['B1', 'S1', 2500, 55, 10],
        ['B1', 'S2', 500, 11, 2],
        ['B2', 'S2', 1500, 33, 6],
      ]);
    });

    it('lets the auditor recompute the clearing from the orders on the ledger and get the same result', async () => {
      const check = await evaluate<ClearingCheck>('RecomputeClearing', [interval]);
      expect(check).to.deep.include({ matches: true, clearingPriceCentsPerKwh: 22, volumeWh: 4500 });
      expect(check.differences).to.deep.equal([]);
    });

    it('settles every trading account by trades and metered imbalance as the doc computes it', async () => {
      for (const [name, netCents] of Object.entries(EXPECTED_NET_CENTS)) {
        const statement = await evaluate<SettlementStatement>('GetSettlementStatement', [
          interval,
          did(name),
        ]);
        expect(statement.netCents, name).to.equal(netCents);
        expect(statement.balanceAfterCents, name).to.equal(DEPOSIT_CENTS + netCents);
      }
      const dan = await evaluate<SettlementStatement>('GetSettlementStatement', [interval, did('dan')]);
      expect(dan).to.include({
        soldWh: 2500,
        measuredNetExportWh: 2000,
        shortfallWh: 500,
        shortfallCents: 15,
      });
      expect(dan.trades.map((t) => t.deliveredWh)).to.deep.equal([2000]);
    });

    it('leaves every balance equal to deposits plus settlement nets with nothing reserved', async () => {
      let total = 0;
      for (const { name } of PROSUMERS) {
        const account = await evaluate<ProsumerAccount>('GetAccount', [did(name)]);
        expect(account.balanceCents, name).to.equal(DEPOSIT_CENTS + (EXPECTED_NET_CENTS[name] ?? 0));
        expect(account.reservedCents, name).to.equal(0);
        total += account.balanceCents;
      }
      const result = await evaluate<MarketResult>('GetMarketResult', [interval]);
      expect(result.settlement!.gridNetCents).to.equal(38);
      expect(total + result.settlement!.gridNetCents).to.equal(PROSUMERS.length * DEPOSIT_CENTS);
    });

    it('reconciles the interval: energy, shortfalls and surpluses balance and money sums to zero', async () => {
      const check = await evaluate<IntervalReconciliation>('ReconcileInterval', [interval]);
      expect(check.problems).to.deep.equal([]);
      expect(check).to.include({
        balanced: true,
        soldWh: 4500,
        boughtWh: 4500,
        volumeWh: 4500,
        measuredNetExportWh: -300,
        shortfallWh: 800,
        surplusWh: 500,
        gridNetCents: 38,
      });
      expect(check.measuredNetExportWh + check.shortfallWh - check.surplusWh).to.equal(0);
      expect(check.accountsNetCents + check.gridNetCents).to.equal(0);
    });

    it('reconciles the whole market against the deposits', async () => {
      const check = await evaluate<MarketReconciliation>('ReconcileMarket');
      expect(check.problems).to.deep.equal([]);
      expect(check).to.include({
        balanced: true,
        accountCount: PROSUMERS.length,
        totalDepositedCents: PROSUMERS.length * DEPOSIT_CENTS,
        totalWithdrawnCents: 0,
        totalReservedCents: 0,
        settledIntervalCount: 1,
      });
      expect(check.totalBalanceCents + check.gridNetCents).to.equal(check.totalDepositedCents);
    });

    it('commits concurrent orders of different prosumers for one interval all as VALID', async () => {
      expect(orderTxIds).to.have.length(PROSUMERS.length);
      for (const txId of orderTxIds) {
        expect((await network.getTransaction(ENERGY, txId))!.validationCodeName).to.equal('VALID');
      }
      const book = await evaluate<{ records: EnergyOrder[] }>('GetOrderBook', [interval, '', '']);
      expect(book.records.map((o) => o.orderId)).to.deep.equal(['B1', 'B2', 'B3', 'S1', 'S2', 'S3']);
    });

    it('stores each signed register reading with the other register carried forward', async () => {
      const end = new Date(intervalStart + MARKET.intervalMinutes * MINUTE).toISOString();
      const readings = await Promise.all(
        ['3', '4'].map((seq) => evaluate<MeterReading>('GetMeterReading', [did('meter-eve'), seq])),
      );
      expect(
        readings.map((r) => [r.metric, r.value, r.importWh, r.exportWh, r.importDeltaWh, r.exportDeltaWh]),
      ).to.deep.equal([
        ['import_wh', 100, 100, 0, 100, 0],
        ['export_wh', 2600, 100, 2600, 0, 2600],
      ]);
      for (const reading of readings) {
        expect(reading).to.include({
          timestamp: end,
          interval,
          unit: 'Wh',
          keyId: `${did('meter-eve')}#key-1`,
        });
      }
    });

    it('commits concurrent reading batches of different meters all as VALID', async () => {
      for (const txId of readingTxIds) {
        expect((await network.getTransaction(ENERGY, txId))!.validationCodeName).to.equal('VALID');
      }
    });

    it('has every transaction endorsed by peers that satisfy the policy of consortium.yaml', async () => {
      const policy = network.consortium.endorsementPolicy(ENERGY, CHAINCODE);
      for (const txId of [...orderTxIds, clearTxId, ...readingTxIds, settleTxId]) {
        const tx = (await network.getTransaction(ENERGY, txId))!;
        const endorsers = tx.endorsements.map((e) => e.mspId);
        expect(endorsers, txId).to.include('UtilityMSP');
        expect(
          evaluateSignaturePolicy(
            policy,
            endorsers.map((mspId) => ({ mspId, role: 'peer' })),
          ),
          txId,
        ).to.equal(true);
      }
      // A City prosumer's bid is simulated on its own org first and co-signed by the grid operator.
      const bid = (await network.getTransaction(ENERGY, orderTxIds[0]!))!;
      expect(bid.creator.mspId).to.equal('CityMSP');
      expect(bid.endorsements.map((e) => e.mspId).sort()).to.deep.equal(['CityMSP', 'UtilityMSP']);
    });

    it('emits MarketCleared and IntervalSettled with the documented canonical payloads', async () => {
      const result = await evaluate<MarketResult>('GetMarketResult', [interval]);
      const cleared = await eventOf(clearTxId);
      expect(cleared.name).to.equal('MarketCleared');
      expect(cleared.payload).to.equal(
        canonicalJson({
          interval,
          clearingPriceCentsPerKwh: 22,
          volumeWh: 4500,
          tradeCount: 3,
          buyOrderCount: 3,
          sellOrderCount: 3,
          demandWh: 7000,
          supplyWh: 7500,
          clearedAt: result.clearedAt,
        }),
      );
      const settled = await eventOf(settleTxId);
      expect(settled.name).to.equal('IntervalSettled');
      expect(JSON.parse(settled.payload)).to.deep.equal({
        interval,
        settledAt: result.settledAt,
        participantCount: 4,
        tradedWh: 4500,
        deliveredWh: 4000,
        shortfallWh: 800,
        surplusWh: 500,
        measuredNetExportWh: -300,
        tradePaymentsCents: 99,
        gridFeeCents: 18,
        shortfallCents: 24,
        surplusCents: 4,
        gridNetCents: 38,
      });
      expect(settled.payload).to.equal(canonicalJson(JSON.parse(settled.payload)));
    });

    it('emits OrderPlaced for each concurrent order with the order as placed', async () => {
      const { payload, name } = await eventOf(orderTxIds[0]!);
      expect(name).to.equal('OrderPlaced');
      expect(JSON.parse(payload)).to.deep.include({
        orderId: 'B1',
        side: 'buy',
        accountDid: did('ada'),
        interval,
        quantityWh: 3000,
        limitPriceCentsPerKwh: 30,
        status: 'open',
        reservedCents: 102,
      });
    });
  });

  describe('access rules', () => {
    /** An interval whose gate is still open at the current (stepped) clock. */
    const openInterval = () => {
      const length = MARKET.intervalMinutes * MINUTE;
      return new Date(Math.ceil((Date.now() + 60 * MINUTE) / length) * length).toISOString();
    };
    const expectAccessDenied = async (user: Signer, fn: string, args: string[]) => {
      const height = network.height(ENERGY);
      const error = await rejectionOf(submit(user, fn, args));
      expect(error).to.be.instanceOf(EndorseError);
      expect((error as unknown as EndorseError).chaincodeMessage).to.match(/^ACCESS_DENIED: /);
      expect(network.height(ENERGY)).to.equal(height);
    };

    it('refuses a bid on an account by a prosumer who does not hold it', async () => {
      await expectAccessDenied(holderOf('bob'), 'PlaceBuyBid', [
        'B-foreign',
        did('ada'),
        openInterval(),
        '1000',
        '20',
      ]);
    });

    it('refuses market operations to a prosumer and to a City operator', async () => {
      const cityOperator = await network.crypto.enrollUser('CityMSP', 'city-operator', { role: 'operator' });
      await expectAccessDenied(holderOf('ada'), 'ClearInterval', [openInterval()]);
      await expectAccessDenied(cityOperator, 'Deposit', [did('ada'), 'dep-city', '500', 'bank']);
      await expectAccessDenied(cityOperator, 'SubmitMeterReadings', [
        JSON.stringify(new Meter(did('meter-ada')).readRegisters(new Date().toISOString())),
      ]);
    });

    it('refuses a UtilityMSP user without the operator role', async () => {
      const utilityAdmin = await network.crypto.enrollUser('UtilityMSP', 'utility-admin', { role: 'admin' });
      await expectAccessDenied(utilityAdmin, 'ConfigureMarket', [JSON.stringify(MARKET)]);
      await expectAccessDenied(utilityAdmin, 'Withdraw', [did('dan'), 'wd-admin', '100', 'bank']);
    });

    it('refuses every trade of the auditor', async () => {
      await expectAccessDenied(auditor, 'PlaceSellOffer', [
        'S-audit',
        did('fay'),
        openInterval(),
        '1000',
        '5',
      ]);
    });
  });

  describe('the account key as the one deliberate conflict point', () => {
    it('lets only one of two concurrent bids on the same account commit, so a balance is never spent twice', async () => {
      const length = MARKET.intervalMinutes * MINUTE;
      const later = new Date(Math.ceil((Date.now() + 60 * MINUTE) / length) * length).toISOString();
      const before = await evaluate<ProsumerAccount>('GetAccount', [did('cy')]);
      const bids = await Promise.all(
        ['B-twice-1', 'B-twice-2'].map((orderId) =>
          network.endorse(holderOf('cy'), request('PlaceBuyBid', [orderId, did('cy'), later, '1000', '20'])),
        ),
      );
      const outcomes = await Promise.allSettled(bids.map((tx) => network.submitEndorsed(tx)));
      const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(1);
      expect(failed).to.have.length(1);
      expect((failed[0]!.reason as CommitError).validationCodeName).to.equal('MVCC_READ_CONFLICT');
      const after = await evaluate<ProsumerAccount>('GetAccount', [did('cy')]);
      expect(after.reservedCents - before.reservedCents).to.equal(24);
    });
  });

  describe('orders and meter links', () => {
    it('commits a bid in flight while a second meter is linked to its account (no phantom read)', async () => {
      const length = MARKET.intervalMinutes * MINUTE;
      const later = new Date(Math.ceil((Date.now() + 90 * MINUTE) / length) * length).toISOString();
      const bid = await network.endorse(
        holderOf('ada'),
        request('PlaceBuyBid', ['B-in-flight', did('ada'), later, '1000', '20']),
      );
      // A DID that sorts before ada's first meter, inside the account's meter index range.
      const second = new Meter(did('meter-a-second'));
      await identity(operator, 'RegisterDevice', [
        'meter-a-second',
        'smart-meter',
        did('ada'),
        second.publicKeyPem,
        '["import_wh","export_wh"]',
        'meters',
      ]);
      const link = await submit(operator, 'LinkMeter', [did('ada'), second.did]);
      const linkTx = await network.getTransaction(ENERGY, link.txId);
      expect(
        linkTx?.readWriteSet?.flatMap((ns) => ns.writes.map((w) => w.key)).some((k) => k.includes('metered')),
        'a second link leaves the marker alone',
      ).to.equal(false);
      const { txId } = await network.submitEndorsed(bid);
      expect((await network.getTransaction(ENERGY, txId))?.validationCodeName).to.equal('VALID');
    });
  });

  describe('endorsement policy', () => {
    it('invalidates a deposit endorsed by City and Auditor without the grid operator, and pays nothing', async () => {
      const before = await evaluate<ProsumerAccount>('GetAccount', [did('cy')]);
      const endorsed: EndorsedTransaction = await network.endorse(
        operator,
        request('Deposit', [did('cy'), 'dep-unendorsed', '500', 'bank']),
        { endorsingOrganizations: ['CityMSP', 'AuditorMSP'] },
      );
      const error = await rejectionOf(network.submitEndorsed(endorsed));
      expect(error).to.be.instanceOf(CommitError);
      expect((error as unknown as CommitError).validationCodeName).to.equal('ENDORSEMENT_POLICY_FAILURE');
      expect(await evaluate<ProsumerAccount>('GetAccount', [did('cy')])).to.deep.equal(before);
    });
  });
});
