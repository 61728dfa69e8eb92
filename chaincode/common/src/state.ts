/**
 * World-state access with canonical JSON.
 *
 * Fabric rule: a transaction does not read its own writes — getState returns the committed value
 * even after putState in the same transaction. Contracts therefore read everything they need first
 * and write last (access check, validation, reads, writes, event).
 */
import type { Context } from 'fabric-contract-api';
import { canonicalJsonBuffer } from './canonical-json';
import { NotFoundError } from './errors';

/**
 * Builds a composite key. Attributes must come from validated ids/DIDs (see `parseId`), which can
 * never contain the U+0000 separator.
 */
export function compositeKey(ctx: Context, objectType: string, attributes: readonly string[]): string {
  return ctx.stub.createCompositeKey(objectType, [...attributes]);
}

export function decodeJson<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

/** The committed JSON value at `key`, or undefined when the key is absent. */
export async function getJson<T>(ctx: Context, key: string): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(key);
  if (!bytes || bytes.length === 0) {
    return undefined;
  }
  return decodeJson<T>(bytes);
}

/** Like {@link getJson} but `NOT_FOUND: <what> does not exist` when absent. */
export async function requireJson<T>(ctx: Context, key: string, what: string): Promise<T> {
  const value = await getJson<T>(ctx, key);
  if (value === undefined) {
    throw new NotFoundError(`${what} does not exist`);
  }
  return value;
}

export async function keyExists(ctx: Context, key: string): Promise<boolean> {
  const bytes = await ctx.stub.getState(key);
  return !!bytes && bytes.length > 0;
}

/** Writes `value` as canonical JSON. */
export async function putJson(ctx: Context, key: string, value: unknown): Promise<void> {
  await ctx.stub.putState(key, canonicalJsonBuffer(value));
}

/**
 * Value of an index entry. Fabric treats an empty value as a delete, so index keys hold one byte
 * (the convention of the Fabric samples).
 */
export const INDEX_VALUE: Uint8Array = Buffer.from([0]);

export async function putIndex(ctx: Context, key: string): Promise<void> {
  await ctx.stub.putState(key, INDEX_VALUE);
}
