import type { Version } from '../protocol/read-write-set';

/** A committed value with the version (block, tx) that wrote it and its key-level metadata. */
export interface VersionedValue {
  value: Buffer;
  version: Version;
  metadata?: Record<string, Buffer>;
}

/**
 * Binary layout of a state record: block number, tx number, metadata length, metadata (JSON of
 * base64 entries), then the value itself untouched, so large values are not re-encoded.
 */
export function encodeVersionedValue(record: VersionedValue): Buffer {
  const metadata =
    record.metadata && Object.keys(record.metadata).length > 0
      ? Buffer.from(
          JSON.stringify(
            Object.fromEntries(Object.entries(record.metadata).map(([k, v]) => [k, v.toString('base64')])),
          ),
        )
      : Buffer.alloc(0);
  const head = Buffer.alloc(12);
  head.writeUInt32BE(record.version.blockNum, 0);
  head.writeUInt32BE(record.version.txNum, 4);
  head.writeUInt32BE(metadata.length, 8);
  return Buffer.concat([head, metadata, record.value]);
}

export function decodeVersionedValue(bytes: Buffer): VersionedValue {
  const version = { blockNum: bytes.readUInt32BE(0), txNum: bytes.readUInt32BE(4) };
  const metadataLength = bytes.readUInt32BE(8);
  const record: VersionedValue = { version, value: bytes.subarray(12 + metadataLength) };
  if (metadataLength > 0) {
    const parsed = JSON.parse(bytes.subarray(12, 12 + metadataLength).toString()) as Record<string, string>;
    record.metadata = Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
    );
  }
  return record;
}

export interface HistoryEntry {
  txId: string;
  timestamp: Date;
  isDelete: boolean;
  value: Buffer;
  blockNum: number;
  txNum: number;
}

export function encodeHistoryEntry(entry: HistoryEntry): Buffer {
  const head = Buffer.from(
    JSON.stringify({
      t: entry.txId,
      ms: entry.timestamp.getTime(),
      d: entry.isDelete,
      b: entry.blockNum,
      n: entry.txNum,
    }),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length, 0);
  return Buffer.concat([length, head, entry.value]);
}

export function decodeHistoryEntry(bytes: Buffer): HistoryEntry {
  const length = bytes.readUInt32BE(0);
  const head = JSON.parse(bytes.subarray(4, 4 + length).toString()) as {
    t: string;
    ms: number;
    d: boolean;
    b: number;
    n: number;
  };
  return {
    txId: head.t,
    timestamp: new Date(head.ms),
    isDelete: head.d,
    blockNum: head.b,
    txNum: head.n,
    value: bytes.subarray(4 + length),
  };
}

export function padded(n: number): string {
  return n.toString().padStart(16, '0');
}
