/**
 * An in-memory ledger for contract unit tests, built on sinon stubs of fabric-shim's real
 * `ChaincodeStub` and `ClientIdentity`. It keeps Fabric's semantics that matter to contract code:
 * reads see committed state only (a transaction does not read its own writes), writes apply when
 * the transaction succeeds and are discarded when it throws, one event per transaction (the last
 * `setEvent` wins, as on a peer), newest-first key history, private data with its SHA-256 hash.
 *
 * Not a replacement for the embedded network: no endorsement, no MVCC.
 */
import { createHash } from 'node:crypto';
import * as sinon from 'sinon';
import { Context } from 'fabric-contract-api';
import { ChaincodeStub, ClientIdentity } from 'fabric-shim';

export interface TxOptions {
  mspId: string;
  /** Value of the `role` certificate attribute; omitted = no attribute. */
  role?: string;
  /** Further certificate attributes by name, e.g. `{ did: 'did:cityledger:civic:alice' }`. */
  attributes?: Readonly<Record<string, string>>;
  /** Common name of the caller's certificate, for `getID()`. */
  user?: string;
  /** Transaction time (ISO); by default the ledger clock, which advances one second per transaction. */
  time?: string;
  txId?: string;
  /** Transient data; objects are sent as JSON. */
  transient?: Record<string, string | Uint8Array | object>;
}

export interface HistoryRecord {
  txId: string;
  timestamp: { seconds: number; nanos: number };
  isDelete: boolean;
  value: Buffer;
}

export interface RecordedEvent {
  txId: string;
  name: string;
  payload: unknown;
}

export interface ChaincodeResponseLike {
  status: number;
  message?: string;
  payload?: Uint8Array;
}

/** Answers `invokeChaincode` for a chaincode name; receives the calling transaction's context. */
export type ChaincodeHandler = (args: string[], ctx: Context) => Promise<ChaincodeResponseLike>;

export interface FakeTransaction {
  ctx: Context;
  stub: sinon.SinonStubbedInstance<ChaincodeStub>;
  identity: sinon.SinonStubbedInstance<ClientIdentity>;
  txId: string;
  /** Pending writes: key → value (undefined = delete). */
  writes: Map<string, Buffer | undefined>;
  privateWrites: Map<string, Map<string, Buffer | undefined>>;
  /** The event Fabric would keep (the last one set). */
  event?: { name: string; payload: Buffer };
}

const MAX_UNICODE = '\u{10ffff}';

export class FakeLedger {
  readonly state = new Map<string, Buffer>();
  readonly history = new Map<string, HistoryRecord[]>();
  readonly privateData = new Map<string, Map<string, Buffer>>();
  readonly events: RecordedEvent[] = [];
  readonly chaincodes = new Map<string, ChaincodeHandler>();
  private clockMillis: number;
  private txCounter = 0;

  constructor(
    readonly channel = 'energy',
    startTime = '2025-01-01T00:00:00.000Z',
  ) {
    this.clockMillis = Date.parse(startTime);
  }

