import { z } from 'zod';
import { reservedSubjectProblem } from './service-identities';

/** Who is calling, from the verified token: a user of an organisation with a role. */
export interface Caller {
  /** User id (`sub`), also the enrollment id of their ledger identity. */
  userId: string;
  /** MSP ID (`org`) of a peer organisation of the consortium. */
  mspId: string;
  /** Written into the user's certificate as the `role` attribute; the chaincode checks it. */
  role: string;
  /**
   * The DID the user acts for (`did` claim), written into the certificate as the `did` attribute:
   * land-registry and donation-tracking recognise owners, buyers, donors and beneficiaries by it.
   */
  did?: string;
}

/** Roles that may use the auditor explorer on the channels their organisation is on. */
export const EXPLORER_ROLES: ReadonlySet<string> = new Set(['auditor', 'admin']);

/**
 * The roles the chaincodes check (the `role` attribute). A token may carry another lower-case role
 * (the chaincode then simply refuses what that role may not do); these are the ones that mean something.
 */
export const KNOWN_ROLES = [
  'citizen',
  'registrar',
  'operator',
  'admin',
  'auditor',
  'election-authority',
  'ballot-box',
] as const;

/**
 * A CityLedger DID, `did:cityledger:<channel>:<id>`, as the identity chaincode issues them. The
 * chaincode still checks that the DID is registered, active and controlled by the caller's MSP:
 * the gateway only refuses what cannot be a DID.
 */
export const didClaim = z
  .string()
  .regex(
    /^did:cityledger:[a-z][a-z0-9.-]{0,248}:[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'must be a DID of the form did:cityledger:<channel>:<id>',
  );

/** The claims a gateway token must carry, besides the registered ones checked by the verifier. */
export const tokenClaimsSchema = z.object({
  sub: z
    .string()
    .regex(/^[A-Za-z0-9._@-]{1,64}$/, "must be 1 to 64 letters, digits, '.', '_', '-' or '@'")
    .superRefine((sub, ctx) => {
      const reserved = reservedSubjectProblem(sub);
      if (reserved) ctx.addIssue({ code: 'custom', message: reserved });
    }),
  org: z.string().min(1),
  role: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a lower-case role name such as citizen or registrar'),
  did: didClaim.optional(),
});
