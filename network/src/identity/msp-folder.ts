import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** CA certificates every MSP folder of an organization carries. */
export interface OrganizationMspFiles {
  domain: string;
  caCertificatePem: string;
  tlsCaCertificatePem: string;
}

/** A node's or user's own MSP folder: the organization's CAs plus its signing certificate and key. */
export interface LocalMspFiles extends OrganizationMspFiles {
  /** File name stem of the signing certificate, e.g. `peer0.city.example` or `Admin@city.example`. */
  name: string;
  certificatePem: string;
  privateKeyPem: string;
}

/** A cryptogen `tls/` folder. */
export interface TlsFiles {
  caCertificatePem: string;
  certificatePem: string;
  privateKeyPem: string;
}

/** A CA's own folder (`ca/` or `tlsca/`): its certificate and private key. */
export interface CaFiles {
  /** File name of the certificate, e.g. `ca.city.example-cert.pem`. */
  certificateFileName: string;
  certificatePem: string;
  privateKeyPem: string;
}

/** What {@link readMspFolder} finds; signer fields are absent in an organization-level MSP. */
export interface MspFolderContents {
  caCertificatePem: string;
  tlsCaCertificatePem?: string;
  certificatePem?: string;
  privateKeyPem?: string;
  nodeOUsEnabled: boolean;
}

const PRIVATE_KEY_FILE = 'priv_sk';
const PRIVATE_FILE_MODE = 0o600;
const PUBLIC_FILE_MODE = 0o644;

/**
 * Writes an organization-level MSP folder (`cacerts/`, `tlscacerts/`, `config.yaml`): what a
 * channel configuration needs to know about an organization, with no private material.
 */
export function writeOrganizationMsp(mspDir: string, files: OrganizationMspFiles): void {
  const caFile = `ca.${files.domain}-cert.pem`;
  writeFileAtomic(join(mspDir, 'cacerts', caFile), files.caCertificatePem, PUBLIC_FILE_MODE);
  writeFileAtomic(
    join(mspDir, 'tlscacerts', `tlsca.${files.domain}-cert.pem`),
    files.tlsCaCertificatePem,
    PUBLIC_FILE_MODE,
  );
  writeFileAtomic(join(mspDir, 'config.yaml'), nodeOUsConfig(`cacerts/${caFile}`), PUBLIC_FILE_MODE);
}

/**
 * Writes a local MSP folder as cryptogen does: the organization MSP plus `keystore/priv_sk` and
 * `signcerts/<name>-cert.pem`. The certificate is written last, so its presence means the folder
 * is complete; a crash earlier leaves a key that no certificate vouches for.
 */
export function writeLocalMsp(mspDir: string, files: LocalMspFiles): void {
  writeOrganizationMsp(mspDir, files);
  writeFileAtomic(join(mspDir, 'keystore', PRIVATE_KEY_FILE), files.privateKeyPem, PRIVATE_FILE_MODE);
  writeFileAtomic(
    join(mspDir, 'signcerts', `${files.name}-cert.pem`),
    files.certificatePem,
    PUBLIC_FILE_MODE,
  );
}

/**
 * Reads an organization-level or local MSP folder.
 *
 * @returns undefined when the folder has no CA certificate (it does not exist yet).
 */
export function readMspFolder(mspDir: string): MspFolderContents | undefined {
  const caCertificatePem = readFirstFile(join(mspDir, 'cacerts'), (f) => f.endsWith('.pem'));
  if (caCertificatePem === undefined) return undefined;
  const certificatePem = readFirstFile(join(mspDir, 'signcerts'), (f) => f.endsWith('.pem'));
  // cryptogen names the key priv_sk; Fabric CA clients name it <SKI>_sk.
  const privateKeyPem = readFirstFile(join(mspDir, 'keystore'), (f) => f.endsWith('_sk'));
  const configPath = join(mspDir, 'config.yaml');
  return {
    caCertificatePem,
    tlsCaCertificatePem: readFirstFile(join(mspDir, 'tlscacerts'), (f) => f.endsWith('.pem')),
    certificatePem,
    privateKeyPem,
    nodeOUsEnabled:
      existsSync(configPath) && /^\s*Enable:\s*true\s*$/m.test(readFileSync(configPath, 'utf8')),
  };
}

