import type { z } from 'zod';
import { fieldPath } from '../http/api-router';
import type { RejectionReason } from './reading-schema';

/**
 * A reading the bridge did not accept: its place in the request or message, the reason (a fixed
 * vocabulary, also the metrics label) and a `detail` for people, naming the field and the rule
 * it broke, e.g. `value: must be a number, got a string`.
 */
export interface ReadingRejection {
  index: number;
  reason: RejectionReason;
  detail: string;
}

/** The fields a reading may have (the schema is strict: the signature covers every field). */
const READING_FIELDS = 'deviceId, seq, timestamp, metric, value, unit, signature';

const EXPECTED: Record<string, string> = {
  object: 'a JSON object',
  int: 'an integer',
  number: 'a number',
  string: 'a string',
};

function described(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** `field: rule` for every schema issue of a reading, joined by `; `. */
export function schemaRejectionDetail(raw: unknown, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = fieldPath(issue.path) || 'reading';
      if (issue.code === 'unrecognized_keys') {
        return issue.keys
          .map((key) => `${key}: is not a field of a reading (it has only ${READING_FIELDS})`)
          .join('; ');
      }
      if (issue.code === 'invalid_type') {
        const got = valueAt(raw, issue.path);
        if (got === undefined) return `${field}: is required`;
        return `${field}: must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${described(got)}`;
      }
      return `${field}: ${issue.message}`;
    })
    .join('; ');
}

/** The detail of a reading refused for being stale, by what `SequenceTracker.staleReason` found. */
export function staleRejectionDetail(
  reason: 'duplicate' | 'out-of-order',
  seq: number,
  last?: number,
): string {
  return reason === 'duplicate'
    ? `seq: ${seq} of this device was accepted before`
    : `seq: ${seq} is not above the device's last accepted seq${last === undefined ? '' : ` (${last})`}`;
}
