/**
 * Chaincode packages for real Fabric peers.
 *
 * @example
 * const ccaas = await buildCcaasPackage({
 *   chaincode: 'identity', label: 'identity_1.0', address: '127.0.0.1:9999', outFile: 'identity.tar.gz',
 * });
 * const node = await buildNodePackage({
 *   chaincodeDir: 'chaincode/identity', label: 'identity_1.0', outFile: 'identity-node.tar.gz',
 * });
 * // peer lifecycle chaincode install ccaas.file; approve with ccaas.packageId
 */
export { buildCcaasPackage, type CcaasPackageOptions } from './ccaas-package';
export { buildNodePackage, PINNED_VERSIONS, type NodePackageOptions } from './node-package';
export { packageIdOf, type ChaincodePackage } from './fabric-package';
export { ccaasBuilderPath, ccaasExternalBuilder, type ExternalBuilderConfig } from './ccaas-builder';
export { ChaincodePackageError, type ChaincodePackageErrorCode } from './errors';
