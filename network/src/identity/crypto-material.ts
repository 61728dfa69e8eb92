import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsortiumDefinition, OrganizationDefinition } from '../consortium/consortium-schema';
import { CertificateAuthority, CertificateAuthorityKind, NodeOU } from './certificate-authority';
import { IdentityError } from './identity-error';
import { MembershipServiceProvider } from './msp';
import {
  readCaFolder,
  readMspFolder,
  readTlsFolder,
  writeCaFolder,
  writeLocalMsp,
  writeOrganizationMsp,
  writeTlsFolder,
} from './msp-folder';
import { SigningIdentity } from './signing-identity';

/** A peer or orderer with its enrollment identity and TLS server credentials. */
export interface NodeCrypto {
  /** Node name from the consortium definition, e.g. `peer0`. */
  name: string;
  /** `<name>.<domain>`: the certificate CN and the TLS host name. */
  hostname: string;
  identity: SigningIdentity;
  tlsCertificatePem: string;
  tlsPrivateKeyPem: string;
}

/** Everything cryptographic about one organization. */
export interface OrganizationCrypto {
  mspId: string;
  domain: string;
  /** The cryptogen-style folder holding this organization's material. */
  directory: string;
  ca: CertificateAuthority;
  tlsCa: CertificateAuthority;
  msp: MembershipServiceProvider;
  /** `Admin@<domain>`, with OU=admin. */
  admin: SigningIdentity;
  peers: NodeCrypto[];
  orderers: NodeCrypto[];
}

/**
 * The consortium's keys and certificates, generated once and kept on disk.
 *
 * @example
 * ```ts
 * const material = await ensureCryptoMaterial(consortium, dataDir);
 * const city = material.organization('CityMSP');
 * const alice = await material.enrollUser('CityMSP', 'alice', { role: 'registrar' });
 * ```
 */
export interface CryptoMaterial {
  /** Root folder (the one holding `peerOrganizations/` and `ordererOrganizations/`). */
  readonly directory: string;
  /** @throws IdentityError (`UNKNOWN_MSP`) naming the MSP ID when it is not in the consortium. */
  organization(mspId: string): OrganizationCrypto;
  /** All organizations, in consortium order. */
  organizations(): OrganizationCrypto[];
  /**
   * Returns a client identity (OU=client) for `userId` whose certificate carries `attributes`
   * plus `hf.EnrollmentID` = userId, as Fabric CA issues it. The identity is persisted under
   * `users/<userId>@<domain>/msp`. Enrolling again with the same attributes returns the stored
   * identity; different attributes, or an expired certificate, cause a new certificate and key.
   *
   * @throws IdentityError (`UNKNOWN_MSP`, `INVALID_USER_ID`, `INVALID_ATTRIBUTE`).
   */
  enrollUser(mspId: string, userId: string, attributes: Record<string, string>): Promise<SigningIdentity>;
}

/** Node and admin certificates live as long as cryptogen's, so a long-lived network does not expire. */
const NODE_VALIDITY_DAYS = 3650;
const USER_ID_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
const ATTRIBUTE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;
const MAX_ATTRIBUTE_VALUE_LENGTH = 1024;
const ENROLLMENT_ID_ATTRIBUTE = 'hf.EnrollmentID';
const ADMIN_USER = 'Admin';

/**
 * Makes sure `dir` holds cryptogen-style material for every organization of the consortium and
 * loads it. Existing keys are never replaced: only what is missing (an organization or node added
 * to the consortium) is generated, so restarting a network keeps its identities.
 *
 * @throws IdentityError when stored material is inconsistent, e.g. a node certificate that its
 * organization's CA did not issue.
 */
export async function ensureCryptoMaterial(
  consortium: ConsortiumDefinition,
  dir: string,
): Promise<CryptoMaterial> {
  const organizations = await Promise.all(
    consortium.organizations.map((org) => ensureOrganization(org, dir)),
  );
  return new StoredCryptoMaterial(dir, organizations);
}

