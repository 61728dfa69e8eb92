import type { MerkleProofStep } from '@cityledger/proofs';
import type { BridgeStore, StoreOperation } from './bridge-store';
import type { FeedRoute } from './feed-router';
import type { DeviceReading } from './reading-schema';

/** Where and how a reading reached the ledger. */
export interface ReadingLanding {
  channel: string;
  chaincode: string;
  txId: string;
  blockNumber: number;
  /** Telemetry: the anchored batch, its root and this reading's inclusion proof. */
  batchId?: string;
  merkleRoot?: string;
  leafIndex?: number;
  proof?: MerkleProofStep[];
  landedAt: string;
}

/**
 * A raw reading as the bridge keeps it: exactly as the device signed it, from acceptance
 * (`pending`) to its landing (`landed`, with the Merkle proof and anchoring transaction) — or,
 * if the chaincode refused it, `refused` with the chaincode's reason.
 */
export interface ReadingRecord {
  reading: DeviceReading;
  status: 'pending' | 'landed' | 'refused';
  route: FeedRoute;
  acceptedAt: string;
  /** Position in the outbox while pending. */
  outboxSeq: number;
  landing?: ReadingLanding;
  refusal?: { code: string; message: string; at: string };
}

const SEQ_DIGITS = 16;

/** Sorts by device, then numerically by seq. */
export function readingKey(deviceId: string, seq: number): string {
  return `${deviceId}/${String(seq).padStart(SEQ_DIGITS, '0')}`;
}

/** The raw readings the bridge accepted, queryable by device and seq, each with its proof once landed. */
export class ReadingProofs {
  constructor(private readonly store: BridgeStore) {}

  get(deviceId: string, seq: number): Promise<ReadingRecord | undefined> {
    return this.store.readings.get(readingKey(deviceId, seq)) as Promise<ReadingRecord | undefined>;
  }

  async has(deviceId: string, seq: number): Promise<boolean> {
    return (await this.get(deviceId, seq)) !== undefined;
  }

  getMany(keys: string[]): Promise<Array<ReadingRecord | undefined>> {
    return this.store.readings.getMany(keys) as Promise<Array<ReadingRecord | undefined>>;
  }

  putOperation(record: ReadingRecord): StoreOperation {
    return {
      type: 'put',
      sublevel: this.store.readings,
      key: readingKey(record.reading.deviceId, record.reading.seq),
      value: record,
    } as StoreOperation;
  }
}
