import { ledger as ledgerProtos, peer } from '@hyperledger/fabric-protos';
import type { ChannelLedger, StateKeyValue } from '../ledger/channel-ledger';
import type { ReadWriteSetBuilder } from '../protocol/read-write-set-builder';
import { type KeyRead, type Version, sha256 } from '../protocol/read-write-set';
import { timestampFromDate } from '../protocol/timestamps';
import type { ChaincodeResponse } from './contract-chaincode';

/** How one private data collection may be used, from its collection config. */
export interface CollectionPolicy {
  members: ReadonlySet<string>;
  memberOnlyRead: boolean;
  memberOnlyWrite: boolean;
}

/** Everything one transaction simulation shares across the chaincodes it calls. */
export interface SimulationContext {
  channel: string;
  txId: string;
  ledger: ChannelLedger;
  /** MSP ID of the peer simulating: private data is only there if it is a collection member. */
  peerMspId: string;
  creatorMspId: string;
  rwset: ReadWriteSetBuilder;
  collection(namespace: string, collection: string): CollectionPolicy | undefined;
  invokeChaincode(chaincode: string, args: Buffer[], channel: string | undefined): Promise<ChaincodeResponse>;
}

/** Results handed to the stub per QueryStateNext round trip, as a peer pages them. */
const QUERY_PAGE = 100;

/** Produces the next batch of an open query's results. */
type FetchPage = () => Promise<{ results: peer.QueryResultBytes[]; more: boolean }>;

/** Serves results that are already in memory a batch at a time. */
function pagesOf(results: peer.QueryResultBytes[]): FetchPage {
  let offset = 0;
  return async () => {
    const page = results.slice(offset, offset + QUERY_PAGE);
    offset += page.length;
    return { results: page, more: offset < results.length };
  };
}

/** A range query's first page, and the paging metadata of a paginated one. */
export interface RangeQueryResult {
  response: peer.QueryResponse;
  metadata?: { bookmark: string; fetchedRecordsCount: number };
}

/**
 * The embedded peer's side of the chaincode shim protocol: each method answers one message a
 * chaincode's stub sends its peer (GET_STATE, PUT_STATE, GET_STATE_BY_RANGE, …), reading the
 * channel's committed state and recording the transaction's read/write set. The chaincode side
 * (shim-handler.ts) runs beside the chaincode, in this thread or in the organisation's worker.
 */
export class SimulationHandler {
  private readonly queries = new Map<string, FetchPage>();
  private nextQueryId = 0;

  constructor(
    private readonly context: SimulationContext,
    private readonly namespace: string,
  ) {}

  private collectionPolicy(collection: string): CollectionPolicy {
    const policy = this.context.collection(this.namespace, collection);
    if (!policy) {
      throw new Error(`collection ${collection} is not defined for chaincode ${this.namespace}`);
    }
    return policy;
  }

  private checkReadAccess(collection: string): CollectionPolicy {
    const policy = this.collectionPolicy(collection);
    if (policy.memberOnlyRead && !policy.members.has(this.context.creatorMspId)) {
      throw new Error(
        `tx creator does not have read access permission on privatedata in chaincodeName:${this.namespace} collectionName: ${collection}`,
      );
    }
    return policy;
  }

  private checkWriteAccess(collection: string): void {
    const policy = this.collectionPolicy(collection);
    if (policy.memberOnlyWrite && !policy.members.has(this.context.creatorMspId)) {
      throw new Error(
        `tx creator does not have write access permission on privatedata in chaincodeName:${this.namespace} collectionName: ${collection}`,
      );
    }
  }

  async handleGetState(collection: string, key: string): Promise<Buffer> {
    const { ledger, rwset, peerMspId } = this.context;
    if (!collection) {
      const record = await ledger.getState(this.namespace, key);
      rwset.addRead(this.namespace, key, record?.version ?? null);
      return record ? Buffer.from(record.value) : Buffer.alloc(0);
    }
    const policy = this.checkReadAccess(collection);
    const hashed = await ledger.getPrivateDataHash(this.namespace, collection, sha256(key));
    rwset.addPrivateRead(this.namespace, collection, key, hashed?.version ?? null);
    rwset.addPrivateValueRead(this.namespace, collection);
    if (!hashed) return Buffer.alloc(0);
    // A peer outside the collection holds only hashes: like a Fabric peer, it fails the read
    // rather than pretend the key is absent.
    const record = policy.members.has(peerMspId)
      ? await ledger.getPrivateData(peerMspId, this.namespace, collection, key)
      : undefined;
    if (!record || !sameVersion(record.version, hashed.version)) {
      throw new Error(
        `GET_STATE failed: transaction ID: ${this.context.txId}: private data matching public hash version is not available. ` +
          `Public hash version = ${fabricVersion(hashed.version)}, Private data version = ${fabricVersion(record?.version)}`,
      );
    }
    return Buffer.from(record.value);
  }

