import { IdentityContract } from './identity-contract';

export { IdentityContract } from './identity-contract';
export * from './records';
export {
  CREDENTIAL_POLICIES,
  DEVICE_KIND_OWNERS,
  PERSONAL_DATA_COLLECTION,
  PERSON_TRANSIENT_KEY,
} from './policy';

/** Loaded by `fabric-chaincode-node start` and by the embedded network. */
export const contracts = [IdentityContract];
