import { X509Certificate } from 'node:crypto';
import { type common, msp } from '@hyperledger/fabric-protos';
import type { ChannelLedger } from '../ledger/channel-ledger';
import { BlockMetadataIndex, blockEnvelopes, getBlockMetadata } from '../protocol/block';
import { deserializeReadWriteSet } from '../protocol/read-write-set';
import { decodeTransactionEnvelope } from '../protocol/transaction-envelope';
import { chaincodeEventOf } from '../protocol/chaincode-event';
import { TxValidationCode, validationCodeName } from '../validation/validation-codes';

export interface IdentitySummary {
  mspId: string;
  subject: string;
}

/** A transaction as an auditor inspects it. Binary values are shown as UTF-8 when printable, else base64. */
export interface TransactionDetails {
  txId: string;
  channel: string;
  blockNumber: number;
  txIndex: number;
  validationCode: number;
  validationCodeName: string;
  timestamp: string;
  creator: IdentitySummary;
  chaincode?: string;
  function?: string;
  args?: string[];
  endorsements: IdentitySummary[];
  readWriteSet?: Array<{
    namespace: string;
    reads: Array<{ key: string; version: { blockNum: number; txNum: number } | null }>;
    rangeQueries: Array<{ startKey: string; endKey: string; keys: string[] }>;
    writes: Array<{ key: string; isDelete: boolean; value: string }>;
    collections: Array<{ collection: string; hashedWrites: number; hashedReads: number }>;
  }>;
  event?: { name: string; payload: unknown };
  response?: { status: number; message: string; payload: string };
}

export function printable(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('utf8');
  // eslint-disable-next-line no-control-regex
  return /^[^\u0000-\u0008\u000e-\u001f\ufffd]*$/.test(text)
    ? text
    : `base64:${Buffer.from(bytes).toString('base64')}`;
}

/**
 * A chaincode event's payload as every gateway answer shows it (event streams, blocks,
 * transactions): the JSON value when the bytes are JSON, which is what CityLedger's contracts
 * emit, else the `printable` string.
 */
export function eventPayloadOf(bytes: Uint8Array): unknown {
  const text = printable(bytes);
  if (text.startsWith('base64:')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function summarize(serialized: Uint8Array): IdentitySummary {
  try {
    const identity = msp.SerializedIdentity.deserializeBinary(serialized);
    const certificate = new X509Certificate(Buffer.from(identity.getIdBytes_asU8()));
    return { mspId: identity.getMspid(), subject: certificate.subject.replace(/\n/g, ', ') };
  } catch {
    return { mspId: 'unknown', subject: 'unreadable identity' };
  }
}

export async function describeTransaction(
  ledger: ChannelLedger,
  txId: string,
): Promise<TransactionDetails | undefined> {
  const location = await ledger.getTransactionLocation(txId);
  if (!location) return undefined;
  const block = await ledger.getBlock(location.blockNumber);
  if (!block) return undefined;
  return describeTransactionInBlock(ledger.channel, block, location.txIndex, location.validationCode);
}

/**
 * Describes the transaction at `txIndex` of a committed block, any Fabric channel's. The
 * validation code defaults to the block's TRANSACTIONS_FILTER metadata, which the committing peer sets.
 */
export function describeTransactionInBlock(
  channel: string,
  block: common.Block,
  txIndex: number,
  validationCode = getBlockMetadata(block, BlockMetadataIndex.TRANSACTIONS_FILTER)[txIndex] ??
    TxValidationCode.NOT_VALIDATED,
): TransactionDetails | undefined {
  const envelope = blockEnvelopes(block)[txIndex];
  if (!envelope) return undefined;
  const tx = decodeTransactionEnvelope(envelope);
  const details: TransactionDetails = {
    txId: tx.txId,
    channel,
    blockNumber: block.getHeader()!.getNumber(),
    txIndex,
    validationCode,
    validationCodeName: validationCodeName(validationCode),
    timestamp: tx.timestamp.toISOString(),
    creator: summarize(tx.creator),
    endorsements: [],
  };
  const endorsed = tx.endorserTransaction;
  if (endorsed) {
    const [fn, ...args] = endorsed.args.map((a) => printable(a));
    details.chaincode = endorsed.chaincode;
    details.function = fn;
    details.args = args;
    details.endorsements = endorsed.endorsements.map((e) => summarize(e.endorser));
    const rwset = deserializeReadWriteSet(endorsed.action.getResults_asU8());
    details.readWriteSet = rwset.namespaces.map((ns) => ({
      namespace: ns.namespace,
      reads: ns.reads.map((r) => ({ key: printable(Buffer.from(r.key)), version: r.version })),
      rangeQueries: ns.rangeQueries.map((q) => ({
        startKey: printable(Buffer.from(q.startKey)),
        endKey: printable(Buffer.from(q.endKey)),
        keys: q.reads.map((r) => printable(Buffer.from(r.key))),
      })),
      writes: ns.writes.map((w) => ({
        key: printable(Buffer.from(w.key)),
        isDelete: w.isDelete,
        value: printable(w.value),
      })),
      collections: ns.collections.map((c) => ({
        collection: c.collection,
        hashedWrites: c.hashedWrites.length,
        hashedReads: c.hashedReads.length,
      })),
    }));
    const response = endorsed.action.getResponse();
    if (response) {
      details.response = {
        status: response.getStatus(),
        message: response.getMessage(),
        payload: printable(response.getPayload_asU8()),
      };
    }
    // As with event delivery, only a valid transaction's event counts.
    const event = validationCode === TxValidationCode.VALID ? chaincodeEventOf(endorsed.action) : undefined;
    if (event) details.event = { name: event.name, payload: eventPayloadOf(event.payload) };
  }
  return details;
}
