/**
 * Who may do what in donation-tracking. Documented in docs/contracts/donation-tracking.md.
 */
import {
  AccessDeniedError,
  describeCaller,
  MSP,
  ROLE,
  type Caller,
  type CallerRule,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';

/** Non-profits run campaigns: CommunityMSP admins and operators. */
export const ORGANISERS: CallerRule = { mspIds: [MSP.Community], roles: [ROLE.Admin, ROLE.Operator] };

/** The independent auditor, or the City's administration, judges milestone evidence. */
export const MILESTONE_APPROVERS: readonly CallerRule[] = [
  { mspIds: [MSP.Auditor], roles: [ROLE.Auditor] },
  { mspIds: [MSP.City], roles: [ROLE.Admin] },
];

/** The City may stop a campaign (e.g. fraud) besides the organiser. */
export const CANCELLERS: readonly CallerRule[] = [ORGANISERS, { mspIds: [MSP.City], roles: [ROLE.Admin] }];

/**
 * Citizens give themselves; the organiser records gifts it received off-chain (cash, bank transfer).
 * Every org on the civic channel has citizens in principle, so the MSP is not restricted.
 */
export const DONORS: readonly CallerRule[] = [{ roles: [ROLE.Citizen] }, ORGANISERS];

/**
 * Certificate attribute that binds an enrolled user to their DID (Fabric CA `did=<did>:ecert`).
 * The common library has only `role`; a beneficiary confirming receipt and a donor giving under
 * their own name must prove they are that DID, which a role cannot say.
 */
export const DID_ATTRIBUTE = 'did';

export function callerDid(ctx: Context): string | undefined {
  const value = ctx.clientIdentity.getAttributeValue(DID_ATTRIBUTE);
  return value === null || value === '' ? undefined : value;
}

/** Throws `ACCESS_DENIED` unless the caller's certificate carries `did=<did>`. */
export function requireCallerIsDid(ctx: Context, caller: Caller, did: string, action: string): void {
  if (callerDid(ctx) !== did) {
    throw new AccessDeniedError(
      `${describeCaller(caller)} may not ${action}; only a user whose certificate carries ${DID_ATTRIBUTE}=${did}`,
    );
  }
}
