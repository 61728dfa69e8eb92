/**
 * Who may register land, and who may hold it. Owners, buyers and lenders act through the DID their
 * certificate names, checked by `requireControlledCallerDid` of the common library.
 */
import {
  checkCredential,
  checkDid,
  ConflictError,
  InvalidArgumentError,
  MSP,
  ROLE,
  type CallerRule,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';

/** The land registrar of the municipality. */
export const REGISTRAR: CallerRule = { mspIds: [MSP.City], roles: [ROLE.Registrar] };

/** Credential a person needs to hold land (organisations need only an active organisation DID). */
export const OWNER_CREDENTIAL = 'resident';

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
