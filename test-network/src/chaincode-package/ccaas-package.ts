/**
 * Chaincode-as-a-service packages: the peer runs no chaincode code, it only learns from
 * `connection.json` where the already running chaincode server listens.
 */
import { ChaincodePackageError } from './errors';
import { assertChaincodeName, writeChaincodePackage, type ChaincodePackage } from './fabric-package';

export interface CcaasPackageOptions {
  /** The chaincode definition name the package is for (checked against Fabric's naming rule). */
  chaincode: string;
  /** The package label, e.g. `identity_1.0`. */
  label: string;
  /** `host:port` the peer dials to reach the chaincode server. */
  address: string;
  /**
   * The PEM of the CA that issued the chaincode server's TLS certificate: the peer then dials the
   * server over TLS and checks its certificate (for `address`'s host). Without it, plain gRPC.
   */
  tlsRootCertPem?: string;
  /** Where to write the package (parent folders are created). */
  outFile: string;
}

/** How long a peer waits for the chaincode server to accept its connection. */
const DIAL_TIMEOUT = '10s';

/**
 * Writes a `type: ccaas` package for the chaincode server at `address`. The bytes depend on the
 * label and address only, so the same inputs always give the same package id.
 *
 * @example
 * const { file, packageId } = await buildCcaasPackage({
 *   chaincode: 'identity',
 *   label: 'identity_1.0',
 *   address: '127.0.0.1:9999',
 *   outFile: '/tmp/packages/identity.tar.gz',
 * });
 */
export async function buildCcaasPackage(options: CcaasPackageOptions): Promise<ChaincodePackage> {
  assertChaincodeName(options.chaincode);
  assertAddress(options.chaincode, options.address);
  const connection = {
    address: options.address,
    dial_timeout: DIAL_TIMEOUT,
    ...(options.tlsRootCertPem
      ? { tls_required: true, client_auth_required: false, root_cert: options.tlsRootCertPem }
      : { tls_required: false }),
  };
  return writeChaincodePackage(options.outFile, { type: 'ccaas', label: options.label }, [
    { path: 'connection.json', content: JSON.stringify(connection) },
  ]);
}

function assertAddress(chaincode: string, address: string): void {
  const match = /^(.+):(\d{1,5})$/.exec(address);
  const port = match ? Number(match[2]) : 0;
  if (!match || /\s|\//.test(match[1]) || port < 1 || port > 65_535) {
    throw new ChaincodePackageError(
      'INVALID_ARGUMENT',
      `invalid address ${JSON.stringify(address)} for chaincode ${chaincode}: expected host:port`,
    );
  }
}
