import { randomBytes } from 'node:crypto';
import {
  Context,
  Contract,
  Info,
  Object as DataType,
  Property,
  Returns,
  Transaction,
} from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';

/** A typed parameter: the contract router validates it against the metadata's component schema. */
@DataType()
export class AssetLabel {
  @Property('text', 'string')
  text = '';

  @Property('priority', 'number')
  priority = 0;
}

/**
 * A deliberately small contract that exercises every stub API the embedded peer must support;
 * the embedded network's tests run it to prove each Fabric behaviour.
 */
@Info({ title: 'AssetContract', description: 'Test contract for the embedded network' })
export class AssetContract extends Contract {
  constructor() {
    super('assets');
  }

  @Transaction()
  async Put(ctx: Context, key: string, value: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from(value));
    ctx.stub.setEvent('Put', Buffer.from(JSON.stringify({ key, value })));
  }

  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, key: string): Promise<string> {
    return (await ctx.stub.getState(key)).toString();
  }

  /** Reads the key, then writes value + suffix: two concurrent calls conflict on MVCC. */
  @Transaction()
  async Append(ctx: Context, key: string, suffix: string): Promise<string> {
    const current = (await ctx.stub.getState(key)).toString();
    await ctx.stub.putState(key, Buffer.from(current + suffix));
    return current + suffix;
  }

  /** Returns what getState sees right after putState in the same transaction. */
  @Transaction()
  @Returns('string')
  async PutThenGet(ctx: Context, key: string, value: string): Promise<string> {
    await ctx.stub.putState(key, Buffer.from(value));
    return (await ctx.stub.getState(key)).toString();
  }

  /** Writes, reads, deletes and writes one key again: the last write is the one that counts. */
  @Transaction()
  @Returns('string')
  async RewriteAroundRead(ctx: Context, key: string, value: string): Promise<string> {
    await ctx.stub.putState(key, Buffer.from('draft'));
    const committed = (await ctx.stub.getState(key)).toString();
    await ctx.stub.deleteState(key);
    await ctx.stub.putState(key, Buffer.from(value));
    return committed;
  }

  @Transaction()
  async Delete(ctx: Context, key: string): Promise<void> {
    await ctx.stub.deleteState(key);
  }

  /** Counts the keys of a range and writes the count: a phantom makes it invalid. */
  @Transaction()
  async CountRange(ctx: Context, startKey: string, endKey: string, target: string): Promise<number> {
    let count = 0;
    for await (const _ of ctx.stub.getStateByRange(startKey, endKey)) count++;
    await ctx.stub.putState(target, Buffer.from(String(count)));
    return count;
  }

  /** Reads only the first key of a range, then writes: the rest of the range is not its business. */
  @Transaction()
  async FirstOfRange(ctx: Context, startKey: string, endKey: string, target: string): Promise<string> {
    const iterator = await ctx.stub.getStateByRange(startKey, endKey);
    const first = await iterator.next();
    await iterator.close();
    const key = first.done ? '' : first.value.key;
    await ctx.stub.putState(target, Buffer.from(key));
    return key;
  }

  @Transaction(false)
  @Returns('string')
  async Range(ctx: Context, startKey: string, endKey: string): Promise<string> {
    const keys: string[] = [];
    for await (const { key } of ctx.stub.getStateByRange(startKey, endKey)) keys.push(key);
    return JSON.stringify(keys);
  }

  @Transaction()
  async PutOwned(ctx: Context, owner: string, id: string, value: string): Promise<void> {
    await ctx.stub.putState(ctx.stub.createCompositeKey('asset', [owner, id]), Buffer.from(value));
  }

  @Transaction(false)
  @Returns('string')
  async ListOwned(ctx: Context, owner: string): Promise<string> {
    const found: string[] = [];
    for await (const { key, value } of ctx.stub.getStateByPartialCompositeKey('asset', [owner])) {
      const { attributes } = ctx.stub.splitCompositeKey(key);
      found.push(`${attributes[1]}=${value.toString()}`);
    }
    return JSON.stringify(found);
  }

  @Transaction(false)
  @Returns('string')
  async ListOwnedPage(ctx: Context, owner: string, pageSize: number, bookmark: string): Promise<string> {
    const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
      'asset',
      [owner],
      pageSize,
      bookmark,
    );
    const ids: string[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      ids.push(ctx.stub.splitCompositeKey(next.value.key).attributes[1]!);
    }
    await iterator.close();
    return JSON.stringify({ ids, bookmark: metadata.bookmark });
  }

  /** Pagination in a transaction that writes: Fabric refuses it. */
  @Transaction()
  async PageAndWrite(ctx: Context, owner: string): Promise<void> {
    const { iterator } = await ctx.stub.getStateByPartialCompositeKeyWithPagination('asset', [owner], 1, '');
    await iterator.close();
    await ctx.stub.putState('paged', Buffer.from('x'));
  }

  @Transaction(false)
  @Returns('string')
  async History(ctx: Context, key: string): Promise<string> {
    const entries: Array<{ txId: string; value: string; isDelete: boolean }> = [];
    for await (const entry of ctx.stub.getHistoryForKey(key)) {
      entries.push({
        txId: entry.txId,
        value: Buffer.from(entry.value).toString(),
        isDelete: entry.isDelete,
      });
    }
    return JSON.stringify(entries);
  }

  @Transaction()
  async PutPrivate(ctx: Context, collection: string, key: string): Promise<void> {
    const value = ctx.stub.getTransient().get('value');
    if (!value) throw new Error('transient field "value" is required');
    await ctx.stub.putPrivateData(collection, key, value);
  }

  @Transaction(false)
  @Returns('string')
  async GetPrivate(ctx: Context, collection: string, key: string): Promise<string> {
    return (await ctx.stub.getPrivateData(collection, key)).toString();
  }

  @Transaction(false)
  @Returns('string')
  async GetPrivateHash(ctx: Context, collection: string, key: string): Promise<string> {
    return Buffer.from(await ctx.stub.getPrivateDataHash(collection, key)).toString('hex');
  }

  /** Puts a state-based endorsement policy on a key: from now on these orgs' peers must endorse it. */
  @Transaction()
  async SetKeyPolicy(ctx: Context, key: string, orgs: string): Promise<void> {
    const policy = new KeyEndorsementPolicy();
    policy.addOrgs('PEER', ...(JSON.parse(orgs) as string[]));
    await ctx.stub.setStateValidationParameter(key, policy.getPolicy());
  }

  @Transaction(false)
  @Returns('string')
  async WhoAmI(ctx: Context): Promise<string> {
    return JSON.stringify({
      mspId: ctx.clientIdentity.getMSPID(),
      role: ctx.clientIdentity.getAttributeValue('role'),
      txTime: ctx.stub.getDateTimestamp().toISOString(),
    });
  }

  /** Non-deterministic on purpose: each endorser computes a different value. */
  @Transaction()
  async PutRandom(ctx: Context, key: string): Promise<void> {
    await ctx.stub.putState(key, randomBytes(8));
  }

  /** A number parameter: the router refuses a value that is not one before the contract runs. */
  @Transaction()
  async PutCount(ctx: Context, key: string, count: number): Promise<void> {
    await ctx.stub.putState(key, Buffer.from(String(count)));
  }

  /** An object parameter: validated against the `AssetLabel` component schema. */
  @Transaction()
  async PutLabel(ctx: Context, key: string, label: AssetLabel): Promise<void> {
    await ctx.stub.putState(key, Buffer.from(`${label.text}/${label.priority}`));
  }

  @Transaction()
  async Fail(_ctx: Context, message: string): Promise<void> {
    throw new Error(message);
  }

  @Transaction()
  @Returns('string')
  async CallOther(
    ctx: Context,
    chaincode: string,
    fn: string,
    args: string,
    channel: string,
  ): Promise<string> {
    const response = await ctx.stub.invokeChaincode(
      chaincode,
      [fn, ...(JSON.parse(args) as string[])],
      channel,
    );
    return JSON.stringify({
      status: response.status,
      payload: Buffer.from(response.payload ?? []).toString(),
    });
  }
}

export const assetContracts = [AssetContract];
