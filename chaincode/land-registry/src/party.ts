/**
 * Who is acting, and who may hold land.
 *
 * Owners, buyers, lenders and other holders are DIDs, but transactions are signed by X.509
 * identities. A party proves which DID it acts for with a `did` certificate attribute, written by
 * its organisation's CA just like the `role` attribute. Any CA could write any DID into a
 * certificate, so the DID must also be controlled by the caller's own MSP (persons are controlled
 * by CityMSP, which registers them; an organisation by its own MSP) — asked of the identity
 * chaincode, inside this transaction.
 */
import {
  AccessDeniedError,
  callerOf,
  checkCredential,
  checkDid,
  ConflictError,
  describeCaller,
  InvalidArgumentError,
  MSP,
  parseDid,
  ROLE,
  type CallerRule,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';

/** Certificate attribute naming the DID the caller acts for. */
export const DID_ATTRIBUTE = 'did';

/** The land registrar of the municipality. */
export const REGISTRAR: CallerRule = { mspIds: [MSP.City], roles: [ROLE.Registrar] };

/** Credential a person needs to hold land (organisations need only an active organisation DID). */
export const OWNER_CREDENTIAL = 'resident';

/** The DID the caller acts for, or `ACCESS_DENIED`. */
export async function requirePartyDid(ctx: Context, action: string): Promise<string> {
  const caller = callerOf(ctx);
  const attribute = ctx.clientIdentity.getAttributeValue(DID_ATTRIBUTE);
  if (attribute === null || attribute === '') {
    throw new AccessDeniedError(
      `${describeCaller(caller)} may not ${action}: the certificate names no DID (attribute '${DID_ATTRIBUTE}')`,
    );
  }
  let did: string;
  try {
    did = parseDid(DID_ATTRIBUTE, attribute, { channel: ctx.stub.getChannelID() }).did;
  } catch {
    throw new AccessDeniedError(
      `${describeCaller(caller)} may not ${action}: its '${DID_ATTRIBUTE}' attribute is not a DID of this channel`,
    );
  }
  const validity = await checkDid(ctx, did);
  if (!validity.valid) {
    throw new AccessDeniedError(`${did} may not ${action}: ${validity.reason ?? 'not a valid DID'}`);
  }
  if (validity.controller !== caller.mspId) {
    throw new AccessDeniedError(
      `a ${caller.mspId} certificate may not act for ${did}, which ${validity.controller ?? 'another MSP'} controls`,
    );
  }
  return did;
}

/**
 * Refuses a DID that may not hold land: unknown or deactivated, a device, or a person without a
 * valid resident credential. Named in an argument → `INVALID_ARGUMENT` for that field; re-checked at
 * approval (when time may have passed) → `CONFLICT`.
 */
export async function requireEligibleOwner(
  ctx: Context,
  did: string,
  onFailure: { field: string } | 'conflict',
): Promise<void> {
  const problem = await ownerIneligibility(ctx, did);
  if (problem !== undefined) {
    if (onFailure === 'conflict') {
      throw new ConflictError(`${did} may no longer hold land: ${problem}`);
    }
    throw new InvalidArgumentError(onFailure.field, `${did} may not hold land: ${problem}`);
  }
}

async function ownerIneligibility(ctx: Context, did: string): Promise<string | undefined> {
  const validity = await checkDid(ctx, did);
  if (!validity.valid) {
    return validity.reason === 'unknown-did'
      ? 'it is not registered'
      : `it is not active (${validity.reason})`;
  }
  if (validity.didType === 'organisation') {
    return undefined;
  }
  if (validity.didType !== 'person') {
    return `it is a ${validity.didType ?? 'unknown'} DID; owners are persons or organisations`;
  }
  const credential = await checkCredential(ctx, did, OWNER_CREDENTIAL);
  return credential.valid
    ? undefined
    : `it holds no valid '${OWNER_CREDENTIAL}' credential (${credential.reason})`;
}

/** Refuses a DID (lender, lien or easement holder) that is not registered and active. */
export async function requireActiveHolder(ctx: Context, field: string, did: string): Promise<void> {
  const validity = await checkDid(ctx, did);
  if (!validity.valid) {
    throw new InvalidArgumentError(
      field,
      `${did} ${validity.reason === 'unknown-did' ? 'is not registered' : `is not active (${validity.reason})`}`,
    );
  }
}
