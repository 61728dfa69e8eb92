/**
 * X.509 identities for the consortium: certificate authorities, Fabric MSPs, signing identities
 * and the cryptogen-style material of every organization.
 */
export { isLowS, signMessage, signMessageAsync, verifyMessage, verifyMessageAsync } from './ecdsa';
export {
  CertificateAuthority,
  DEFAULT_VALIDITY_DAYS,
  FABRIC_ATTRIBUTES_OID,
  type CertificateAuthorityKind,
  type CertificateRequest,
  type IssuedCertificate,
  type NodeOU,
} from './certificate-authority';
export { IdentityError, type IdentityErrorCode } from './identity-error';
export {
  MembershipServiceProvider,
  type MembershipServiceProviderOptions,
  type ValidatedIdentity,
} from './msp';
export { SigningIdentity, type X509IdentityFiles } from './signing-identity';
export {
  readCaFolder,
  readMspFolder,
  readTlsFolder,
  writeCaFolder,
  writeLocalMsp,
  writeOrganizationMsp,
  writeTlsFolder,
  type CaFiles,
  type LocalMspFiles,
  type MspFolderContents,
  type OrganizationMspFiles,
  type TlsFiles,
} from './msp-folder';
export {
  ensureCryptoMaterial,
  type CryptoMaterial,
  type NodeCrypto,
  type OrganizationCrypto,
} from './crypto-material';