  async handleGetPrivateDataHash(collection: string, key: string): Promise<Buffer> {
    this.collectionPolicy(collection);
    const hashed = await this.context.ledger.getPrivateDataHash(this.namespace, collection, sha256(key));
    this.context.rwset.addPrivateRead(this.namespace, collection, key, hashed?.version ?? null);
    return hashed ? Buffer.from(hashed.value) : Buffer.alloc(0);
  }

  async handlePutState(collection: string, key: string, value: Uint8Array): Promise<void> {
    if (!key) throw new Error('key must not be an empty string');
    if (!collection) {
      this.context.rwset.addWrite(this.namespace, key, Buffer.from(value));
      return;
    }
    this.checkWriteAccess(collection);
    this.context.rwset.addPrivateWrite(this.namespace, collection, key, Buffer.from(value));
  }

  async handleDeleteState(collection: string, key: string): Promise<void> {
    if (!collection) {
      this.context.rwset.addWrite(this.namespace, key, null);
      return;
    }
    this.checkWriteAccess(collection);
    this.context.rwset.addPrivateWrite(this.namespace, collection, key, null);
  }

  /** Purge is recorded as a delete: the embedded network keeps no purge-specific history. */
  async handlePurgeState(collection: string, key: string): Promise<void> {
    return this.handleDeleteState(collection, key);
  }

  async handlePutStateMetadata(
    collection: string,
    key: string,
    metakey: string,
    value: Uint8Array,
  ): Promise<void> {
    if (!collection) {
      this.context.rwset.addMetadataWrite(this.namespace, key, metakey, Buffer.from(value));
      return;
    }
    this.checkWriteAccess(collection);
    this.context.rwset.addPrivateMetadataWrite(this.namespace, collection, key, metakey, Buffer.from(value));
  }

  async handleGetStateMetadata(collection: string, key: string): Promise<Record<string, Buffer>> {
    const { ledger, rwset } = this.context;
    if (!collection) {
      const record = await ledger.getState(this.namespace, key);
      rwset.addRead(this.namespace, key, record?.version ?? null);
      return record?.metadata ?? {};
    }
    this.checkReadAccess(collection);
    const hashed = await ledger.getPrivateDataHash(this.namespace, collection, sha256(key));
    rwset.addPrivateRead(this.namespace, collection, key, hashed?.version ?? null);
    return hashed?.metadata ?? {};
  }

  async handleGetStateByRange(
    collection: string,
    startKey: string,
    endKey: string,
    _channel: string,
    _txId: string,
    metadataBytes?: Uint8Array,
  ): Promise<RangeQueryResult> {
    const { ledger, rwset, peerMspId } = this.context;
    let response: peer.QueryResponse;
    let responseMetadata: { bookmark: string; fetchedRecordsCount: number } | undefined;
    if (collection) {
      const policy = this.checkReadAccess(collection);
      rwset.addPrivateValueRead(this.namespace, collection);
      const records = policy.members.has(peerMspId)
        ? await ledger.getPrivateDataRange(peerMspId, this.namespace, collection, startKey, endKey)
        : [];
      response = await this.openQuery(pagesOf(records.map((r) => this.keyValue(r))));
    } else if (metadataBytes && metadataBytes.length > 0) {
      const query = peer.QueryMetadata.deserializeBinary(metadataBytes);
      const pageSize = query.getPagesize();
      if (pageSize <= 0) throw new Error(`page size must be positive, got ${pageSize}`);
      const bookmark = query.getBookmark();
      const from = bookmark && bookmark > startKey ? bookmark : startKey;
      const fetched = await ledger.getStateRange(this.namespace, from, endKey, pageSize + 1);
      const records = fetched.slice(0, pageSize);
      responseMetadata = { bookmark: fetched[pageSize]?.key ?? '', fetchedRecordsCount: records.length };
      rwset.markPaginatedQuery();
      response = await this.openQuery(pagesOf(records.map((r) => this.keyValue(r))));
      const meta = new peer.QueryResponseMetadata();
      meta.setBookmark(responseMetadata.bookmark);
      meta.setFetchedRecordsCount(responseMetadata.fetchedRecordsCount);
      response.setMetadata(meta.serializeBinary());
    } else {
      // Like a peer, fetch the range a batch at a time and record only what was fetched, so
      // validation re-checks exactly the part of the range this transaction saw.
      const range = { startKey, endKey, itrExhausted: false, reads: [] as KeyRead[] };
      rwset.addRangeQuery(this.namespace, range);
      let from = startKey;
      response = await this.openQuery(async () => {
        const fetched = await ledger.getStateRange(this.namespace, from, endKey, QUERY_PAGE + 1);
        const page = fetched.slice(0, QUERY_PAGE);
        range.reads.push(...page.map(({ key, record }) => ({ key, version: record.version })));
        const next = fetched[QUERY_PAGE];
        if (next) from = next.key;
        else range.itrExhausted = true;
        return { results: page.map((r) => this.keyValue(r)), more: next !== undefined };
      });
    }
    return responseMetadata ? { response, metadata: responseMetadata } : { response };
  }

