import {
  type CommittedBlock,
  type OrdererSignature,
  blockListingOf,
  eventPayloadOf,
  validationCodeName,
} from '@cityledger/network';
import type { BlockSummary, ChaincodeTransaction, LedgerBlock } from './ledger-connector';

/** Validation codes that mean "someone else changed what you read": worth re-endorsing. */
export const READ_CONFLICTS: ReadonlySet<string> = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);

/** fabric-contract-api tags: `submitTx`/`SUBMIT` for transactions, `EVALUATE` for queries. */
export function transactionsOf(metadata: Record<string, unknown>): ChaincodeTransaction[] {
  const contracts = (metadata.contracts ?? {}) as Record<
    string,
    {
      name: string;
      contractInstance?: { default?: boolean };
      transactions?: Array<{ name: string; tag?: string[]; parameters?: Array<{ name: string }> }>;
    }
  >;
  return Object.values(contracts)
    .filter((contract) => !contract.name.startsWith('org.hyperledger'))
    .flatMap((contract) =>
      (contract.transactions ?? []).map((tx) => ({
        name: contract.contractInstance?.default ? tx.name : `${contract.name}:${tx.name}`,
        kind: tx.tag?.some((t) => t === 'SUBMIT' || t === 'submitTx')
          ? ('submit' as const)
          : ('evaluate' as const),
        parameters: (tx.parameters ?? []).map((p) => p.name),
      })),
    );
}

/** A committed block (decoded by the network package from a `common.Block`) as listeners see it. */
export function ledgerBlockOf(block: CommittedBlock): LedgerBlock {
  const listing = blockListingOf(block.block);
  return {
    channel: block.channel,
    blockNumber: block.blockNumber,
    headerHash: listing.headerHash,
    previousHash: listing.previousHash,
    transactions: block.transactions.map((tx) => ({
      txIndex: tx.index,
      txId: tx.txId,
      validationCode: validationCodeName(tx.code),
      ...(tx.chaincode ? { chaincode: tx.chaincode } : {}),
      ...listing.transactions[tx.index],
      timestamp: tx.timestamp.toISOString(),
      ...(tx.event ? { event: tx.event } : {}),
    })),
  };
}

/** A committed block as the explorer shows it: header hashes, orderer signatures and events. */
export function blockSummaryOf(described: CommittedBlock, signatures: OrdererSignature[]): BlockSummary {
  const header = described.block.getHeader()!;
  const { transactions, headerHash, previousHash } = ledgerBlockOf(described);
  return {
    channel: described.channel,
    blockNumber: described.blockNumber,
    headerHash,
    previousHash,
    dataHash: Buffer.from(header.getDataHash_asU8()).toString('hex'),
    ordererSignatures: signatures.map(({ mspId, orderer, consenterId, verified }) => ({
      mspId,
      orderer,
      ...(consenterId === undefined ? {} : { consenterId }),
      verified,
    })),
    transactions: transactions.map(({ event, ...tx }) => ({
      ...tx,
      ...(event ? { event: { name: event.name, payload: eventPayloadOf(event.payload) } } : {}),
    })),
  };
}
