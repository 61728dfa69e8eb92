/** Callers, a fake identity chaincode and meter simulators shared by the energy-trading contract tests. */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { expect } from 'chai';
import { canonicalJson } from '@cityledger/chaincode-common';
import { failure, type FakeLedger, type TxOptions } from '@cityledger/chaincode-common/testing';
import type { Context } from 'fabric-contract-api';
import { EnergyTradingContract } from './energy-trading-contract';

export { failure } from '@cityledger/chaincode-common/testing';

export const contract = new EnergyTradingContract();

export const operator: TxOptions = { mspId: 'UtilityMSP', role: 'operator', user: 'operator1' };
export const utilityAdmin: TxOptions = { mspId: 'UtilityMSP', role: 'admin', user: 'admin1' };
export const cityOperator: TxOptions = { mspId: 'CityMSP', role: 'operator', user: 'operator1' };
export const auditor: TxOptions = { mspId: 'AuditorMSP', role: 'auditor', user: 'auditor1' };

export const did = (name: string) => `did:cityledger:energy:${name}`;
export const userOf = (name: string): TxOptions => ({ mspId: 'CityMSP', role: 'citizen', user: name });
/** What the fake ledger's ClientIdentity.getID() answers for `opts`. */
export const holderIdOf = (opts: TxOptions) =>
  `x509::/CN=${opts.user ?? 'user1'}::/CN=ca.${opts.mspId.toLowerCase()}`;

export const MARKET = {
  intervalMinutes: 15,
  gateClosureMinutes: 5,
  settlementDelayMinutes: 10,
  gridTariffCentsPerKwh: 30,
  feedInTariffCentsPerKwh: 8,
  gridFeeCentsPerKwh: 4,
};

interface FakeKey {
  keyId: string;
  publicKeyPem: string;
  privateKey: KeyObject;
  validFrom: string;
  validUntil?: string;
}

interface FakeDevice {
  kind: string;
  ownerDid: string;
  status: string;
  keys: FakeKey[];
  metrics: string[];
}

export type MeterMetric = 'import_wh' | 'export_wh';

/** Answers the identity chaincode queries energy-trading makes: IsCredentialValid and GetDid. */
export class FakeIdentity {
  readonly credentials = new Map<string, { valid: boolean; reason?: string; credentialId?: string }>();
  readonly devices = new Map<string, FakeDevice>();

  install(ledger: FakeLedger): void {
    ledger.chaincodes.set('identity', async ([fn, subject, type]) => {
      if (fn === 'IsCredentialValid') {
        const answer = type === 'prosumer' ? this.credentials.get(subject) : undefined;
        return json(answer ?? { valid: false, reason: 'no-credential' });
      }
      if (fn === 'GetDid') {
        const device = this.devices.get(subject);
        if (!device) {
          return subject.includes(':person-')
            ? json({ did: subject, didType: 'person', verificationKeys: [] })
            : notFound(subject);
        }
        return json({
          did: subject,
          didType: 'device',
          status: device.status,
          verificationKeys: device.keys.map(({ privateKey: _p, ...key }) => key),
          device: { kind: device.kind, ownerDid: device.ownerDid, metrics: device.metrics, feedId: 'meters' },
        });
      }
      return { status: 500, message: `unexpected identity call ${fn}` };
    });
  }

  grantProsumer(accountDid: string): void {
    this.credentials.set(accountDid, { valid: true, credentialId: `prosumer-${accountDid.split(':')[3]}` });
  }

  registerMeter(
    meterDid: string,
    ownerDid: string,
    opts: { kind?: string; validFrom?: string; metrics?: string[] } = {},
  ): MeterSimulator {
    const device: FakeDevice = {
      kind: opts.kind ?? 'smart-meter',
      ownerDid,
      status: 'active',
      keys: [],
      metrics: opts.metrics ?? ['import_wh', 'export_wh'],
    };
    this.devices.set(meterDid, device);
    const meter = new MeterSimulator(meterDid, device);
    meter.rotateKey(opts.validFrom ?? '2024-01-01T00:00:00.000Z');
    return meter;
  }
}

