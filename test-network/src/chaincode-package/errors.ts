/** Why a chaincode package could not be built; `code` lets a caller react without parsing text. */
export type ChaincodePackageErrorCode =
  /** A label, chaincode name or address that Fabric would refuse. */
  | 'INVALID_ARGUMENT'
  /** The chaincode has no compiled `main` file yet (`npx tsc -b chaincode/<name>`). */
  | 'CHAINCODE_NOT_BUILT'
  /** esbuild could not bundle the chaincode. */
  | 'BUNDLE_FAILED'
  /** The chaincode imports a package that no bundled package.json declares. */
  | 'UNDECLARED_DEPENDENCY'
  /** A declared runtime dependency is not installed in the workspace's node_modules. */
  | 'DEPENDENCY_NOT_INSTALLED'
  /** The installed dependencies cannot be laid out as one node_modules tree for the package. */
  | 'DEPENDENCY_LAYOUT_CONFLICT'
  /** An installed dependency has a version the package pins differently (class-transformer). */
  | 'PINNED_VERSION_MISMATCH';

export class ChaincodePackageError extends Error {
  override readonly name = 'ChaincodePackageError';

  constructor(
    readonly code: ChaincodePackageErrorCode,
    message: string,
  ) {
    super(message);
  }
}
