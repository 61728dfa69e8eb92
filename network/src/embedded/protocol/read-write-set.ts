import { createHash } from 'node:crypto';
import { ledger } from '@hyperledger/fabric-protos';

const { rwset } = ledger;
const { kvrwset } = rwset;

/** The height at which a key was last written: Fabric's MVCC version. */
export interface Version {
  blockNum: number;
  txNum: number;
}

export interface KeyRead {
  key: string;
  version: Version | null;
}

export interface KeyWrite {
  key: string;
  isDelete: boolean;
  value: Buffer;
}

export interface RangeQueryRead {
  startKey: string;
  endKey: string;
  itrExhausted: boolean;
  reads: KeyRead[];
}

export interface MetadataWrite {
  key: string;
  entries: Array<{ name: string; value: Buffer }>;
}

export interface HashedRead {
  keyHash: Buffer;
  version: Version | null;
}

export interface HashedWrite {
  keyHash: Buffer;
  isDelete: boolean;
  valueHash: Buffer;
}

export interface HashedMetadataWrite {
  keyHash: Buffer;
  entries: Array<{ name: string; value: Buffer }>;
}

export interface CollectionHashedReadWriteSet {
  collection: string;
  hashedReads: HashedRead[];
  hashedWrites: HashedWrite[];
  metadataWrites: HashedMetadataWrite[];
  pvtRwSetHash: Buffer;
}

export interface NamespaceReadWriteSet {
  namespace: string;
  reads: KeyRead[];
  rangeQueries: RangeQueryRead[];
  writes: KeyWrite[];
  metadataWrites: MetadataWrite[];
  collections: CollectionHashedReadWriteSet[];
}

/** What goes on the ledger: public reads and writes, and only hashes of private data. */
export interface TxReadWriteSet {
  namespaces: NamespaceReadWriteSet[];
}

/** The private part of a transaction's writes, which never enters a block. */
export interface CollectionPrivateWriteSet {
  namespace: string;
  collection: string;
  writes: KeyWrite[];
  metadataWrites: MetadataWrite[];
}

export function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest();
}

function versionProto(version: Version | null): ledger.rwset.kvrwset.Version | undefined {
  if (!version) return undefined;
  const proto = new kvrwset.Version();
  proto.setBlockNum(version.blockNum);
  proto.setTxNum(version.txNum);
  return proto;
}

function versionFromProto(proto: ledger.rwset.kvrwset.Version | undefined): Version | null {
  return proto ? { blockNum: proto.getBlockNum(), txNum: proto.getTxNum() } : null;
}

function readProto(read: KeyRead): ledger.rwset.kvrwset.KVRead {
  const proto = new kvrwset.KVRead();
  proto.setKey(read.key);
  proto.setVersion(versionProto(read.version));
  return proto;
}

function metadataEntries(
  entries: Array<{ name: string; value: Buffer }>,
): ledger.rwset.kvrwset.KVMetadataEntry[] {
  return entries.map(({ name, value }) => {
    const entry = new kvrwset.KVMetadataEntry();
    entry.setName(name);
    entry.setValue(value);
    return entry;
  });
}

/** Serialises the private writes of one collection; its hash is what the block carries. */
export function serializePrivateWrites(set: CollectionPrivateWriteSet): Uint8Array {
  const proto = new kvrwset.KVRWSet();
  proto.setWritesList(set.writes.map(writeProto));
  proto.setMetadataWritesList(set.metadataWrites.map(metadataWriteProto));
  return proto.serializeBinary();
}

function writeProto(write: KeyWrite): ledger.rwset.kvrwset.KVWrite {
  const proto = new kvrwset.KVWrite();
  proto.setKey(write.key);
  proto.setIsDelete(write.isDelete);
  proto.setValue(write.value);
  return proto;
}

function metadataWriteProto(write: MetadataWrite): ledger.rwset.kvrwset.KVMetadataWrite {
  const proto = new kvrwset.KVMetadataWrite();
  proto.setKey(write.key);
  proto.setEntriesList(metadataEntries(write.entries));
  return proto;
}