/** Writes a cryptogen `tls/` folder (`ca.crt`, `server.key`, then `server.crt` as completion mark). */
export function writeTlsFolder(tlsDir: string, files: TlsFiles): void {
  writeFileAtomic(join(tlsDir, 'ca.crt'), files.caCertificatePem, PUBLIC_FILE_MODE);
  writeFileAtomic(join(tlsDir, 'server.key'), files.privateKeyPem, PRIVATE_FILE_MODE);
  writeFileAtomic(join(tlsDir, 'server.crt'), files.certificatePem, PUBLIC_FILE_MODE);
}

/** @returns undefined unless the `tls/` folder is complete. */
export function readTlsFolder(tlsDir: string): TlsFiles | undefined {
  const read = (file: string) => readOptional(join(tlsDir, file));
  const caCertificatePem = read('ca.crt');
  const certificatePem = read('server.crt');
  const privateKeyPem = read('server.key');
  if (caCertificatePem === undefined || certificatePem === undefined || privateKeyPem === undefined)
    return undefined;
  return { caCertificatePem, certificatePem, privateKeyPem };
}

/** Writes a CA folder like cryptogen's `ca/` and `tlsca/`: the key first, the certificate last. */
export function writeCaFolder(caDir: string, files: CaFiles): void {
  writeFileAtomic(join(caDir, PRIVATE_KEY_FILE), files.privateKeyPem, PRIVATE_FILE_MODE);
  writeFileAtomic(join(caDir, files.certificateFileName), files.certificatePem, PUBLIC_FILE_MODE);
}

/** @returns undefined unless both the certificate and the key are present. */
export function readCaFolder(caDir: string, certificateFileName: string): CaFiles | undefined {
  const certificatePem = readOptional(join(caDir, certificateFileName));
  const privateKeyPem = readOptional(join(caDir, PRIVATE_KEY_FILE));
  if (certificatePem === undefined || privateKeyPem === undefined) return undefined;
  return { certificateFileName, certificatePem, privateKeyPem };
}

/** NodeOUs let Fabric tell clients, peers, orderers and admins apart by the OU of their certificate. */
function nodeOUsConfig(caCertificatePath: string): string {
  const identifier = (ou: string) => ({ Certificate: caCertificatePath, OrganizationalUnitIdentifier: ou });
  return stringify({
    NodeOUs: {
      Enable: true,
      ClientOUIdentifier: identifier('client'),
      PeerOUIdentifier: identifier('peer'),
      AdminOUIdentifier: identifier('admin'),
      OrdererOUIdentifier: identifier('orderer'),
    },
  });
}

/**
 * Replaces `path` in one step (write a temporary file, fsync, rename) so a crash never leaves a
 * truncated certificate or key that a later run would load. The mode is set at creation, so a
 * private key is never readable by others, not even briefly.
 */
function writeFileAtomic(path: string, content: string, mode: number): void {
  const dir = join(path, '..');
  mkdirSync(dir, { recursive: true, mode: mode === PRIVATE_FILE_MODE ? 0o700 : 0o755 });
  const temporary = `${path}.${process.pid}.tmp`;
  // A leftover from a crashed run would keep its old mode if reopened, so start from nothing.
  rmSync(temporary, { force: true });
  const fd = openSync(temporary, 'w', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function readFirstFile(dir: string, accept: (fileName: string) => boolean): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const fileName = entries.filter(accept).sort()[0];
  return fileName === undefined ? undefined : readFileSync(join(dir, fileName), 'utf8');
}
