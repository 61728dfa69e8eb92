import { DonationTrackingContract } from './donation-tracking-contract';

export { DonationTrackingContract } from './donation-tracking-contract';
export { RECEIPT_SECRET_TRANSIENT_KEY } from './receipt';
export * from './records';
export { DID_ATTRIBUTE } from '@cityledger/chaincode-common';

/** Loaded by `fabric-chaincode-node start` and by the embedded network. */
export const contracts = [DonationTrackingContract];
