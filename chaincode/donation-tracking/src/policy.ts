/**
 * Who may do what in donation-tracking. Documented in docs/contracts/donation-tracking.md.
 */
import { MSP, ROLE, type CallerRule } from '@cityledger/chaincode-common';

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
