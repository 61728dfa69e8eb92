/** Callers, identities and a harness shared by the donation-tracking contract tests. */
import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { FakeLedger, type FakeTransaction, type TxOptions } from '@cityledger/chaincode-common/testing';
import { DonationTrackingContract } from './donation-tracking-contract';
import { RECEIPT_SECRET_TRANSIENT_KEY } from './receipt';

export { failure } from '@cityledger/chaincode-common/testing';

/** A caller: MSP, role and optionally the `did` certificate attribute. */
export type Actor = TxOptions;

export const ORG_DID = 'did:cityledger:civic:helping-hands';
export const SHELTER_DID = 'did:cityledger:civic:night-shelter';
export const BAKER_DID = 'did:cityledger:civic:baker';
export const ALICE_DID = 'did:cityledger:civic:alice';
export const BOB_DID = 'did:cityledger:civic:bob';
export const CAROL_DID = 'did:cityledger:civic:carol';
export const SENSOR_DID = 'did:cityledger:civic:air-1';
export const GONE_DID = 'did:cityledger:civic:gone';
export const CITY_ORG_DID = 'did:cityledger:civic:city';

export const organiser: Actor = { mspId: 'CommunityMSP', role: 'operator', user: 'hh-operator' };
export const organiserAdmin: Actor = { mspId: 'CommunityMSP', role: 'admin' };
export const communityCitizen: Actor = { mspId: 'CommunityMSP', role: 'citizen' };
export const auditor: Actor = { mspId: 'AuditorMSP', role: 'auditor' };
export const auditorAdmin: Actor = { mspId: 'AuditorMSP', role: 'admin' };
export const cityAdmin: Actor = { mspId: 'CityMSP', role: 'admin' };
export const cityRegistrar: Actor = { mspId: 'CityMSP', role: 'registrar' };
export const cityOperator: Actor = { mspId: 'CityMSP', role: 'operator' };
export const alice: Actor = {
  mspId: 'CityMSP',
  role: 'citizen',
  user: 'alice',
  attributes: { did: ALICE_DID },
};
export const bob: Actor = { mspId: 'CityMSP', role: 'citizen', user: 'bob', attributes: { did: BOB_DID } };
export const carol: Actor = {
  mspId: 'CityMSP',
  role: 'citizen',
  user: 'carol',
  attributes: { did: CAROL_DID },
};
export const anonymousCitizen: Actor = { mspId: 'CityMSP', role: 'citizen', user: 'someone' };
export const shelter: Actor = {
  mspId: 'CommunityMSP',
  role: 'citizen',
  user: 'shelter',
  attributes: { did: SHELTER_DID },
};
export const baker: Actor = {
  mspId: 'CityMSP',
  role: 'citizen',
  user: 'baker',
  attributes: { did: BAKER_DID },
};

export const DEADLINE = '2025-06-30T00:00:00.000Z';

export const MILESTONES = [
  { description: 'Buy 40 beds', amountCents: 60000, evidenceRequired: 'invoice of the furniture store' },
  { description: 'Winter meals', amountCents: 40000, evidenceRequired: 'receipts of the bakery' },
];

export interface DidAnswer {
  valid: boolean;
  reason?: string;
  didType?: string;
  controller?: string;
}

/** A receipt secret and its hash, as a donor's app would make them. */
export function receiptFor(seed: string): { secret: string; hash: string } {
  const secret = createHash('sha256').update(`secret:${seed}`).digest('hex');
  return { secret, hash: createHash('sha256').update(secret, 'utf8').digest('hex') };
}

export function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A civic-channel fake ledger with the donation-tracking contract and an identity chaincode stub
 * answering `IsDidValid` from {@link dids}.
 */
export class DonationHarness {
  readonly ledger = new FakeLedger('civic', '2025-01-01T00:00:00.000Z');
  readonly contract = new DonationTrackingContract();
  readonly dids = new Map<string, DidAnswer>([
    [ORG_DID, { valid: true, didType: 'organisation', controller: 'CommunityMSP' }],
    [CITY_ORG_DID, { valid: true, didType: 'organisation', controller: 'CityMSP' }],
    [SHELTER_DID, { valid: true, didType: 'organisation', controller: 'CommunityMSP' }],
    [BAKER_DID, { valid: true, didType: 'person', controller: 'CityMSP' }],
    [ALICE_DID, { valid: true, didType: 'person', controller: 'CityMSP' }],
    [BOB_DID, { valid: true, didType: 'person', controller: 'CityMSP' }],
    [CAROL_DID, { valid: true, didType: 'person', controller: 'CityMSP' }],
    [SENSOR_DID, { valid: true, didType: 'device', controller: 'CityMSP' }],
    [GONE_DID, { valid: false, reason: 'did-deactivated', didType: 'person', controller: 'CityMSP' }],
  ]);

