/** Fixtures shared by the land-registry contract tests: a fake ledger, a fake identity chaincode, callers. */
import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { FakeLedger, type TxOptions } from '@cityledger/chaincode-common/testing';
import type { Polygon } from './geometry';
import { LandRegistryContract } from './land-registry-contract';

export { failure } from '@cityledger/chaincode-common/testing';

export const CHANNEL = 'civic';
export const did = (id: string) => `did:cityledger:${CHANNEL}:${id}`;

export const ALICE = did('alice');
export const BOB = did('bob');
export const CAROL = did('carol');
/** A person without a resident credential. */
export const DAVE = did('dave');
/** A lender: an organisation DID controlled by CommunityMSP. */
export const BANK = did('bank');
/** An easement holder: an organisation DID controlled by CityMSP. */
export const WATER_BOARD = did('water-board');

/** A caller: MSP, role and optionally the `did` certificate attribute. */
export type Actor = TxOptions;

export const registrar: Actor = { mspId: 'CityMSP', role: 'registrar', user: 'registrar1' };
export const cityOperator: Actor = { mspId: 'CityMSP', role: 'operator' };
export const auditor: Actor = { mspId: 'AuditorMSP', role: 'auditor' };
export const communityRegistrar: Actor = { mspId: 'CommunityMSP', role: 'registrar' };
export const alice: Actor = { mspId: 'CityMSP', role: 'citizen', user: 'alice', attributes: { did: ALICE } };
export const bob: Actor = { mspId: 'CityMSP', role: 'citizen', user: 'bob', attributes: { did: BOB } };
export const carol: Actor = { mspId: 'CityMSP', role: 'citizen', user: 'carol', attributes: { did: CAROL } };
export const dave: Actor = { mspId: 'CityMSP', role: 'citizen', user: 'dave', attributes: { did: DAVE } };
export const bank: Actor = { mspId: 'CommunityMSP', role: 'admin', user: 'bank', attributes: { did: BANK } };
export const waterBoard: Actor = {
  mspId: 'CityMSP',
  role: 'operator',
  user: 'water',
  attributes: { did: WATER_BOARD },
};

interface FakeDid {
  didType: string;
  controller: string;
  status: 'active' | 'deactivated';
  credentials: Set<string>;
}

/** Answers `IsDidValid` and `IsCredentialValid` like the identity chaincode does. */
export class FakeIdentityChaincode {
  readonly dids = new Map<string, FakeDid>();
  readonly calls: string[][] = [];

  constructor() {
    for (const person of [ALICE, BOB, CAROL]) this.add(person, 'person', 'CityMSP', ['resident']);
    this.add(DAVE, 'person', 'CityMSP', []);
    this.add(BANK, 'organisation', 'CommunityMSP', []);
    this.add(WATER_BOARD, 'organisation', 'CityMSP', []);
  }

  add(id: string, didType: string, controller: string, credentials: string[]): void {
    this.dids.set(id, { didType, controller, status: 'active', credentials: new Set(credentials) });
  }

  async answer(args: string[]): Promise<{ status: number; message?: string; payload?: Uint8Array }> {
    this.calls.push(args);
    const [fn, subject, type] = args;
    const entry = this.dids.get(subject);
    let answer: object;
    if (fn === 'IsDidValid') {
      answer = !entry
        ? { valid: false, reason: 'unknown-did' }
        : {
            valid: entry.status === 'active',
            reason: entry.status === 'active' ? undefined : 'did-deactivated',
            didType: entry.didType,
            controller: entry.controller,
          };
    } else if (fn === 'IsCredentialValid') {
      answer = !entry
        ? { valid: false, reason: 'unknown-did' }
        : entry.status !== 'active'
          ? { valid: false, reason: 'did-deactivated' }
          : entry.credentials.has(type)
            ? { valid: true, credentialId: `${type}-${subject}` }
            : { valid: false, reason: 'no-credential' };
    } else {
      return { status: 500, message: `unknown function ${fn}` };
    }
    return { status: 200, payload: Buffer.from(JSON.stringify(answer)) };
  }
}

/** A fake ledger with the land-registry contract and a fake identity chaincode. */
export class Registry {
  readonly ledger = new FakeLedger(CHANNEL);
  readonly contract = new LandRegistryContract();
  readonly identity = new FakeIdentityChaincode();

  constructor() {
    this.ledger.chaincodes.set('identity', (args) => this.identity.answer(args));
  }

  /** Runs a submitted transaction as `actor`: committed when it succeeds, discarded when it throws. */
  submit<T>(actor: Actor, fn: (contract: LandRegistryContract, ctx: Context) => Promise<T>): Promise<T> {
    return this.ledger.submit(actor, (ctx) => fn(this.contract, ctx));
  }

  evaluate<T>(actor: Actor, fn: (contract: LandRegistryContract, ctx: Context) => Promise<T>): Promise<T> {
    return this.ledger.evaluate(actor, (ctx) => fn(this.contract, ctx));
  }

  /** Committed keys of one object type, as readable strings `type/attr/attr`. */
  keys(objectType: string): string[] {
    return this.ledger.keys(objectType).map((k) => k.split('\u0000').filter(Boolean).join('/'));
  }

  eventNames(): string[] {
    return this.ledger.events.map((e) => e.name);
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** An axis-aligned rectangle in longitude/latitude, counter-clockwise. */
export function rectangle(x0: number, y0: number, x1: number, y1: number): Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ],
  };
}

export const DEED = sha256('deed of parcel P-1');
export const SALE_DEED = sha256('deed of sale P-1 to bob');
export const MORTGAGE_DEED = sha256('mortgage deed P-1 bank');
export const SURVEY = sha256('survey P-1');

export function locationOf(polygon: Polygon): string {
  return JSON.stringify({ geometry: polygon });
}

export const owners = (...list: [string, number][]) =>
  JSON.stringify(list.map(([d, shares]) => ({ did: d, shares })));

/** Registers parcel `id` (1,000 m², residential) owned by `ownersJson` (default: Alice alone). */
export function registerParcel(
  registry: Registry,
  id = 'P-1',
  ownersJson = owners([ALICE, 10000]),
  polygon: Polygon = rectangle(4.35, 50.85, 4.351, 50.851),
  areaM2 = '1000',
) {
  return registry.submit(registrar, (c, ctx) =>
    c.RegisterParcel(
      ctx,
      id,
      locationOf(polygon),
      areaM2,
      'residential',
      'R2',
      ownersJson,
      sha256(`deed of ${id}`),
    ),
  );
}

/** Alice proposes to sell all of P-1 to Bob for 250,000.00 EUR. */
export function proposeSale(registry: Registry, transferId = 'T-1', parcelId = 'P-1') {
  return registry.submit(alice, (c, ctx) =>
    c.ProposeTransfer(ctx, transferId, parcelId, '', owners([BOB, 10000]), '25000000', 'EUR', SALE_DEED),
  );
}

export function registerMortgage(registry: Registry, id = 'M-1', parcelId = 'P-1') {
  return registry.submit(registrar, (c, ctx) =>
    c.RegisterEncumbrance(
      ctx,
      id,
      parcelId,
      'mortgage',
      BANK,
      '15000000',
      'EUR',
      'first mortgage',
      MORTGAGE_DEED,
    ),
  );
}
