/**
 * The lifecycle chaincode package format shared by every package kind: a gzip tar holding
 * `metadata.json` and `code.tar.gz`. Fabric derives the package id from the bytes of this file.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

import { ChaincodePackageError } from './errors';
import { tarGz, type ArchiveFile } from './tar-archive';

/** A chaincode package written to disk. */
export interface ChaincodePackage {
  /** Absolute path of the package file. */
  file: string;
  label: string;
  /** `<label>:<sha256 of the file>`, what `peer lifecycle chaincode calculatepackageid` prints. */
  packageId: string;
}

/** `metadata.json`; the key order is part of the package bytes, so it is fixed here. */
export type PackageMetadata =
  { type: 'ccaas'; label: string } | { path: string; type: 'node'; label: string };

// Fabric's own rule for labels (core/chaincode/persistence: LabelRegexp).
const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;
// Fabric's rule for chaincode definition names.
const CHAINCODE_NAME = /^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$/;

/** Writes the package of `metadata` whose code archive holds `codeFiles`. */
export async function writeChaincodePackage(
  outFile: string,
  metadata: PackageMetadata,
  codeFiles: readonly ArchiveFile[],
): Promise<ChaincodePackage> {
  assertLabel(metadata.label);
  const bytes = tarGz([
    { path: 'metadata.json', content: JSON.stringify(metadata) },
    { path: 'code.tar.gz', content: tarGz(codeFiles) },
  ]);
  const file = resolve(outFile);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, bytes);
  return { file, label: metadata.label, packageId: packageIdOf(metadata.label, bytes) };
}

/** The id a peer gives the package `bytes` labelled `label`. */
export function packageIdOf(label: string, bytes: Buffer): string {
  return `${label}:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function assertLabel(label: string): void {
  if (!LABEL.test(label)) {
    throw new ChaincodePackageError(
      'INVALID_ARGUMENT',
      `invalid chaincode package label ${JSON.stringify(label)}: Fabric accepts letters, digits and _.+- ` +
        'and a letter or digit first',
    );
  }
}

export function assertChaincodeName(name: string): void {
  if (!CHAINCODE_NAME.test(name)) {
    throw new ChaincodePackageError(
      'INVALID_ARGUMENT',
      `invalid chaincode name ${JSON.stringify(name)}: Fabric accepts letters and digits joined by - or _`,
    );
  }
}