  private keyValue({ key, record }: StateKeyValue): peer.QueryResultBytes {
    const kv = new ledgerProtos.queryresult.KV();
    kv.setNamespace(this.namespace);
    kv.setKey(key);
    kv.setValue(record.value);
    const bytes = new peer.QueryResultBytes();
    bytes.setResultbytes(kv.serializeBinary());
    return bytes;
  }

  async handleGetQueryResult(): Promise<never> {
    // The embedded state database is LevelDB, which, as on a Fabric peer, has no rich queries.
    throw new Error('ExecuteQuery not supported for leveldb');
  }

  async handleGetHistoryForKey(key: string): Promise<peer.QueryResponse> {
    const history = await this.context.ledger.getHistory(this.namespace, key);
    const results = history.map((entry) => {
      const modification = new ledgerProtos.queryresult.KeyModification();
      modification.setTxId(entry.txId);
      modification.setValue(entry.value);
      modification.setTimestamp(timestampFromDate(entry.timestamp));
      modification.setIsDelete(entry.isDelete);
      const bytes = new peer.QueryResultBytes();
      bytes.setResultbytes(modification.serializeBinary());
      return bytes;
    });
    return this.openQuery(pagesOf(results));
  }

  private openQuery(fetchPage: FetchPage): Promise<peer.QueryResponse> {
    const id = String(this.nextQueryId++);
    this.queries.set(id, fetchPage);
    return this.nextPage(id, fetchPage);
  }

  private async nextPage(id: string, fetchPage: FetchPage): Promise<peer.QueryResponse> {
    const { results, more } = await fetchPage();
    const response = new peer.QueryResponse();
    response.setId(id);
    response.setResultsList(results);
    response.setHasMore(more);
    if (!more) this.queries.delete(id);
    return response;
  }

  async handleQueryStateNext(id: string): Promise<peer.QueryResponse> {
    const fetchPage = this.queries.get(id);
    if (!fetchPage) throw new Error(`query iterator ${id} is not open`);
    return this.nextPage(id, fetchPage);
  }

  async handleQueryStateClose(id: string): Promise<peer.QueryResponse> {
    this.queries.delete(id);
    const response = new peer.QueryResponse();
    response.setId(id);
    return response;
  }

  async handleInvokeChaincode(
    chaincodeName: string,
    args: Array<string | Buffer>,
  ): Promise<ChaincodeResponse> {
    const [name, channel] = chaincodeName.split('/');
    const response = await this.context.invokeChaincode(
      name ?? '',
      args.map((arg) => Buffer.from(arg)),
      channel && channel !== this.context.channel ? channel : undefined,
    );
    // Like the shim's own handler, hand back error statuses for the calling chaincode to judge.
    return response;
  }
}

function sameVersion(a: Version, b: Version): boolean {
  return a.blockNum === b.blockNum && a.txNum === b.txNum;
}

/** A version as Fabric's error messages print a height. */
function fabricVersion(version: Version | undefined): string {
  return version ? `{BlockNum: ${version.blockNum}, TxNum: ${version.txNum}}` : '<nil>';
}
