export { EmbeddedNetwork, type EmbeddedNetworkOptions } from './embedded-network';
export type {
  TransactionRequest,
  SubmitResult,
  EndorsedTransaction,
  EndorseOptions,
} from './transaction-client';
export {
  LedgerError,
  EndorseError,
  type EndorseFailureReason,
  SubmitError,
  CommitError,
  NotFoundError,
  UnavailableError,
} from './errors';
export type { CommittedBlock, BlockListener } from './events/block-events';
export type { ValidatedTransaction } from './validation/block-validator';
export type { ChainVerification } from './audit/chain-verifier';
export { type TransactionDetails, printable } from './audit/transaction-details';
export type { HistoryEntry } from './ledger/record-codec';
export type { Signer } from './protocol/signer';
export type { ContractClass } from './peer/contract-chaincode';
export { TxValidationCode, validationCodeName } from './validation/validation-codes';
export { blockHeaderHash } from './protocol/block';
