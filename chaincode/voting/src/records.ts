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
  @Property() optionId!: string;
  @Property() label!: string;
  /** Budget-allocation only: cost of the proposal in the smallest currency unit. */
  @Property('cost', 'number') cost?: number;
}

/** An election as returned by queries: its immutable definition plus its current phase. */
@DataType()
export class Election {
  @Property() electionId!: string;
  @Property() title!: string;
  @Property() description!: string;
  /** plurality, approval or budget-allocation. */
  @Property() rule!: string;
  @Property('options', 'ElectionOption[]') options!: ElectionOption[];
  /** Budget-allocation only. */
  @Property('totalBudget', 'number') totalBudget?: number;
  /** Approval and budget-allocation: most options one ballot may name (plurality: 1). */
  @Property() maxSelections!: number;
  /** Credential type (identity chaincode) a voter must hold to receive a voting token. */
  @Property() eligibilityCredential!: string;
  /** Ballots are accepted from opensAt (inclusive) to closesAt (exclusive), by transaction time. */
  @Property() opensAt!: string;
  @Property() closesAt!: string;
  /** SPKI PEM of the RSA key whose blind signatures make voting tokens. */
  @Property() tokenKeyPem!: string;
  @Property() tokenKeyBits!: number;
  @Property() authorityMsp!: string;
  @Property() createdAt!: string;
  /** scheduled, open, closed or tallied. */
  @Property() status!: string;
  @Property('openedAt', 'string') openedAt?: string;
  @Property('closedAt', 'string') closedAt?: string;
  @Property('talliedAt', 'string') talliedAt?: string;
}

/** The mutable phase of an election, kept apart from its definition (see the hot-key notes). */
@DataType()
export class ElectionPhase {
  @Property() electionId!: string;
  @Property() status!: string;
  @Property('openedAt', 'string') openedAt?: string;
  @Property('closedAt', 'string') closedAt?: string;
  @Property('talliedAt', 'string') talliedAt?: string;
}

@DataType()
export class ElectionPage {
  @Property('records', 'Election[]') records!: Election[];
  @Property() bookmark!: string;
  @Property() fetchedRecordsCount!: number;
}

/** The public record that a voter received their one voting token; the token itself is never known here. */
@DataType()
export class VotingTokenIssuance {
  @Property() electionId!: string;
  @Property() voterDid!: string;
  /** The eligibility credential that identity named valid at issuance. */
  @Property() credentialId!: string;
  /** Hex; the blinded token the voter sent the authority. Statistically independent of the token. */
  @Property() blindedMessage!: string;
  /** Hex; the authority's signature of blindedMessage, which the voter unblinds. */
  @Property() blindSignature!: string;
  @Property() issuedAt!: string;
}

@DataType()
export class Ballot {
  @Property() electionId!: string;
  /** SHA-256 of the election and the token: the key that makes a token usable once. */
  @Property() nullifier!: string;
  /** Hex; the unblinded token, so anyone can re-verify the authority's signature. */
  @Property() token!: string;
  /** Hex; the authority's RSA-FDH signature of the token. */
  @Property() signature!: string;
  /** Option ids, in the election's order. */
  @Property('choice', 'string[]') choice!: string[];
  /** The ballot's Merkle leaf hash. */
  @Property() ballotHash!: string;
  @Property() castAt!: string;
}

/** What the voter keeps after casting, to check later that the ballot was counted. */
@DataType()
export class BallotReceipt {
  @Property() electionId!: string;
  @Property() nullifier!: string;
  @Property() ballotHash!: string;
  @Property() castAt!: string;
  @Property() txId!: string;
}

@DataType()
export class BallotPage {
  @Property('records', 'Ballot[]') records!: Ballot[];
  @Property() bookmark!: string;
  @Property() fetchedRecordsCount!: number;
}

@DataType()
export class BallotCount {
  @Property() electionId!: string;
  @Property() ballots!: number;
  @Property() tokensIssued!: number;
}

@DataType()
export class OptionTally {
  @Property() optionId!: string;
  @Property() label!: string;
  @Property() votes!: number;
  /** Budget-allocation only. */
  @Property('cost', 'number') cost?: number;
  /** Budget-allocation only. */
  @Property('funded', 'boolean') funded?: boolean;
}

@DataType()
export class ElectionResult {
  @Property() electionId!: string;
  @Property() rule!: string;
  @Property() ballotsCounted!: number;
  /** Voting tokens issued; more ballots than tokens would mean tokens were signed off the ledger. */
  @Property() tokensIssued!: number;
  @Property() ballotsWithinTokens!: boolean;
  @Property('counts', 'OptionTally[]') counts!: OptionTally[];
  /** Plurality/approval: options with the top count (several on a tie). Budget-allocation: funded proposals in ranking order. */
  @Property('winners', 'string[]') winners!: string[];
  @Property() tie!: boolean;
  @Property('totalBudget', 'number') totalBudget?: number;
  @Property('budgetSpent', 'number') budgetSpent?: number;
  /** RFC 6962 Merkle root over the counted ballots' hashes in ascending nullifier order. */
  @Property() merkleRoot!: string;
  @Property() talliedAt!: string;
  @Property() talliedByMsp!: string;
}

@DataType()
export class ReceiptCheck {
  @Property() electionId!: string;
  @Property() nullifier!: string;
  @Property() ballotHash!: string;
  @Property() counted!: boolean;
  /** Why not counted: not-tallied, unknown-ballot, ballot-hash-mismatch or result-mismatch. */
  @Property('reason', 'string') reason?: string;
  @Property('leafIndex', 'number') leafIndex?: number;
  @Property('treeSize', 'number') treeSize?: number;
  /** RFC 6962 audit path, leaf to root. */
  @Property('auditPath', 'string[]') auditPath!: string[];
  @Property('merkleRoot', 'string') merkleRoot?: string;
}