export function serializeReadWriteSet(set: TxReadWriteSet): Uint8Array {
  const tx = new rwset.TxReadWriteSet();
  tx.setDataModel(rwset.TxReadWriteSet.DataModel.KV);
  tx.setNsRwsetList(
    set.namespaces.map((ns) => {
      const kv = new kvrwset.KVRWSet();
      kv.setReadsList(ns.reads.map(readProto));
      kv.setRangeQueriesInfoList(
        ns.rangeQueries.map((range) => {
          const info = new kvrwset.RangeQueryInfo();
          info.setStartKey(range.startKey);
          info.setEndKey(range.endKey);
          info.setItrExhausted(range.itrExhausted);
          const raw = new kvrwset.QueryReads();
          raw.setKvReadsList(range.reads.map(readProto));
          info.setRawReads(raw);
          return info;
        }),
      );
      kv.setWritesList(ns.writes.map(writeProto));
      kv.setMetadataWritesList(ns.metadataWrites.map(metadataWriteProto));
      const proto = new rwset.NsReadWriteSet();
      proto.setNamespace(ns.namespace);
      proto.setRwset(kv.serializeBinary());
      proto.setCollectionHashedRwsetList(
        ns.collections.map((coll) => {
          const hashed = new kvrwset.HashedRWSet();
          hashed.setHashedReadsList(
            coll.hashedReads.map((read) => {
              const r = new kvrwset.KVReadHash();
              r.setKeyHash(read.keyHash);
              r.setVersion(versionProto(read.version));
              return r;
            }),
          );
          hashed.setHashedWritesList(
            coll.hashedWrites.map((write) => {
              const w = new kvrwset.KVWriteHash();
              w.setKeyHash(write.keyHash);
              w.setIsDelete(write.isDelete);
              w.setValueHash(write.valueHash);
              return w;
            }),
          );
          hashed.setMetadataWritesList(
            coll.metadataWrites.map((write) => {
              const m = new kvrwset.KVMetadataWriteHash();
              m.setKeyHash(write.keyHash);
              m.setEntriesList(metadataEntries(write.entries));
              return m;
            }),
          );
          const c = new rwset.CollectionHashedReadWriteSet();
          c.setCollectionName(coll.collection);
          c.setHashedRwset(hashed.serializeBinary());
          c.setPvtRwsetHash(coll.pvtRwSetHash);
          return c;
        }),
      );
      return proto;
    }),
  );
  return tx.serializeBinary();
}

function readFromProto(proto: ledger.rwset.kvrwset.KVRead): KeyRead {
  return { key: proto.getKey(), version: versionFromProto(proto.getVersion()) };
}

function entriesFromProto(
  list: ledger.rwset.kvrwset.KVMetadataEntry[],
): Array<{ name: string; value: Buffer }> {
  return list.map((entry) => ({ name: entry.getName(), value: Buffer.from(entry.getValue_asU8()) }));
}

export function deserializeReadWriteSet(bytes: Uint8Array): TxReadWriteSet {
  const tx = rwset.TxReadWriteSet.deserializeBinary(bytes);
  return {
    namespaces: tx.getNsRwsetList().map((ns) => {
      const kv = kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
      return {
        namespace: ns.getNamespace(),
        reads: kv.getReadsList().map(readFromProto),
        rangeQueries: kv.getRangeQueriesInfoList().map((info) => ({
          startKey: info.getStartKey(),
          endKey: info.getEndKey(),
          itrExhausted: info.getItrExhausted(),
          reads: (info.getRawReads()?.getKvReadsList() ?? []).map(readFromProto),
        })),
        writes: kv.getWritesList().map((w) => ({
          key: w.getKey(),
          isDelete: w.getIsDelete(),
          value: Buffer.from(w.getValue_asU8()),
        })),
        metadataWrites: kv.getMetadataWritesList().map((m) => ({
          key: m.getKey(),
          entries: entriesFromProto(m.getEntriesList()),
        })),
        collections: ns.getCollectionHashedRwsetList().map((c) => {
          const hashed = kvrwset.HashedRWSet.deserializeBinary(c.getHashedRwset_asU8());
          return {
            collection: c.getCollectionName(),
            pvtRwSetHash: Buffer.from(c.getPvtRwsetHash_asU8()),
            hashedReads: hashed.getHashedReadsList().map((r) => ({
              keyHash: Buffer.from(r.getKeyHash_asU8()),
              version: versionFromProto(r.getVersion()),
            })),
            hashedWrites: hashed.getHashedWritesList().map((w) => ({
              keyHash: Buffer.from(w.getKeyHash_asU8()),
              isDelete: w.getIsDelete(),
              valueHash: Buffer.from(w.getValueHash_asU8()),
            })),
            metadataWrites: hashed.getMetadataWritesList().map((m) => ({
              keyHash: Buffer.from(m.getKeyHash_asU8()),
              entries: entriesFromProto(m.getEntriesList()),
            })),
          };
        }),
      };
    }),
  };
}
