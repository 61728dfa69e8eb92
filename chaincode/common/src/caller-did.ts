/**
 * Which DID a caller acts for. Contracts name parties by DID, but transactions are signed by X.509
 * identities: the caller's organisation binds an enrolled user to a DID with a `did` certificate
 * attribute (Fabric CA `did=<did>:ecert`), just as it writes the `role` attribute.
 */
import type { Context } from 'fabric-contract-api';
import { callerOf, describeCaller, type Caller } from './access';
import { parseDid } from './arguments';
import { AccessDeniedError } from './errors';
import { checkDid } from './identity-client';

/** Name of the certificate attribute that carries the DID the caller acts for. */
export const DID_ATTRIBUTE = 'did';

/** Value of the caller's `did` certificate attribute, or undefined when the certificate has none. */
export function callerDid(ctx: Context): string | undefined {
  const value = ctx.clientIdentity.getAttributeValue(DID_ATTRIBUTE);
  return value === null || value === '' ? undefined : value;
}

/**
 * Throws `ACCESS_DENIED` unless the caller's certificate carries `did=<did>`. The attribute alone
 * proves nothing about who controls the DID (any organisation's CA can write any DID into its
 * users' certificates): a caller acting for a DID needs {@link requireControlledCallerDid}.
 */
export function requireCallerIsDid(ctx: Context, caller: Caller, did: string, action: string): void {
  if (callerDid(ctx) !== did) {
    throw new AccessDeniedError(
      `${describeCaller(caller)} may not ${action}; only a user whose certificate carries ${DID_ATTRIBUTE}=${did}`,
    );
  }
}

/**
 * The DID the caller acts for, or `ACCESS_DENIED`. Any CA could write any DID into a certificate,
 * so the DID must also be active and controlled by the caller's own MSP (persons by CityMSP, which
 * registers them; an organisation by its own MSP) — asked of the identity chaincode, inside this
 * transaction.
 */
export async function requireControlledCallerDid(ctx: Context, action: string): Promise<string> {
  const caller = callerOf(ctx);
  const attribute = callerDid(ctx);
  if (attribute === undefined) {
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
