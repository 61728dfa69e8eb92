import { VotingContract } from './voting-contract';

export { VotingContract } from './voting-contract';
export * from './records';
export * from './tally-rules';
export * from './merkle';
export { nullifierOf, ballotHashOf } from './ballot-hashes';
export { parseRsaPublicKeyPem, tokenMessage, verifyTokenSignature, type RsaPublicKey } from './blind-rsa';
export { prepareVotingToken, signBlinded, unblindSignature, type VotingTokenRequest } from './voting-token';
export { BALLOT_BOX_ROLE, ELECTION_AUTHORITY_ROLE, MAX_TALLIED_RECORDS } from './policy';

/** Loaded by `fabric-chaincode-node start` and by the embedded network. */
export const contracts = [VotingContract];
