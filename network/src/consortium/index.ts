export type {
  ChaincodeDefinition,
  ChannelDefinition,
  CollectionDefinition,
  ConsortiumDefinition,
  OrderingDefinition,
  BftOrderingDefinition,
  OrganizationDefinition,
} from './consortium-schema';
export { consortiumSchema } from './consortium-schema';
export type { ConsortiumProblem } from './consortium-validation';
export { ConsortiumError, validateConsortiumDefinition } from './consortium-validation';
export {
  Consortium,
  ConsortiumLookupError,
  defaultConsortiumPath,
  loadConsortium,
  parseConsortium,
} from './consortium';
export type { EndorsementPolicyDefinition, ImplicitMetaRule } from './endorsement-policy';
export {
  EndorsementPolicyError,
  parseEndorsementPolicy,
  resolveEndorsementPolicy,
} from './endorsement-policy';
export type {
  PolicyPrincipal,
  PolicySigner,
  PrincipalRole,
  SignaturePolicy,
  SignerRole,
} from './signature-policy';
export {
  PolicySyntaxError,
  evaluateSignaturePolicy,
  formatSignaturePolicy,
  minimumOrgSets,
  parseSignaturePolicy,
  policyMspIds,
  signerSatisfiesPrincipal,
} from './signature-policy';
