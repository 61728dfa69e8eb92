import * as x509 from '@peculiar/x509';
import { createPrivateKey, createPublicKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { OrganizationDefinition } from '../consortium/consortium-schema';
import { IdentityError } from './identity-error';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** Role of an identity as Fabric's NodeOUs classify it, carried in the subject's OU. */
export type NodeOU = 'client' | 'peer' | 'orderer' | 'admin';

/** A signing CA issues enrollment certificates; a TLS CA issues the certificates nodes serve TLS with. */
export type CertificateAuthorityKind = 'ca' | 'tlsca';

/** What to put into a certificate issued by a {@link CertificateAuthority}. */
export interface CertificateRequest {
  commonName: string;
  nodeOU: NodeOU;
  /** Fabric CA attributes, readable in chaincode through `ClientIdentity.getAttributeValue`. */
  attributes?: Record<string, string>;
  /** DNS names or IP addresses for the subject alternative names (TLS). */
  hostnames?: string[];
  /** Defaults to {@link DEFAULT_VALIDITY_DAYS}. */
  validityDays?: number;
}

/** A freshly issued certificate with the private key generated for it. */
export interface IssuedCertificate {
  certificatePem: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
}

/** OID under which Fabric CA stores attributes and fabric-shim's `ClientIdentity` looks for them. */
export const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';
export const DEFAULT_VALIDITY_DAYS = 365;
/** cryptogen's CA lifetime; CA rotation is a channel config update, so it should be rare. */
const CA_VALIDITY_DAYS = 3650;
/** Backdating absorbs clock skew between the machine that issues and the one that validates. */
const BACKDATE_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const EC_KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' };

/** Locality fields like cryptogen's; Fabric ignores them but tools expect the familiar shape. */
const SUBJECT_LOCALITY: x509.JsonName = [{ C: ['US'] }, { ST: ['California'] }, { L: ['San Francisco'] }];

/**
 * One organization's certificate authority (signing CA or TLS CA), kept as a key and a
 * self-signed certificate like cryptogen produces, so Fabric tools accept what it issues.
 *
 * @example
 * ```ts
 * const ca = await CertificateAuthority.create(org, 'ca');
 * const { certificatePem, privateKeyPem } = await ca.issue({
 *   commonName: 'alice',
 *   nodeOU: 'client',
 *   attributes: { role: 'registrar' },
 * });
 * ```
 */
export class CertificateAuthority {
  private signingKey?: Promise<webcrypto.CryptoKey>;

  private constructor(
    /** The CA's self-signed certificate (PEM). */
    readonly certificatePem: string,
    /** The CA's private key (PKCS#8 PEM). */
    readonly privateKeyPem: string,
    readonly kind: CertificateAuthorityKind,
    private readonly certificate: x509.X509Certificate,
  ) {}

  /** Generates a new P-256 key and self-signed CA certificate named `<kind>.<domain>`. */
  static async create(
    org: Pick<OrganizationDefinition, 'mspId' | 'domain' | 'name'>,
    kind: CertificateAuthorityKind,
  ): Promise<CertificateAuthority> {
    const keys = await generateKeyPair();
    const now = Date.now();
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerialNumber(),
      name: [...SUBJECT_LOCALITY, { O: [org.domain] }, { CN: [`${kind}.${org.domain}`] }],
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + CA_VALIDITY_DAYS * DAY_MS),
      signingAlgorithm: SIGNING_ALGORITHM,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature |
            x509.KeyUsageFlags.keyEncipherment |
            x509.KeyUsageFlags.keyCertSign |
            x509.KeyUsageFlags.cRLSign,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([
          x509.ExtendedKeyUsage.clientAuth,
          x509.ExtendedKeyUsage.serverAuth,
        ]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const privateKeyPem = await exportPrivateKeyPem(keys.privateKey);
    const ca = new CertificateAuthority(toPem(certificate), privateKeyPem, kind, certificate);
    ca.signingKey = Promise.resolve(keys.privateKey);
    return ca;
  }

  /**
   * Loads a CA saved earlier. The kind defaults to what the certificate's CN says (`tlsca.` prefix
   * for a TLS CA), which holds for every CA this class creates.
   *
   * @throws IdentityError when the certificate is not a CA or the key does not belong to it.
   */
  static fromPem(
    certificatePem: string,
    privateKeyPem: string,
    kind?: CertificateAuthorityKind,
  ): CertificateAuthority {
    let nodeCertificate: X509Certificate;
    let certificate: x509.X509Certificate;
    try {
      nodeCertificate = new X509Certificate(certificatePem);
      certificate = new x509.X509Certificate(certificatePem);
    } catch (cause) {
      throw new IdentityError(
        'MALFORMED_CERTIFICATE',
        'CA certificate is not a valid PEM X.509 certificate',
        {
          cause,
        },
      );
    }
    if (!nodeCertificate.ca) {
      throw new IdentityError('MALFORMED_CERTIFICATE', `${nodeCertificate.subject} is not a CA certificate`);
    }
    assertKeyMatchesCertificate(privateKeyPem, nodeCertificate);
    const commonName = certificate.subjectName.getField('CN')[0] ?? '';
    const resolvedKind = kind ?? (commonName.startsWith('tlsca.') ? 'tlsca' : 'ca');
    return new CertificateAuthority(certificatePem, privateKeyPem, resolvedKind, certificate);
  }

  /** The domain (subject O) of the organization this CA belongs to. */
  get domain(): string {
    return this.certificate.subjectName.getField('O')[0] ?? '';
  }

  /**
   * Generates a P-256 key pair and a certificate for it signed by this CA. Certificates from a
   * TLS CA get serverAuth+clientAuth, so one certificate serves both ends of mutual TLS.
   */
  async issue(request: CertificateRequest): Promise<IssuedCertificate> {
    const validityDays = request.validityDays ?? DEFAULT_VALIDITY_DAYS;
    if (!(validityDays > 0)) throw new RangeError(`validityDays must be positive, got ${validityDays}`);
    const keys = await generateKeyPair();
    const now = Date.now();
    const isTls = this.kind === 'tlsca';

    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        isTls
          ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
          : x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      new x509.AuthorityKeyIdentifierExtension(await this.keyIdentifier()),
    ];
    if (isTls) {
      extensions.push(
        new x509.ExtendedKeyUsageExtension([
          x509.ExtendedKeyUsage.serverAuth,
          x509.ExtendedKeyUsage.clientAuth,
        ]),
      );
    }
    if (request.hostnames?.length) {
      extensions.push(
        new x509.SubjectAlternativeNameExtension(
          request.hostnames.map((hostname) => ({ type: isIP(hostname) ? 'ip' : 'dns', value: hostname })),
        ),
      );
    }
    const attributes = request.attributes ?? {};
    if (Object.keys(attributes).length > 0) {
      extensions.push(new x509.Extension(FABRIC_ATTRIBUTES_OID, false, encodeAttributes(attributes)));
    }

    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerialNumber(),
      subject: [
        ...SUBJECT_LOCALITY,
        { O: [this.domain] },
        { OU: [request.nodeOU] },
        { CN: [request.commonName] },
      ],
      // The issuer must equal the CA subject byte for byte, so reuse the parsed name as is.
      issuer: this.certificate.subjectName,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + validityDays * DAY_MS),
      signingAlgorithm: SIGNING_ALGORITHM,
      publicKey: keys.publicKey,
      signingKey: await this.getSigningKey(),
      extensions,
    });
    return { certificatePem: toPem(certificate), privateKeyPem: await exportPrivateKeyPem(keys.privateKey) };
  }

  private getSigningKey(): Promise<webcrypto.CryptoKey> {
    // WebCrypto import is async, so it happens on first use rather than in the synchronous fromPem.
    this.signingKey ??= webcrypto.subtle.importKey(
      'pkcs8',
      createPrivateKey(this.privateKeyPem).export({ format: 'der', type: 'pkcs8' }),
      EC_KEY_ALGORITHM,
      false,
      ['sign'],
    );
    return this.signingKey;
  }

  private async keyIdentifier(): Promise<string> {
    const existing = this.certificate.getExtension(x509.SubjectKeyIdentifierExtension);
    if (existing) return existing.keyId;
    return (await x509.SubjectKeyIdentifierExtension.create(this.certificate.publicKey)).keyId;
  }
}

