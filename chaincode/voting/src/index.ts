import { VotingContract } from './voting-contract';

export { VotingContract } from './voting-contract';
export * from './records';
export * from './tally-rules';
export { nullifierOf, ballotHashOf } from './ballot-hashes';
export { BALLOT_BOX_ROLE, ELECTION_AUTHORITY_ROLE, MAX_TALLIED_RECORDS } from './policy';

/** Loaded by `fabric-chaincode-node start` and by the embedded network. */
export const contracts = [VotingContract];
