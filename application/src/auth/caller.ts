import { z } from 'zod';

/** Who is calling, from the verified token: a user of an organisation with a role. */
export interface Caller {
  /** User id (`sub`), also the enrollment id of their ledger identity. */
  userId: string;
  /** MSP ID (`org`) of a peer organisation of the consortium. */
  mspId: string;
  /** Written into the user's certificate as the `role` attribute; the chaincode checks it. */
  role: string;
}

/** Roles that may use the auditor explorer on the channels their organisation is on. */
export const EXPLORER_ROLES: ReadonlySet<string> = new Set(['auditor', 'admin']);

/** The claims a gateway token must carry, besides the registered ones checked by the verifier. */
export const tokenClaimsSchema = z.object({
  sub: z
    .string()
    .regex(/^[A-Za-z0-9._@-]{1,64}$/, "must be 1 to 64 letters, digits, '.', '_', '-' or '@'")
    .refine((v) => v.toLowerCase() !== 'admin', 'is reserved for the organisation admin identity'),
  org: z.string().min(1),
  role: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a lower-case role name such as citizen or registrar'),
});
