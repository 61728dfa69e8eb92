import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CryptoMaterial } from '@cityledger/network';
import type { Caller } from '../auth/caller';

/** The certificate attributes a caller's ledger identity carries: `role`, and `did` when the token has one. */
export function ledgerAttributesOf(caller: Caller): Record<string, string> {
  return { role: caller.role, ...(caller.did ? { did: caller.did } : {}) };
}

/** `x509::<subject DN>::<issuer DN>` exactly as fabric-shim's `ClientIdentity.getID()` forms it. */
export function x509IdentityId(certificatePem: string): string {
  const certificate = new X509Certificate(certificatePem);
  const dn = (name: string) =>
    name
      .split('\n')
      .map((attribute) => `/${attribute.replace('/', '\\/')}`)
      .join('');
  return `x509::${dn(certificate.subject)}::${dn(certificate.issuer)}`;
}

/**
 * The id chaincode sees for a user of an organisation, from the certificate in the wallet of the
 * consortium's crypto material — the same material whichever ledger runs behind the connector.
 */
export async function clientIdentityIdOf(
  crypto: CryptoMaterial,
  mspId: string,
  userId: string,
): Promise<string> {
  const org = crypto.organization(mspId);
  const stored = join(org.directory, 'users', `${userId}@${org.domain}`, 'msp', 'signcerts');
  const certificate = existsSync(join(stored, `${userId}-cert.pem`))
    ? readFileSync(join(stored, `${userId}-cert.pem`), 'utf8')
    : // Never seen: enrol without attributes; the user's first call re-issues the certificate
      // with their role, under the same subject and issuer, so the id stays the same.
      (await crypto.enrollUser(mspId, userId, {})).certificatePem;
  return x509IdentityId(certificate);
}