/**
 * A smart meter: two cumulative registers, one sequence counter across both and a P-256 key. It
 * publishes each register as a generic device reading `{deviceId, seq, timestamp, metric, value,
 * unit?, signature}`.
 */
export class MeterSimulator {
  seq = 0;
  readonly registers: Record<MeterMetric, number> = { import_wh: 0, export_wh: 0 };

  constructor(
    readonly did: string,
    private readonly device: FakeDevice,
  ) {}

  get deviceId(): string {
    return this.did.split(':')[3];
  }

  rotateKey(at: string): void {
    const current = this.device.keys[this.device.keys.length - 1];
    if (current) current.validUntil = at;
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.device.keys.push({
      keyId: `${this.did}#key-${this.device.keys.length + 1}`,
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKey: pair.privateKey,
      validFrom: at,
    });
  }

  deactivate(): void {
    this.device.status = 'deactivated';
  }

  /** The next signed reading of one register, after it rose by `movedWh`. */
  read(metric: MeterMetric, timestamp: string, movedWh = 0): Record<string, unknown> {
    this.seq += 1;
    this.registers[metric] += movedWh;
    return this.signed({
      deviceId: this.deviceId,
      seq: this.seq,
      timestamp,
      metric,
      value: this.registers[metric],
      unit: 'Wh',
    });
  }

  /** Both registers read at one instant, as a meter publishes them at an interval boundary. */
  readRegisters(
    timestamp: string,
    moved: { importWh?: number; exportWh?: number } = {},
  ): Record<string, unknown>[] {
    return [
      this.read('import_wh', timestamp, moved.importWh),
      this.read('export_wh', timestamp, moved.exportWh),
    ];
  }

  signed(reading: Record<string, unknown>, at = reading.timestamp as string): Record<string, unknown> {
    const key = this.device.keys.find(
      (k) => k.validFrom <= at && (k.validUntil === undefined || at < k.validUntil),
    )!;
    const signature = sign('sha256', Buffer.from(canonicalJson(reading)), key.privateKey).toString('base64');
    return { ...reading, signature };
  }
}

function json(value: unknown) {
  return { status: 200, payload: Buffer.from(JSON.stringify(value)) };
}

function notFound(subject: string) {
  return { status: 500, message: `NOT_FOUND: DID ${subject} does not exist` };
}

/** Submits a transaction that must fail; checks that it changed nothing and emitted nothing. */
export async function submitFails(
  ledger: FakeLedger,
  caller: TxOptions,
  fn: (ctx: Context) => Promise<unknown>,
): Promise<string> {
  const before = new Map(ledger.state);
  const events = ledger.events.length;
  const message = await failure(ledger.submit(caller, fn));
  expect(ledger.state, 'a failed transaction changes nothing').to.deep.equal(before);
  expect(ledger.events.length, 'a failed transaction emits nothing').to.equal(events);
  return message;
}

export interface MarketFixture {
  ledger: FakeLedger;
  identity: FakeIdentity;
  meters: Record<string, MeterSimulator>;
}

/**
 * A configured market with prosumer accounts (one meter each, held by a CityMSP citizen of the same
 * name) and their deposits in cents.
 */
export async function marketWith(
  ledger: FakeLedger,
  deposits: Record<string, number>,
): Promise<MarketFixture> {
  const identity = new FakeIdentity();
  identity.install(ledger);
  await ledger.submit(operator, (ctx) => contract.ConfigureMarket(ctx, JSON.stringify(MARKET)));
  const meters: Record<string, MeterSimulator> = {};
  for (const [name, cents] of Object.entries(deposits)) {
    identity.grantProsumer(did(name));
    meters[name] = identity.registerMeter(did(`meter-${name}`), did(name));
    await ledger.submit(operator, (ctx) =>
      contract.OpenAccount(ctx, did(name), 'CityMSP', holderIdOf(userOf(name))),
    );
    await ledger.submit(operator, (ctx) => contract.LinkMeter(ctx, did(name), did(`meter-${name}`)));
    if (cents > 0) {
      await ledger.submit(operator, (ctx) =>
        contract.Deposit(ctx, did(name), `dep-${name}`, String(cents), 'bank'),
      );
    }
  }
  return { ledger, identity, meters };
}
