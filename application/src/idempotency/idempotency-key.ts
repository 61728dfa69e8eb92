import { createHash } from 'node:crypto';
import { canonicalJson } from '@cityledger/proofs';
import type { Request } from 'express';
import type { Caller } from '../auth/caller';
import { InvalidInputError } from '../errors/gateway-errors';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Set on an answer that is the stored answer to an earlier request with the same key. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * UUIDs, ULIDs and base64 tokens fit. The IETF draft makes the field a Structured Fields string
 * (`"…"`); payment APIs take the bare token. Both are accepted and mean the same key.
 */
const KEY_SYNTAX = /^[A-Za-z0-9._:~+/=-]{1,255}$/;

/**
 * The request's `Idempotency-Key`, or undefined without one.
 *
 * @throws InvalidInputError (field `Idempotency-Key`) for an empty, repeated, too long or
 *   otherwise malformed key.
 */
export function idempotencyKeyOf(req: Request): string | undefined {
  const raw = req.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
  if (raw === undefined) return undefined;
  const value = Array.isArray(raw) ? raw.join(', ') : raw;
  const key = /^"(.*)"$/.exec(value)?.[1] ?? value;
  if (!KEY_SYNTAX.test(key)) {
    throw new InvalidInputError(
      IDEMPOTENCY_KEY_HEADER,
      "must be one key of 1 to 255 letters, digits or '.', '_', ':', '~', '+', '/', '=', '-' (a UUID, say)",
    );
  }
  return key;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Where a key is unique: one caller (organisation and user) on one operation. Two users who pick
 * the same key never see each other's answers.
 */
export function idempotencyScopeOf(caller: Caller, operation: string, key: string): string {
  return sha256(JSON.stringify([caller.mspId, caller.userId, operation, key]));
}

/**
 * What makes two requests with one key "the same request": the resource they address and the body,
 * as canonical JSON so that formatting and key order do not make requests differ.
 */
export function requestFingerprint(req: Request): string {
  return sha256(canonicalJson([req.method, req.originalUrl, req.body ?? null]));
}
