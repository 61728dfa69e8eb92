/**
 * Access control from the transaction's creator: its MSP ID and the `role` attribute that Fabric CA
 * writes into the enrollment certificate (`hf.Registrar.Attributes`, `role=registrar:ecert`).
 * The gateway checks roles too, but the chaincode is the last line of defence.
 */
import type { Context } from 'fabric-contract-api';
import { AccessDeniedError } from './errors';

export const MSP = {
  City: 'CityMSP',
  Utility: 'UtilityMSP',
  Community: 'CommunityMSP',
  Auditor: 'AuditorMSP',
} as const;

export type MspId = (typeof MSP)[keyof typeof MSP];

/** Name of the certificate attribute that carries the caller's role. */
export const ROLE_ATTRIBUTE = 'role';

export const ROLE = {
  Admin: 'admin',
  Registrar: 'registrar',
  Operator: 'operator',
  Citizen: 'citizen',
  Auditor: 'auditor',
} as const;

export interface Caller {
  mspId: string;
  /** Value of the `role` certificate attribute, or undefined when the certificate has none. */
  role: string | undefined;
  /** The X.509 identity string `x509::<subject>::<issuer>` that Fabric derives from the certificate. */
  id: string;
}

/** Who may call: every listed condition must hold; an omitted list does not restrict. */
export interface CallerRule {
  mspIds?: readonly string[];
  roles?: readonly string[];
}

export function callerOf(ctx: Context): Caller {
  const role = ctx.clientIdentity.getAttributeValue(ROLE_ATTRIBUTE);
  return {
    mspId: ctx.clientIdentity.getMSPID(),
    role: role === null || role === '' ? undefined : role,
    id: ctx.clientIdentity.getID(),
  };
}

export function callerMatches(caller: Caller, rule: CallerRule): boolean {
  if (rule.mspIds && !rule.mspIds.includes(caller.mspId)) {
    return false;
  }
  if (rule.roles && (caller.role === undefined || !rule.roles.includes(caller.role))) {
    return false;
  }
  return true;
}

/**
 * Returns the caller when at least one rule matches, else throws `ACCESS_DENIED`.
 *
 * @example
 * requireCaller(ctx, { mspIds: [MSP.City], roles: [ROLE.Registrar] }, 'register a person');
 */
export function requireCaller(
  ctx: Context,
  rules: CallerRule | readonly CallerRule[],
  action?: string,
): Caller {
  const caller = callerOf(ctx);
  const list: readonly CallerRule[] = Array.isArray(rules) ? rules : [rules as CallerRule];
  if (list.some((rule) => callerMatches(caller, rule))) {
    return caller;
  }
  const allowed = list.map(describeRule).join(' or ');
  throw new AccessDeniedError(
    `${describeCaller(caller)} may not ${action ?? 'call this transaction'}; allowed: ${allowed}`,
  );
}

/** Throws `ACCESS_DENIED` unless the caller belongs to `mspId` (used after a record names its owner org). */
export function requireMsp(caller: Caller, mspId: string, action: string): void {
  if (caller.mspId !== mspId) {
    throw new AccessDeniedError(`${describeCaller(caller)} may not ${action}; only ${mspId} may`);
  }
}

export function describeCaller(caller: Caller): string {
  return `${caller.mspId} ${caller.role === undefined ? 'caller without a role' : `'${caller.role}'`}`;
}

function describeRule(rule: CallerRule): string {
  const orgs = rule.mspIds ? rule.mspIds.join('/') : 'any org';
  const roles = rule.roles ? ` with role ${rule.roles.map((r) => `'${r}'`).join('/')}` : '';
  return `${orgs}${roles}`;
}
