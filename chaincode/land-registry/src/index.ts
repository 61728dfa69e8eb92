import { LandRegistryContract } from './land-registry-contract';

export { LandRegistryContract } from './land-registry-contract';
export * from './records';
export { DID_ATTRIBUTE } from '@cityledger/chaincode-common';
export { OWNER_CREDENTIAL } from './party';
export { SHARE_DENOMINATOR } from './shares';

/** Loaded by `fabric-chaincode-node start` and by the embedded network. */
export const contracts = [LandRegistryContract];
