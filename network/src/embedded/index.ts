export { EmbeddedNetwork, type EmbeddedNetworkOptions, type ChannelHealth } from './embedded-network';
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
  LedgerStoreError,
} from './errors';
export { type CommittedBlock, type BlockListener, describeStoredBlock } from './events/block-events';
export type { ValidatedTransaction } from './validation/block-validator';
export {
  type ChainVerification,
  type OrderingReport,
  type BlockSource,
  type BlockChainChecks,
  verifyBlockChain,
} from './audit/chain-verifier';
export type { OrderingSigner, UnsignedBlocks } from './audit/signer-tally';
export {
  type BlockSigner,
  type OrdererSignature,
  describeBlockSignatures,
  ordererSignatures,
} from './orderer/block-signature';
export { type Consenter, bftQuorum, consentersOfConfigBlock } from './orderer/consenter-set';
export {
  type TransactionDetails,
  type IdentitySummary,
  describeTransactionInBlock,
  eventPayloadOf,
  printable,
} from './audit/transaction-details';
export { type BlockListing, type ListedTransaction, blockListingOf } from './audit/block-listing';
export type { HistoryEntry } from './ledger/record-codec';
export type { Signer, IdentityDeserializer, VerifiedIdentity } from './protocol/signer';
export type { ContractClass } from './peer/contract-chaincode';
export { TxValidationCode, validationCodeName } from './validation/validation-codes';
export { BlockMetadataIndex, blockEnvelopes, blockHeaderHash, getBlockMetadata } from './protocol/block';
export { type DecodedTransaction, decodeTransactionEnvelope } from './protocol/transaction-envelope';
export {
  type TxReadWriteSet,
  type NamespaceReadWriteSet,
  deserializeReadWriteSet,
} from './protocol/read-write-set';
export { MspRegistry } from './msp-registry';