  /** Starts a transaction; call {@link commit} or let {@link submit} do it. */
  begin(opts: TxOptions): FakeTransaction {
    this.txCounter += 1;
    const txId = opts.txId ?? `tx${String(this.txCounter).padStart(6, '0')}`;
    let millis: number;
    if (opts.time) {
      millis = Date.parse(opts.time);
      this.clockMillis = Math.max(this.clockMillis, millis);
    } else {
      this.clockMillis += 1000;
      millis = this.clockMillis;
    }
    // A sandbox per transaction: the default sandbox would accumulate every stub of a test run.
    const sandbox = sinon.createSandbox();
    const stub = sandbox.createStubInstance(ChaincodeStub);
    const identity = sandbox.createStubInstance(ClientIdentity);
    const ctx = new Context();
    const tx: FakeTransaction = { ctx, stub, identity, txId, writes: new Map(), privateWrites: new Map() };
    ctx.stub = stub as unknown as Context['stub'];
    ctx.clientIdentity = identity as unknown as Context['clientIdentity'];

    identity.getMSPID.returns(opts.mspId);
    identity.getAttributeValue.callsFake((name: string) =>
      name === 'role' ? (opts.role ?? null) : (opts.attributes?.[name] ?? null),
    );
    identity.getID.returns(`x509::/CN=${opts.user ?? 'user1'}::/CN=ca.${opts.mspId.toLowerCase()}`);

    this.stubBasics(tx, millis, opts);
    this.stubState(tx);
    this.stubQueries(tx);
    this.stubPrivateData(tx);
    stub.setEvent.callsFake((name: string, payload: Uint8Array) => {
      tx.event = { name, payload: Buffer.from(payload) };
    });
    stub.invokeChaincode.callsFake(async (name: string, args: string[], channel: string) => {
      const handler = this.chaincodes.get(name);
      if (!handler || (channel !== '' && channel !== this.channel)) {
        return { status: 500, message: `chaincode ${name} not found` } as never;
      }
      return (await handler(args, ctx)) as never;
    });
    return tx;
  }

  /** Applies the transaction's writes and records its event. */
  commit(tx: FakeTransaction): void {
    const timestamp = tx.stub.getTxTimestamp() as unknown as {
      seconds: { toNumber(): number };
      nanos: number;
    };
    for (const [key, value] of tx.writes) {
      const record: HistoryRecord = {
        txId: tx.txId,
        timestamp: { seconds: timestamp.seconds.toNumber(), nanos: timestamp.nanos },
        isDelete: value === undefined,
        value: value ?? Buffer.alloc(0),
      };
      if (value === undefined) {
        this.state.delete(key);
      } else {
        this.state.set(key, value);
      }
      this.history.set(key, [record, ...(this.history.get(key) ?? [])]);
    }
    for (const [collection, writes] of tx.privateWrites) {
      const store = this.privateData.get(collection) ?? new Map<string, Buffer>();
      for (const [key, value] of writes) {
        if (value === undefined) store.delete(key);
        else store.set(key, value);
      }
      this.privateData.set(collection, store);
    }
    if (tx.event) {
      this.events.push({
        txId: tx.txId,
        name: tx.event.name,
        payload: JSON.parse(tx.event.payload.toString()),
      });
    }
  }

  /** Runs `fn` as one transaction: commits on success, discards everything on error. */
  async submit<T>(opts: TxOptions, fn: (ctx: Context, tx: FakeTransaction) => Promise<T>): Promise<T> {
    const tx = this.begin(opts);
    const result = await fn(tx.ctx, tx);
    this.commit(tx);
    return result;
  }

  /** Runs `fn` without committing (a query / evaluate). */
  async evaluate<T>(opts: TxOptions, fn: (ctx: Context, tx: FakeTransaction) => Promise<T>): Promise<T> {
    const tx = this.begin(opts);
    return fn(tx.ctx, tx);
  }

  /** Committed JSON value of `key`, parsed. */
  getJson(key: string): unknown {
    const value = this.state.get(key);
    return value === undefined ? undefined : JSON.parse(value.toString('utf8'));
  }

