/**
 * Who may do what in donation-tracking. Documented in docs/contracts/donation-tracking.md.
 */
import {
  AccessDeniedError,
  describeCaller,
  MSP,
  requireControlledCallerDid,
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
 * `ACCESS_DENIED` unless the caller acts for `did`: their certificate's `did` attribute names it,
 * and the identity chaincode knows it as active and controlled by the caller's own MSP. The
 * attribute alone is not enough, since any organisation's CA can write any DID into a certificate.
 */
export async function requireCallerActsFor(
  ctx: Context,
  caller: Caller,
  did: string,
  action: string,
): Promise<void> {
  const actingFor = await requireControlledCallerDid(ctx, action);
  if (actingFor !== did) {
    throw new AccessDeniedError(
      `${describeCaller(caller)} acting for ${actingFor} may not ${action}; only a user acting for ${did}`,
    );
  }
}
