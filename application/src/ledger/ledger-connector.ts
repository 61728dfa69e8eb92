import type { ChainVerification, OrdererSignature, TransactionDetails } from '@cityledger/network';
import type { Caller } from '../auth/caller';

// The verification report and the transaction's description come from the network package, which
// computes both for the embedded ledger and for blocks read from Fabric.
export type { ChainVerification, IdentitySummary, OrderingReport } from '@cityledger/network';

/**
 * What the gateway needs of a ledger. This interface is the only place that is ledger-neutral on
 * one side and ledger-specific on the other: `EmbeddedLedgerConnector` implements it over the
 * in-process network; a Fabric connector would implement it over the Fabric Gateway client.
 *
 * Every method throws gateway errors (`errors/gateway-errors.ts`), never ledger-specific ones:
 * chaincode refusals come back as `InvalidInputError`, `AccessDeniedError`, `NotFoundError` or
 * `ConflictError`; an unreachable ledger as `LedgerUnavailableError`.
 *
 * @example
 * ```ts
 * const { txId, blockNumber, result } = await ledger.submit(caller, {
 *   channel: 'civic', chaincode: 'identity', function: 'RevokeCredential', args: ['cred-1', 'moved away'],
 * });
 * ```
 */
export interface LedgerConnector {
  /**
   * Endorses as the caller's own identity (enrolled on first use with their role attribute),
   * orders and waits for commit. MVCC read conflicts are re-endorsed with backoff before a
   * `ConflictError`; too many submissions in flight give a `TooManyRequestsError`.
   */
  submit(caller: Caller, call: ChaincodeCall, options?: SubmitOptions): Promise<CommittedTransaction>;
  /**
   * The id chaincode sees for a user of an organisation (`ClientIdentity.getID()`,
   * `x509::<subject>::<issuer>`), for transactions that bind a record to a user's certificate
   * (an energy account's holder). Enrols the user if they never called.
   */
  clientIdentityId(mspId: string, userId: string): Promise<string>;
  /** Runs a query on one peer; nothing is ordered. */
  evaluate(caller: Caller, call: ChaincodeCall): Promise<Buffer>;
  /**
   * Committed blocks from `fromBlock` (replayed, default: the current height) onwards (live).
   * Returns the function that ends the subscription.
   */
  subscribe(
    channel: string,
    listener: (block: LedgerBlock) => void,
    options?: { fromBlock?: number },
  ): () => void;
  block(channel: string, blockNumber: number): Promise<BlockSummary | undefined>;
  transaction(channel: string, txId: string): Promise<TransactionRecord | undefined>;
  /** Every committed value of a chaincode's key, newest first. */
  history(channel: string, chaincode: string, key: string): Promise<KeyHistoryEntry[]>;
  /**
   * Recomputes hashes and signatures of the whole chain and reports which orderers signed it.
   * With `signer` (an MSP ID), also lists the blocks none of that MSP's orderers signed.
   */
  verify(channel: string, options?: { signer?: string }): Promise<ChainVerification>;
  height(channel: string): Promise<number>;
  /** The chaincodes the consortium defines on a channel, and the transactions of installed ones. */
  chaincodes(channel: string): ChaincodeInfo[];
  readiness(): LedgerReadiness;
  close(): Promise<void>;
}

export interface ChaincodeCall {
  channel: string;
  chaincode: string;
  function: string;
  args: string[];
  /** Private inputs: reach the endorsers, never the block. */
  transient?: Record<string, string>;
}

export interface SubmitOptions {
  /**
   * Called once the endorsed transaction goes to ordering, with its id: before commit, so that a
   * client answered early can follow it. Called again with the new id when an MVCC read conflict
   * makes the connector endorse again.
   */
  onEndorsed?(txId: string): void;
}

export interface CommittedTransaction {
  txId: string;
  blockNumber: number;
  result: Buffer;
  /** Endorsements made, 1 unless MVCC conflicts forced re-endorsement. */
  attempts: number;
}

export interface LedgerTransaction {
  txIndex: number;
  txId: string;
  /** Fabric's validation code name, e.g. VALID, MVCC_READ_CONFLICT. */
  validationCode: string;
  chaincode?: string;
  /** The chaincode function called (the first invocation argument). */
  function?: string;
  /** The MSP ID of the client that created the transaction. */
  creatorMsp?: string;
  /** The client's proposal time (Fabric's channel header timestamp), ISO 8601. */
  timestamp: string;
  /** The chaincode event, present only on valid transactions that emitted one. */
  event?: { chaincode: string; name: string; payload: Buffer };
}

/** A committed block as event listeners see it. */
export interface LedgerBlock {
  channel: string;
  blockNumber: number;
  /** SHA-256 of the block header, hex: what the next block names as its previous hash. */
  headerHash: string;
  previousHash: string;
  transactions: LedgerTransaction[];
}

/** A block as the explorer shows it: the hash chain, who ordered it, and its transactions. */
export interface BlockSummary {
  channel: string;
  blockNumber: number;
  headerHash: string;
  previousHash: string;
  dataHash: string;
  /** Every orderer signature on the block; on a SmartBFT channel, one per signing consenter. */
  ordererSignatures: OrdererSignatureSummary[];
  transactions: Array<Omit<LedgerTransaction, 'event'> & { event?: ExplorerEvent }>;
}

/**
 * A chaincode event as every gateway answer shows it, event streams included: the payload is the
 * JSON value when the event's bytes are JSON, else a string (UTF-8 when printable, else `base64:…`).
 */
export type ExplorerEvent = NonNullable<TransactionRecord['event']>;

/** An orderer's signature on a block as the explorer lists it: who signed, and whether it verifies. */
export type OrdererSignatureSummary = Pick<
  OrdererSignature,
  'mspId' | 'orderer' | 'consenterId' | 'verified'
>;

/**
 * A transaction as an auditor inspects it; binary values are UTF-8 when printable, else `base64:…`.
 * Both connectors describe it with the network package's decoder, so its shape is defined there.
 */
export type TransactionRecord = TransactionDetails;

export interface KeyHistoryEntry {
  txId: string;
  blockNumber: number;
  txIndex: number;
  timestamp: string;
  isDelete: boolean;
  /** The value as UTF-8 when printable, else `base64:…`. */
  value: string;
}

export interface ChaincodeTransaction {
  name: string;
  /** `submit` transactions change state; `evaluate` ones are queries. */
  kind: 'submit' | 'evaluate';
  parameters: string[];
}

export interface ChaincodeInfo {
  name: string;
  version: string;
  installed: boolean;
  /** Empty when not installed. */
  transactions: ChaincodeTransaction[];
}

export interface LedgerReadiness {
  ready: boolean;
  /** Why the ledger is not ready, one sentence per problem. */
  problems: string[];
  channels: Array<{
    channel: string;
    height: number;
    chaincodesInstalled: string[];
    /** Whether the channel's chain passed its last check (at open, and by `verify`), where known. */
    verified?: boolean;
  }>;
}
