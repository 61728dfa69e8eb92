import { KNOWN_ROLES } from './caller';

/**
 * Which token claims carry the caller's user id, organisation, role and DID. Identity providers
 * name them their own way (Keycloak: `preferred_username`, roles in `realm_access.roles`; Entra
 * ID: `roles`), so the gateway reads them where the configuration says (JWT_CLAIM_*).
 */
export interface ClaimMapping {
  /** The user id, `sub` by default. */
  user: string;
  org: string;
  /** A string claim, or an array of roles of which the first one the gateway knows is taken. */
  role: string;
  did: string;
}

export const DEFAULT_CLAIM_MAPPING: Readonly<ClaimMapping> = {
  user: 'sub',
  org: 'org',
  role: 'role',
  did: 'did',
};

/** A claim name, or a dotted path into nested claims (`realm_access.roles`). */
export const CLAIM_NAME_PATTERN = /^[^\s.]{1,128}(\.[^\s.]{1,128}){0,7}$/;

const knownRoles: ReadonlySet<string> = new Set(KNOWN_ROLES);

/**
 * The claim called `name`, or else the value at that dotted path. The whole name is tried first
 * because namespaced claims are URLs with dots in them (`https://city.example/org`). Only own
 * properties are followed, so a path cannot reach `__proto__` or `constructor`.
 */
export function claimAt(payload: Readonly<Record<string, unknown>>, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, part)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * The role a role claim names: a string as it is, or from an array (Keycloak realm roles, Entra
 * app roles) the first role the chaincodes know, since providers add roles of their own
 * (`offline_access`, `default-roles-<realm>`). Undefined when an array names no known role.
 */
export function roleOfClaim(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.find((role) => typeof role === 'string' && knownRoles.has(role));
}

/**
 * Writes `value` at a claim name, nested along its dots, so that development tokens carry their
 * claims where a custom mapping reads them.
 */
export function setClaim(payload: Record<string, unknown>, name: string, value: unknown): void {
  const parts = name.split('.');
  let target = payload;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    target = (target[part] =
      typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {}) as Record<
      string,
      unknown
    >;
  }
  target[parts[parts.length - 1]!] = value;
}