  constructor() {
    this.ledger.chaincodes.set('identity', async (args) => {
      const [fn, did] = args;
      if (fn !== 'IsDidValid') {
        return { status: 500, message: `unexpected identity call ${fn}` };
      }
      const answer = this.dids.get(did) ?? { valid: false, reason: 'unknown-did' };
      return { status: 200, payload: Buffer.from(JSON.stringify(answer)) };
    });
  }

  /** A user of the MSP that controls `did` (as {@link dids} says), whose certificate names it. */
  userActingFor(did: string): Actor {
    const controller = this.dids.get(did)?.controller;
    if (controller === undefined) throw new Error(`no controller known for ${did}`);
    return { mspId: controller, role: 'citizen', user: `for-${did}`, attributes: { did } };
  }

  /** Runs one transaction as `actor`; commits on success, changes nothing on error. */
  submit<T>(
    actor: Actor,
    fn: (contract: DonationTrackingContract, ctx: Context, tx: FakeTransaction) => Promise<T>,
    transient?: Record<string, string>,
  ): Promise<T> {
    return this.ledger.submit({ ...actor, transient }, (ctx, tx) => fn(this.contract, ctx, tx));
  }

  evaluate<T>(
    actor: Actor,
    fn: (contract: DonationTrackingContract, ctx: Context) => Promise<T>,
  ): Promise<T> {
    return this.ledger.evaluate(actor, (ctx) => fn(this.contract, ctx));
  }

  /** Begins a transaction without committing it, to interleave two submissions like concurrent clients. */
  begin(actor: Actor): FakeTransaction {
    return this.ledger.begin(actor);
  }

  createCampaign(overrides: Partial<Record<'campaignId' | 'goalCents' | 'deadline', string>> = {}) {
    const goal = overrides.goalCents ?? '100000';
    return this.submit(organiser, (c, ctx) =>
      c.CreateCampaign(
        ctx,
        overrides.campaignId ?? 'winter-shelter',
        ORG_DID,
        'Winter shelter 2025',
        goal,
        'EUR',
        overrides.deadline ?? DEADLINE,
        JSON.stringify([SHELTER_DID, BAKER_DID]),
        JSON.stringify(MILESTONES),
      ),
    );
  }

  donate(
    actor: Actor,
    amountCents: number,
    opts: { donorDid?: string; receiptHash?: string; campaignId?: string } = {},
  ) {
    return this.submit(actor, (c, ctx) =>
      c.Donate(
        ctx,
        opts.campaignId ?? 'winter-shelter',
        String(amountCents),
        'EUR',
        opts.donorDid ?? actor.attributes?.did ?? '',
        opts.receiptHash ?? '',
      ),
    );
  }

  submitEvidence(index: number, campaignId = 'winter-shelter') {
    return this.submit(organiser, (c, ctx) =>
      c.SubmitMilestoneEvidence(
        ctx,
        campaignId,
        String(index),
        JSON.stringify([sha(`invoice ${index}`)]),
        '',
      ),
    );
  }

  approve(index: number, campaignId = 'winter-shelter') {
    return this.submit(auditor, (c, ctx) =>
      c.ApproveMilestone(ctx, campaignId, String(index), 'invoice checked'),
    );
  }

  disburse(index: number, beneficiaryDid: string, amountCents: number, campaignId = 'winter-shelter') {
    return this.submit(organiser, (c, ctx) =>
      c.Disburse(ctx, campaignId, String(index), beneficiaryDid, String(amountCents), 'SEPA-REF'),
    );
  }

  confirm(actor: Actor, disbursementId: string, campaignId = 'winter-shelter') {
    return this.submit(actor, (c, ctx) => c.ConfirmDisbursement(ctx, campaignId, disbursementId));
  }

  claim(actor: Actor, donationId: string, secret: string, campaignId = 'winter-shelter') {
    return this.submit(
      actor,
      (c, ctx) => c.ClaimAnonymousRefund(ctx, campaignId, donationId, 'IBAN-HASH-1'),
      { [RECEIPT_SECRET_TRANSIENT_KEY]: secret },
    );
  }

  reconcile(campaignId = 'winter-shelter') {
    return this.evaluate(auditor, (c, ctx) => c.ReconcileCampaign(ctx, campaignId));
  }

  /** A copy of the committed world state, to prove a failed transaction changed nothing. */
  snapshot(): Map<string, string> {
    return new Map([...this.ledger.state].map(([k, v]) => [k, v.toString('hex')]));
  }
}