async function ensureOrganization(org: OrganizationDefinition, root: string): Promise<OrganizationCrypto> {
  const directory = organizationDirectory(org, root);
  const ca = await ensureCa(org, directory, 'ca');
  const tlsCa = await ensureCa(org, directory, 'tlsca');
  const orgMsp = join(directory, 'msp');
  if (readMspFolder(orgMsp) === undefined) {
    writeOrganizationMsp(orgMsp, {
      domain: org.domain,
      caCertificatePem: ca.certificatePem,
      tlsCaCertificatePem: tlsCa.certificatePem,
    });
  }
  const msp = new MembershipServiceProvider(org.mspId, ca.certificatePem);
  const context: OrganizationContext = { mspId: org.mspId, domain: org.domain, directory, ca, tlsCa, msp };
  const admin = await ensureSigningIdentity(
    context,
    join(directory, 'users', `${ADMIN_USER}@${org.domain}`),
    {
      commonName: `${ADMIN_USER}@${org.domain}`,
      nodeOU: 'admin',
    },
  );
  const peers = await Promise.all(org.peers.map((name) => ensureNode(context, 'peer', name)));
  const orderers = await Promise.all(org.orderers.map((name) => ensureNode(context, 'orderer', name)));
  return { mspId: org.mspId, domain: org.domain, directory, ca, tlsCa, msp, admin, peers, orderers };
}

/**
 * cryptogen keeps ordering-only organizations apart from peer organizations; an organization that
 * already has a folder keeps it even if its role in the consortium changes.
 */
function organizationDirectory(org: OrganizationDefinition, root: string): string {
  const candidates = [
    join(root, 'peerOrganizations', org.domain),
    join(root, 'ordererOrganizations', org.domain),
  ];
  const existing = candidates.find((candidate) => existsSync(candidate));
  if (existing) return existing;
  return org.peers.length === 0 && org.orderers.length > 0 ? candidates[1] : candidates[0];
}

async function ensureCa(
  org: OrganizationDefinition,
  orgDirectory: string,
  kind: CertificateAuthorityKind,
): Promise<CertificateAuthority> {
  const caDirectory = join(orgDirectory, kind);
  const certificateFileName = `${kind}.${org.domain}-cert.pem`;
  const stored = readCaFolder(caDirectory, certificateFileName);
  if (stored) return CertificateAuthority.fromPem(stored.certificatePem, stored.privateKeyPem, kind);
  const ca = await CertificateAuthority.create(org, kind);
  writeCaFolder(caDirectory, {
    certificateFileName,
    certificatePem: ca.certificatePem,
    privateKeyPem: ca.privateKeyPem,
  });
  return ca;
}

/** What issuing and loading an organization's identities needs; an OrganizationCrypto is one. */
type OrganizationContext = Pick<
  OrganizationCrypto,
  'mspId' | 'domain' | 'directory' | 'ca' | 'tlsCa' | 'msp'
>;

async function ensureNode(
  context: OrganizationContext,
  kind: 'peer' | 'orderer',
  name: string,
): Promise<NodeCrypto> {
  const hostname = `${name}.${context.domain}`;
  const nodeDirectory = join(context.directory, `${kind}s`, hostname);
  const identity = await ensureSigningIdentity(context, nodeDirectory, {
    commonName: hostname,
    nodeOU: kind,
  });
  const tlsDirectory = join(nodeDirectory, 'tls');
  let tls = readTlsFolder(tlsDirectory);
  if (!tls) {
    const issued = await context.tlsCa.issue({
      commonName: hostname,
      nodeOU: kind,
      // Nodes run as local processes, so clients also reach them as localhost.
      hostnames: [hostname, name, 'localhost', '127.0.0.1'],
      validityDays: NODE_VALIDITY_DAYS,
    });
    tls = { caCertificatePem: context.tlsCa.certificatePem, ...issued };
    writeTlsFolder(tlsDirectory, tls);
  }
  return {
    name,
    hostname,
    identity,
    tlsCertificatePem: tls.certificatePem,
    tlsPrivateKeyPem: tls.privateKeyPem,
  };
}

