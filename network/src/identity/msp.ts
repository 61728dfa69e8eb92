import * as x509 from '@peculiar/x509';
import { KeyObject, X509Certificate } from 'node:crypto';
import { FABRIC_ATTRIBUTES_OID, NodeOU } from './certificate-authority';
import { IdentityError } from './identity-error';

export { IdentityError } from './identity-error';

/** What an MSP knows about a certificate it has accepted as one of its identities. */
export interface ValidatedIdentity {
  mspId: string;
  role: NodeOU;
  commonName: string;
  /** Fabric CA attributes from the certificate; empty when it carries none. */
  attributes: Record<string, string>;
  /** Cached key for verifying this identity's signatures without re-parsing the certificate. */
  publicKey: KeyObject;
  certificatePem: string;
}

/** Tuning and test hooks for a {@link MembershipServiceProvider}. */
export interface MembershipServiceProviderOptions {
  /** Time source for validity checks; tests inject a fixed clock. Defaults to the system clock. */
  clock?: () => Date;
  /** Most certificates whose validation result is kept. Defaults to 10 000. */
  cacheSize?: number;
}

interface CachedIdentity {
  identity: ValidatedIdentity;
  notBefore: number;
  notAfter: number;
}

const NODE_OUS: readonly NodeOU[] = ['client', 'peer', 'orderer', 'admin'];

/**
 * The verifying half of one organization's Fabric MSP: decides whether a certificate is an
 * identity of this organization and which NodeOU role it has.
 *
 * Signature checks are done once per distinct certificate and remembered, because every
 * transaction carries its creator's and endorsers' certificates; only the validity window is
 * re-checked on each call, so a cached certificate still expires on time.
 *
 * @example
 * ```ts
 * const msp = new MembershipServiceProvider('CityMSP', caCertificatePem);
 * const creator = msp.validateIdentity(certificatePem);
 * if (!verifyMessage(creator.publicKey, payload, signature)) throw new Error('bad signature');
 * ```
 */
export class MembershipServiceProvider {
  private readonly caCertificate: X509Certificate;
  private readonly caPublicKey: KeyObject;
  private readonly clock: () => Date;
  private readonly cacheSize: number;
  private readonly cache = new Map<string, CachedIdentity>();

  /** @throws IdentityError when `caCertificatePem` is not a CA certificate. */
  constructor(
    readonly mspId: string,
    readonly caCertificatePem: string,
    options: MembershipServiceProviderOptions = {},
  ) {
    try {
      this.caCertificate = new X509Certificate(caCertificatePem);
    } catch (cause) {
      throw new IdentityError('MALFORMED_CERTIFICATE', `${mspId}: CA certificate is not valid PEM X.509`, {
        cause,
      });
    }
    if (!this.caCertificate.ca) {
      throw new IdentityError('MALFORMED_CERTIFICATE', `${mspId}: ${this.caCertificate.subject} is not a CA`);
    }
    this.caPublicKey = this.caCertificate.publicKey;
    this.clock = options.clock ?? (() => new Date());
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  /**
   * Accepts `certificatePem` as an identity of this MSP or says why not.
   *
   * @throws IdentityError with code `MALFORMED_CERTIFICATE`, `NOT_ISSUED_BY_MSP`,
   * `CA_CERTIFICATE`, `NOT_YET_VALID`, `EXPIRED` or `NO_NODE_OU`.
   */
  validateIdentity(certificatePem: string): ValidatedIdentity {
    const cached = this.cache.get(certificatePem) ?? this.validateAndRemember(certificatePem);
    this.checkValidityWindow(cached);
    return cached.identity;
  }

  private validateAndRemember(certificatePem: string): CachedIdentity {
    const entry = this.validateChainAndRole(certificatePem);
    if (this.cache.size >= this.cacheSize) {
      // Maps iterate in insertion order, so this drops the oldest entry.
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(certificatePem, entry);
    return entry;
  }

  private validateChainAndRole(certificatePem: string): CachedIdentity {
    let certificate: X509Certificate;
    let parsed: x509.X509Certificate;
    try {
      certificate = new X509Certificate(certificatePem);
      parsed = new x509.X509Certificate(certificatePem);
    } catch (cause) {
      throw new IdentityError('MALFORMED_CERTIFICATE', `${this.mspId}: not a valid PEM X.509 certificate`, {
        cause,
      });
    }
    const subject = certificate.subject.replace(/\n/g, ', ');
    // checkIssued compares names; verify proves the CA key signed it. Both are needed: a name alone is forgeable.
    if (!certificate.checkIssued(this.caCertificate) || !certificate.verify(this.caPublicKey)) {
      throw new IdentityError('NOT_ISSUED_BY_MSP', `${subject} was not issued by the CA of ${this.mspId}`);
    }
    // Fabric refuses CA certificates as identities: a CA could otherwise act as any member.
    if (certificate.ca) {
      throw new IdentityError('CA_CERTIFICATE', `${subject} is a CA certificate and cannot be an identity`);
    }
    const role = this.nodeOU(parsed, subject);
    // Frozen because the same object is handed to every caller that presents this certificate.
    const identity: ValidatedIdentity = Object.freeze({
      mspId: this.mspId,
      role,
      commonName: parsed.subjectName.getField('CN')[0] ?? '',
      attributes: Object.freeze(this.attributes(parsed, subject)),
      publicKey: certificate.publicKey,
      certificatePem,
    });
    return { identity, notBefore: parsed.notBefore.getTime(), notAfter: parsed.notAfter.getTime() };
  }

  private nodeOU(certificate: x509.X509Certificate, subject: string): NodeOU {
    const roles = certificate.subjectName
      .getField('OU')
      .filter((ou): ou is NodeOU => NODE_OUS.includes(ou as NodeOU));
    if (roles.length !== 1) {
      const problem = roles.length === 0 ? 'has no NodeOU' : `has several NodeOUs (${roles.join(', ')})`;
      throw new IdentityError(
        'NO_NODE_OU',
        `${subject} ${problem}; ${this.mspId} requires exactly one OU of ${NODE_OUS.join(', ')}`,
      );
    }
    return roles[0];
  }

  private attributes(certificate: x509.X509Certificate, subject: string): Record<string, string> {
    const extension = certificate.getExtension(FABRIC_ATTRIBUTES_OID);
    if (!extension) return {};
    try {
      const { attrs } = JSON.parse(Buffer.from(extension.value).toString('utf8')) as { attrs?: unknown };
      if (attrs === undefined) return {};
      if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs))
        throw new Error('attrs is not an object');
      const result: Record<string, string> = {};
      for (const [name, value] of Object.entries(attrs)) {
        if (typeof value !== 'string') throw new Error(`attribute ${name} is not a string`);
        result[name] = value;
      }
      return result;
    } catch (cause) {
      throw new IdentityError(
        'MALFORMED_CERTIFICATE',
        `${subject} has an unreadable Fabric attribute extension`,
        {
          cause,
        },
      );
    }
  }

  private checkValidityWindow({ identity, notBefore, notAfter }: CachedIdentity): void {
    const now = this.clock().getTime();
    if (now < notBefore) {
      throw new IdentityError(
        'NOT_YET_VALID',
        `certificate of ${identity.commonName} (${this.mspId}) is not valid before ${new Date(notBefore).toISOString()}`,
      );
    }
    if (now > notAfter) {
      throw new IdentityError(
        'EXPIRED',
        `certificate of ${identity.commonName} (${this.mspId}) expired at ${new Date(notAfter).toISOString()}`,
      );
    }
  }
}