  /** Committed keys (sorted), optionally only those of a composite key object type. */
  keys(objectType?: string): string[] {
    const prefix = objectType === undefined ? '' : `\u0000${objectType}\u0000`;
    return [...this.state.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  lastEvent(): RecordedEvent | undefined {
    return this.events[this.events.length - 1];
  }

  private stubBasics(tx: FakeTransaction, millis: number, opts: TxOptions): void {
    const { stub } = tx;
    const seconds = Math.floor(millis / 1000);
    const nanos = (millis % 1000) * 1e6;
    stub.getTxID.returns(tx.txId);
    stub.getChannelID.returns(this.channel);
    stub.getTxTimestamp.returns({
      seconds: { toNumber: () => seconds, low: seconds, high: 0 },
      nanos,
    } as never);
    stub.getDateTimestamp.returns(new Date(millis));
    stub.getMspID.returns(opts.mspId);
    const transient = new Map<string, Uint8Array>();
    for (const [key, value] of Object.entries(opts.transient ?? {})) {
      transient.set(
        key,
        typeof value === 'string'
          ? Buffer.from(value)
          : value instanceof Uint8Array
            ? Buffer.from(value)
            : Buffer.from(JSON.stringify(value)),
      );
    }
    stub.getTransient.returns(transient);
    stub.createCompositeKey.callsFake((objectType: string, attributes: string[]) =>
      ChaincodeStub.prototype.createCompositeKey.call(stub, objectType, attributes),
    );
    stub.splitCompositeKey.callsFake((key: string) =>
      ChaincodeStub.prototype.splitCompositeKey.call(stub, key),
    );
  }

  private stubState(tx: FakeTransaction): void {
    const { stub } = tx;
    stub.getState.callsFake(async (key: string) => this.state.get(key) ?? Buffer.alloc(0));
    stub.putState.callsFake(async (key: string, value: Uint8Array) => {
      if (!key) throw new Error('key must not be empty');
      // Fabric treats an empty value as a delete.
      tx.writes.set(key, value.length === 0 ? undefined : Buffer.from(value));
    });
    stub.deleteState.callsFake(async (key: string) => {
      tx.writes.set(key, undefined);
    });
    stub.getHistoryForKey.callsFake(
      (key: string) =>
        Promise.resolve(iteratorOf((this.history.get(key) ?? []).map((r) => ({ ...r })))) as never,
    );
  }

  private stubQueries(tx: FakeTransaction): void {
    const { stub } = tx;
    const rangeOf = (objectType: string, attributes: string[]) => {
      const start = ChaincodeStub.prototype.createCompositeKey.call(stub, objectType, attributes);
      const end = start + MAX_UNICODE;
      return [...this.state.keys()].filter((k) => k >= start && k < end).sort();
    };
    stub.getStateByPartialCompositeKey.callsFake(
      (objectType: string, attributes: string[]) =>
        Promise.resolve(
          iteratorOf(
            rangeOf(objectType, attributes).map((key) => ({
              namespace: '',
              key,
              value: this.state.get(key)!,
            })),
          ),
        ) as never,
    );
    stub.getStateByPartialCompositeKeyWithPagination.callsFake(
      (objectType: string, attributes: string[], pageSize: number, bookmark?: string) => {
        let keys = rangeOf(objectType, attributes);
        if (bookmark) keys = keys.filter((k) => k >= bookmark);
        const page = keys.slice(0, pageSize);
        const next = keys.length > pageSize ? keys[pageSize] : '';
        return Promise.resolve({
          iterator: iteratorOf(page.map((key) => ({ namespace: '', key, value: this.state.get(key)! }))),
          metadata: { fetchedRecordsCount: page.length, bookmark: next },
        }) as never;
      },
    );
  }

  private stubPrivateData(tx: FakeTransaction): void {
    const { stub } = tx;
    stub.getPrivateData.callsFake(
      async (collection: string, key: string) =>
        this.privateData.get(collection)?.get(key) ?? Buffer.alloc(0),
    );
    stub.getPrivateDataHash.callsFake(async (collection: string, key: string) => {
      const value = this.privateData.get(collection)?.get(key);
      return value ? createHash('sha256').update(value).digest() : Buffer.alloc(0);
    });
    stub.putPrivateData.callsFake(async (collection: string, key: string, value: Uint8Array) => {
      const writes = tx.privateWrites.get(collection) ?? new Map<string, Buffer | undefined>();
      writes.set(key, Buffer.from(value));
      tx.privateWrites.set(collection, writes);
    });
  }
}

function iteratorOf<T>(items: T[]) {
  let i = 0;
  const iterator = {
    next: async () =>
      i < items.length ? { value: items[i++], done: false } : { value: undefined, done: true },
    close: async () => undefined,
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