/** Loads the identity in `<ownerDirectory>/msp`, issuing it first when the folder is incomplete. */
async function ensureSigningIdentity(
  context: OrganizationContext,
  ownerDirectory: string,
  subject: { commonName: string; nodeOU: NodeOU },
): Promise<SigningIdentity> {
  const mspDirectory = join(ownerDirectory, 'msp');
  const stored = loadSigningIdentity(context, mspDirectory);
  if (stored) {
    const { role } = context.msp.validateIdentity(stored.certificatePem);
    if (role !== subject.nodeOU) {
      throw new IdentityError(
        'NO_NODE_OU',
        `${mspDirectory} holds a ${role} certificate, expected ${subject.nodeOU}`,
      );
    }
    return stored;
  }
  const issued = await context.ca.issue({ ...subject, validityDays: NODE_VALIDITY_DAYS });
  return persistIdentity(context, mspDirectory, subject.commonName, issued);
}

/** @returns undefined when no complete identity (certificate and key) is stored. */
function loadSigningIdentity(
  context: OrganizationContext,
  mspDirectory: string,
): SigningIdentity | undefined {
  const folder = readMspFolder(mspDirectory);
  if (!folder?.certificatePem || !folder.privateKeyPem) return undefined;
  try {
    return SigningIdentity.fromPem(context.mspId, folder.certificatePem, folder.privateKeyPem);
  } catch (err) {
    if (err instanceof IdentityError) {
      throw new IdentityError(err.code, `${mspDirectory}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

function persistIdentity(
  context: OrganizationContext,
  mspDirectory: string,
  name: string,
  issued: { certificatePem: string; privateKeyPem: string },
): SigningIdentity {
  writeLocalMsp(mspDirectory, {
    name,
    domain: context.domain,
    caCertificatePem: context.ca.certificatePem,
    tlsCaCertificatePem: context.tlsCa.certificatePem,
    ...issued,
  });
  return SigningIdentity.fromPem(context.mspId, issued.certificatePem, issued.privateKeyPem);
}

class StoredCryptoMaterial implements CryptoMaterial {
  private readonly byMspId: Map<string, OrganizationCrypto>;
  /** Enrolled users kept in memory, so a gateway enrolling on every request does not touch the disk. */
  private readonly users = new Map<string, SigningIdentity>();
  /** One enrollment at a time per user, so concurrent requests cannot issue two certificates. */
  private readonly enrolling = new Map<string, Promise<SigningIdentity>>();

  constructor(
    readonly directory: string,
    private readonly list: OrganizationCrypto[],
  ) {
    this.byMspId = new Map(list.map((org) => [org.mspId, org]));
  }

  organization(mspId: string): OrganizationCrypto {
    const org = this.byMspId.get(mspId);
    if (!org) {
      const known = [...this.byMspId.keys()].join(', ');
      throw new IdentityError('UNKNOWN_MSP', `unknown MSP ID "${mspId}"; the consortium has ${known}`);
    }
    return org;
  }

  organizations(): OrganizationCrypto[] {
    return [...this.list];
  }

  async enrollUser(
    mspId: string,
    userId: string,
    attributes: Record<string, string>,
  ): Promise<SigningIdentity> {
    const org = this.organization(mspId);
    validateUserId(userId);
    validateAttributes(attributes);
    const wanted = { ...attributes, [ENROLLMENT_ID_ATTRIBUTE]: userId };
    const key = `${mspId}\u0000${userId}`;
    const previous = this.enrolling.get(key) ?? Promise.resolve(undefined);
    const current = previous.catch(() => undefined).then(() => this.enrollNow(org, key, userId, wanted));
    this.enrolling.set(key, current);
    try {
      return await current;
    } finally {
      if (this.enrolling.get(key) === current) this.enrolling.delete(key);
    }
  }

  private async enrollNow(
    org: OrganizationCrypto,
    key: string,
    userId: string,
    attributes: Record<string, string>,
  ): Promise<SigningIdentity> {
    const mspDirectory = join(org.directory, 'users', `${userId}@${org.domain}`, 'msp');
    const current = this.users.get(key) ?? this.loadUser(org, mspDirectory);
    if (current && this.isCurrentEnrollment(org, current, attributes)) {
      this.users.set(key, current);
      return current;
    }
    const issued = await org.ca.issue({ commonName: userId, nodeOU: 'client', attributes });
    const identity = persistIdentity(org, mspDirectory, userId, issued);
    this.users.set(key, identity);
    return identity;
  }

  /** A stored user that cannot be loaded (e.g. a crash mid re-enrollment) is simply enrolled anew. */
  private loadUser(context: OrganizationContext, mspDirectory: string): SigningIdentity | undefined {
    try {
      return loadSigningIdentity(context, mspDirectory);
    } catch (err) {
      if (err instanceof IdentityError) return undefined;
      throw err;
    }
  }

  private isCurrentEnrollment(
    org: OrganizationCrypto,
    identity: SigningIdentity,
    attributes: Record<string, string>,
  ): boolean {
    let validated;
    try {
      validated = org.msp.validateIdentity(identity.certificatePem);
    } catch (err) {
      // Expired or issued by a CA that has since been replaced: re-enroll.
      if (err instanceof IdentityError) return false;
      throw err;
    }
    return validated.role === 'client' && sameAttributes(validated.attributes, attributes);
  }
}

function validateUserId(userId: string): void {
  if (typeof userId !== 'string' || !USER_ID_PATTERN.test(userId)) {
    throw new IdentityError(
      'INVALID_USER_ID',
      `userId ${JSON.stringify(userId)} must be 1 to 64 letters, digits, '.', '_', '-' or '@'`,
    );
  }
  // Case-insensitive because the folder users/admin@<domain> would be the admin's on some file systems.
  if (userId.toLowerCase() === ADMIN_USER.toLowerCase()) {
    throw new IdentityError('INVALID_USER_ID', `userId "${userId}" is reserved for the organization's admin`);
  }
}

function validateAttributes(attributes: Record<string, string>): void {
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    throw new IdentityError(
      'INVALID_ATTRIBUTE',
      'attributes must be an object of attribute names to string values',
    );
  }
  for (const [name, value] of Object.entries(attributes)) {
    if (!ATTRIBUTE_NAME_PATTERN.test(name)) {
      throw new IdentityError(
        'INVALID_ATTRIBUTE',
        `attributes.${name}: an attribute name must start with a letter and have at most 64 letters, digits, '.', '_' or '-'`,
      );
    }
    // Fabric CA reserves hf.* for attributes it sets itself; a caller must not forge hf.EnrollmentID.
    if (name.startsWith('hf.')) {
      throw new IdentityError(
        'INVALID_ATTRIBUTE',
        `attributes.${name}: hf.* attributes are reserved for the CA`,
      );
    }
    if (typeof value !== 'string' || value.length > MAX_ATTRIBUTE_VALUE_LENGTH) {
      throw new IdentityError(
        'INVALID_ATTRIBUTE',
        `attributes.${name}: the value must be a string of at most ${MAX_ATTRIBUTE_VALUE_LENGTH} characters`,
      );
    }
  }
}

function sameAttributes(a: Record<string, string>, b: Record<string, string>): boolean {
  const aKeys = Object.keys(a);
  return (
    aKeys.length === Object.keys(b).length &&
    aKeys.every((name) => Object.hasOwn(b, name) && a[name] === b[name])
  );
}
