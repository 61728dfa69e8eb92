import { expect } from 'chai';
import { callerOf, MSP, ROLE } from './access';
import { callerDid, requireCallerIsDid, requireControlledCallerDid } from './caller-did';
import type { DidValidity } from './identity-client';
import { failure, FakeLedger } from './testing';

const ALICE = 'did:cityledger:civic:alice';
const BANK = 'did:cityledger:civic:bank';

describe('the DID a caller acts for', () => {
  let ledger: FakeLedger;
  const dids = new Map<string, DidValidity>();

  beforeEach(() => {
    ledger = new FakeLedger('civic');
    dids.clear();
    dids.set(ALICE, { valid: true, didType: 'person', controller: MSP.City });
    dids.set(BANK, { valid: true, didType: 'organisation', controller: MSP.Community });
    ledger.chaincodes.set('identity', async ([, did]) => ({
      status: 200,
      payload: Buffer.from(JSON.stringify(dids.get(did!) ?? { valid: false, reason: 'unknown-did' })),
    }));
  });

  const citizen = (did?: string) =>
    ledger.begin({ mspId: MSP.City, role: ROLE.Citizen, attributes: did === undefined ? {} : { did } }).ctx;

  it('reads the did certificate attribute, treating an empty one as none', () => {
    expect(callerDid(citizen(ALICE))).to.equal(ALICE);
    expect(callerDid(citizen())).to.equal(undefined);
    expect(callerDid(citizen(''))).to.equal(undefined);
  });

  it('accepts a caller whose certificate carries exactly the DID and refuses any other', () => {
    const ctx = citizen(ALICE);
    expect(() => requireCallerIsDid(ctx, callerOf(ctx), ALICE, 'confirm')).not.to.throw();
    expect(() => requireCallerIsDid(ctx, callerOf(ctx), BANK, 'confirm')).to.throw(
      `ACCESS_DENIED: CityMSP 'citizen' may not confirm; only a user whose certificate carries did=${BANK}`,
    );
  });

  it('returns the DID named in the certificate when the caller’s MSP controls it', async () => {
    expect(await requireControlledCallerDid(citizen(ALICE), 'sell')).to.equal(ALICE);
  });

  it('refuses a certificate that names no DID, or no DID of this channel', async () => {
    expect(await failure(requireControlledCallerDid(citizen(), 'sell'))).to.equal(
      `ACCESS_DENIED: CityMSP 'citizen' may not sell: the certificate names no DID (attribute 'did')`,
    );
    expect(
      await failure(requireControlledCallerDid(citizen('did:cityledger:energy:alice'), 'sell')),
    ).to.equal(
      `ACCESS_DENIED: CityMSP 'citizen' may not sell: its 'did' attribute is not a DID of this channel`,
    );
  });

  it('refuses a DID that is not active or that another MSP controls', async () => {
    expect(await failure(requireControlledCallerDid(citizen(BANK), 'sell'))).to.equal(
      `ACCESS_DENIED: a CityMSP certificate may not act for ${BANK}, which CommunityMSP controls`,
    );
    dids.set(ALICE, { valid: false, reason: 'did-deactivated' });
    expect(await failure(requireControlledCallerDid(citizen(ALICE), 'sell'))).to.equal(
      `ACCESS_DENIED: ${ALICE} may not sell: did-deactivated`,
    );
  });
});
