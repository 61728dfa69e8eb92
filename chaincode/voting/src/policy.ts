/**
 * Who may do what in the voting contract, and its limits. Documented in docs/contracts/voting.md.
 */
import { MSP, type CallerRule } from '@cityledger/chaincode-common';

/** Role attribute of the City staff who run elections and blind-sign voting tokens. */
export const ELECTION_AUTHORITY_ROLE = 'election-authority';
/**
 * Role attribute of the shared identity through which every ballot is submitted. Many voters share
 * it, so the transaction creator on the ledger says nothing about who voted.
 */
export const BALLOT_BOX_ROLE = 'ballot-box';

export const ELECTION_AUTHORITY: CallerRule = { mspIds: [MSP.City], roles: [ELECTION_AUTHORITY_ROLE] };

/** The City's and the community organisations' ballot boxes: a voter may avoid submitting through the City. */
export const BALLOT_BOXES: CallerRule = { mspIds: [MSP.City, MSP.Community], roles: [BALLOT_BOX_ROLE] };

/** Opening, closing and tallying are due once the clock says so; any member of the channel may trigger them. */
export const CHANNEL_MEMBERS: CallerRule = { mspIds: [MSP.City, MSP.Community, MSP.Auditor] };

/** Default credential type that makes a citizen eligible (identity chaincode). */
export const DEFAULT_ELIGIBILITY_CREDENTIAL = 'eligible-voter';

export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 100;

/**
 * The tally reads every ballot and every token issuance in one transaction; beyond this its read
 * set (about 100 bytes a key) would outgrow a block. See "Limits" in the contract documentation.
 */
export const MAX_TALLIED_RECORDS = 20000;
