/**
 * Each stage of a submission fails with its own error type carrying the transaction ID, so a
 * caller can tell a refused proposal from an ordering failure or an invalidated transaction.
 */
export class LedgerError extends Error {
  constructor(
    message: string,
    readonly txId?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Why endorsement failed: `not-found` (channel or chaincode), `access-denied` (creator not on the
 * channel, bad signature), `invalid-proposal`, `duplicate` (transaction ID already on the ledger),
 * `chaincode-error` (the chaincode returned an error: see `chaincodeMessage`), `simulation-error`,
 * `mismatch` (endorsers computed different results), `private-data-distribution` (the policies
 * need an organisation outside a collection the transaction writes while it carries transient
 * data: the Fabric Gateway's FAILED_PRECONDITION), or `no-endorsement-plan` (no set of peers
 * allowed to see the private data read can satisfy the policies).
 */
export type EndorseFailureReason =
  | 'not-found'
  | 'access-denied'
  | 'invalid-proposal'
  | 'duplicate'
  | 'chaincode-error'
  | 'simulation-error'
  | 'mismatch'
  | 'private-data-distribution'
  | 'no-endorsement-plan';

/** A peer refused the proposal, the chaincode returned an error, or endorsers disagreed. */
export class EndorseError extends LedgerError {
  constructor(
    message: string,
    txId: string,
    /** Per-peer messages, e.g. `peer0.city.cityledger.example: ACCESS_DENIED: ...`. */
    readonly details: string[] = [],
    /** The chaincode's own message when the chaincode itself returned an error. */
    readonly chaincodeMessage?: string,
    readonly reason: EndorseFailureReason = 'chaincode-error',
  ) {
    super(message, txId);
  }
}

/** The ordering service did not accept the transaction (e.g. too large, unknown channel). */
export class SubmitError extends LedgerError {}

/** The transaction was ordered but committed as invalid; nothing it wrote took effect. */
export class CommitError extends LedgerError {
  constructor(
    message: string,
    txId: string,
    readonly validationCode: number,
    readonly validationCodeName: string,
    readonly blockNumber: number,
  ) {
    super(message, txId);
  }
}

/** The request names something the network does not have (channel, chaincode, organisation). */
export class NotFoundError extends LedgerError {}

/** The network is stopped or its ledger cannot be written. */
export class UnavailableError extends LedgerError {}

/**
 * A channel's store cannot be opened, or holds fewer or other blocks than the channel committed:
 * the channel is refused rather than served shorter. Names the channel and the path on disk.
 */
export class LedgerStoreError extends UnavailableError {
  constructor(
    message: string,
    readonly channel: string,
    readonly path: string,
  ) {
    super(message);
  }
}
