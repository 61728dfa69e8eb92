/**
 * "Is there any key under this prefix?" without reading the whole range. In a submitted transaction
 * Fabric re-checks at validation only the part of the range that was read (up to the first key), so
 * the probe does not conflict with inserts further along the range.
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
