/**
 * Ledger records and results of the voting contract. The `@Object` classes make the contract
 * metadata describe the API; their names are global in a chaincode process, hence the specific names.
 *
 * Nothing in a ballot record names a voter: the only link between a person and the election is the
 * `VotingTokenIssuance`, and blind signing makes it unlinkable to the ballot.
 */
import { Object as DataType, Property } from 'fabric-contract-api';

export const ELECTION_STATUSES = ['scheduled', 'open', 'closed', 'tallied'] as const;
export type ElectionStatus = (typeof ELECTION_STATUSES)[number];

@DataType()
export class ElectionOption {
  @Property() optionId = '';
  @Property() label = '';
  /** Budget-allocation only: cost of the proposal in the smallest currency unit. */
  @Property() cost?: number;
}

/** An election as returned by queries: its immutable definition plus its current phase. */
@DataType()
export class Election {
  @Property() electionId = '';
  @Property() title = '';
  @Property() description = '';
  /** plurality, approval or budget-allocation. */
  @Property() rule = '';
  @Property('options', 'ElectionOption[]') options: ElectionOption[] = [];
  /** Budget-allocation only. */
  @Property() totalBudget?: number;
  /** Approval and budget-allocation: most options one ballot may name (plurality: 1). */
  @Property() maxSelections = 1;
  /** Credential type (identity chaincode) a voter must hold to receive a voting token. */
  @Property() eligibilityCredential = '';
  /** Ballots are accepted from opensAt (inclusive) to closesAt (exclusive), by transaction time. */
  @Property() opensAt = '';
  @Property() closesAt = '';
  /** SPKI PEM of the RSA key whose blind signatures make voting tokens. */
  @Property() tokenKeyPem = '';
  @Property() tokenKeyBits = 0;
  @Property() authorityMsp = '';
  @Property() createdAt = '';
  /** scheduled, open, closed or tallied. */
  @Property() status = '';
  @Property() openedAt?: string;
  @Property() closedAt?: string;
  @Property() talliedAt?: string;
}

/** The mutable phase of an election, kept apart from its definition (see the hot-key notes). */
@DataType()
export class ElectionPhase {
  @Property() electionId = '';
  @Property() status = '';
  @Property() openedAt?: string;
  @Property() closedAt?: string;
  @Property() talliedAt?: string;
}

@DataType()
export class ElectionPage {
  @Property('records', 'Election[]') records: Election[] = [];
  @Property() bookmark = '';
  @Property() fetchedRecordsCount = 0;
}

/** The public record that a voter received their one voting token; the token itself is never known here. */
@DataType()
export class VotingTokenIssuance {
  @Property() electionId = '';
  @Property() voterDid = '';
  /** The eligibility credential that identity named valid at issuance. */
  @Property() credentialId = '';
  /** Hex; the blinded token the voter sent the authority. Statistically independent of the token. */
  @Property() blindedMessage = '';
  /** Hex; the authority's signature of blindedMessage, which the voter unblinds. */
  @Property() blindSignature = '';
  @Property() issuedAt = '';
}

@DataType()
export class Ballot {
  @Property() electionId = '';
  /** SHA-256 of the election and the token: the key that makes a token usable once. */
  @Property() nullifier = '';
  /** Hex; the unblinded token, so anyone can re-verify the authority's signature. */
  @Property() token = '';
  /** Hex; the authority's RSA-FDH signature of the token. */
  @Property() signature = '';
  /** Option ids, in the election's order. */
  @Property('choice', 'string[]') choice: string[] = [];
  /** The ballot's Merkle leaf hash. */
  @Property() ballotHash = '';
  @Property() castAt = '';
}

/** What the voter keeps after casting, to check later that the ballot was counted. */
@DataType()
export class BallotReceipt {
  @Property() electionId = '';
  @Property() nullifier = '';
  @Property() ballotHash = '';
  @Property() castAt = '';
  @Property() txId = '';
}

@DataType()
export class BallotPage {
  @Property('records', 'Ballot[]') records: Ballot[] = [];
  @Property() bookmark = '';
  @Property() fetchedRecordsCount = 0;
}

@DataType()
export class BallotCount {
  @Property() electionId = '';
  @Property() ballots = 0;
  @Property() tokensIssued = 0;
}

@DataType()
export class OptionTally {
  @Property() optionId = '';
  @Property() label = '';
  @Property() votes = 0;
  /** Budget-allocation only. */
  @Property() cost?: number;
  /** Budget-allocation only. */
  @Property() funded?: boolean;
}

@DataType()
export class ElectionResult {
  @Property() electionId = '';
  @Property() rule = '';
  @Property() ballotsCounted = 0;
  /** Voting tokens issued; more ballots than tokens would mean tokens were signed off the ledger. */
  @Property() tokensIssued = 0;
  @Property() ballotsWithinTokens = true;
  @Property('counts', 'OptionTally[]') counts: OptionTally[] = [];
  /** Plurality/approval: options with the top count (several on a tie). Budget-allocation: funded proposals in ranking order. */
  @Property('winners', 'string[]') winners: string[] = [];
  @Property() tie = false;
  @Property() totalBudget?: number;
  @Property() budgetSpent?: number;
  /** RFC 6962 Merkle root over the counted ballots' hashes in ascending nullifier order. */
  @Property() merkleRoot = '';
  @Property() talliedAt = '';
  @Property() talliedByMsp = '';
}

@DataType()
export class ReceiptCheck {
  @Property() electionId = '';
  @Property() nullifier = '';
  @Property() ballotHash = '';
  @Property() counted = false;
  /** Why not counted: not-tallied, unknown-ballot, ballot-hash-mismatch or result-mismatch. */
  @Property() reason?: string;
  @Property() leafIndex?: number;
  @Property() treeSize?: number;
  /** RFC 6962 audit path, leaf to root. */
  @Property('auditPath', 'string[]') auditPath: string[] = [];
  @Property() merkleRoot?: string;
}