/**
 * Fabric CA stores attributes as the raw UTF-8 bytes of `{"attrs":{...}}` (not wrapped in an
 * ASN.1 string) and fabric-shim parses exactly that. Keys are sorted, as Go's JSON encoder does.
 */
function encodeAttributes(attributes: Record<string, string>): Buffer {
  const sorted = Object.fromEntries(
    Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return Buffer.from(JSON.stringify({ attrs: sorted }), 'utf8');
}

function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(EC_KEY_ALGORITHM, true, [
    'sign',
    'verify',
  ]) as Promise<webcrypto.CryptoKeyPair>;
}

async function exportPrivateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();
}

/**
 * A positive 128-bit serial; the top byte is kept in 0x40..0x7f so the DER integer needs neither
 * a sign byte nor has a leading zero, which strict parsers (Go's) would refuse.
 */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x3f) | 0x40;
  return bytes.toString('hex');
}

function toPem(certificate: x509.X509Certificate): string {
  const pem = certificate.toString('pem').replace(/\r\n/g, '\n');
  return pem.endsWith('\n') ? pem : pem + '\n';
}

/** @throws IdentityError when `privateKeyPem` is not the key of `certificate`. */
export function assertKeyMatchesCertificate(privateKeyPem: string, certificate: X509Certificate): void {
  const fromKey = createPublicKey(createPrivateKey(privateKeyPem)).export({ format: 'der', type: 'spki' });
  const fromCertificate = certificate.publicKey.export({ format: 'der', type: 'spki' });
  if (!fromKey.equals(fromCertificate)) {
    throw new IdentityError(
      'KEY_MISMATCH',
      `private key does not belong to certificate ${certificate.subject}`,
    );
  }
}
