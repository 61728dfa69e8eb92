/**
 * "Is there any key under this prefix?" as a range query that the chaincode stops after one key.
 * That does not make it cheap for MVCC: the peer fetches the range a batch at a time (up to 100
 * keys) and records every key it fetched, and validation re-runs the range up to the last of them
 * (the whole range when it held fewer). So a key inserted anywhere in that part of the range —
 * before or after the first key — makes the probing transaction PHANTOM_READ_CONFLICT, on Fabric
 * and on the embedded network alike. Use it only where such an insert is a real conflict; for a
 * yes/no that later inserts must not disturb, read a single marker key instead (hasLinkedMeter).
 */
import type { Context } from 'fabric-contract-api';

interface ProbeIterator {
  next(): Promise<{ value?: unknown; done?: boolean }>;
  close(): Promise<void>;
}

export async function anyKeyUnder(
  ctx: Context,
  objectType: string,
  attributes: readonly string[],
): Promise<boolean> {
  const iterator = (await ctx.stub.getStateByPartialCompositeKey(objectType, [
    ...attributes,
  ])) as unknown as ProbeIterator;
  try {
    const first = await iterator.next();
    return first.value !== undefined && first.value !== null;
  } finally {
    await iterator.close();
  }
}
