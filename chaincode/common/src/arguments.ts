/**
 * Argument parsing and validation. Every parser takes the field name first so that a bad argument
 * fails with `INVALID_ARGUMENT: <field>: <what is wrong>`. Parsers accept `unknown` so the same
 * function checks a transaction argument (always a string) and a field inside a JSON argument.
 */
import { createPublicKey, KeyObject } from 'node:crypto';
import { InvalidArgumentError } from './errors';

/** Longest accepted id (record ids, device ids, batch ids...). */
export const MAX_ID_LENGTH = 128;
/** Largest JSON argument accepted by {@link parseJsonObject} unless told otherwise. */
export const MAX_JSON_BYTES = 256 * 1024;
export const MIN_PAGE_SIZE = 1;
export const MAX_PAGE_SIZE = 200;

/**
 * Ids are restricted to `[A-Za-z0-9._-]`, starting with a letter or digit: no composite key
 * separator (U+0000), no control characters, no U+10FFFF (the range-query end marker), no ':'
 * (ids are embedded in DIDs) and nothing that needs escaping in a URL path.
 */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** `did:cityledger:<channel>:<id>`; Fabric channel names are lower case `[a-z][a-z0-9.-]*`. */
const DID_PATTERN = /^did:cityledger:([a-z][a-z0-9.-]{0,48}):([A-Za-z0-9][A-Za-z0-9._-]*)$/;
/**
 * RFC 3339 §5.6 `date-time` in UTC: `T` and `Z` in either case (§5.6 NOTE), a fraction of any
 * length, `Z` or `+00:00` (§4.3; `-00:00` says the offset is unknown, so it is no UTC time).
 */
const ISO_TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|\+00:00)$/;
const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const SHA256_HEX_PATTERN = /^[0-9a-fA-F]{64}$/;
const DECIMAL_INTEGER_PATTERN = /^-?(0|[1-9]\d*)$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The one rule for text, wherever it enters (HTTP bodies, MQTT readings, chaincode arguments and
 * the JSON inside them): no lone UTF-16 surrogate. UTF-8 cannot carry one — encoding turns it into
 * U+FFFD — so a value that contains one is not the value that would be stored or signed.
 */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** The path (`a.b[0]`) of the first string or key in a JSON value that breaks {@link isWellFormedText}. */
export function findMalformedText(value: unknown): string | undefined {
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  while (pending.length > 0) {
    const { value: next, path } = pending.pop()!;
    if (typeof next === 'string') {
      if (!isWellFormedText(next)) return path;
      continue;
    }
    if (next === null || typeof next !== 'object') continue;
    for (const [key, child] of Object.entries(next)) {
      if (!isWellFormedText(key)) return path;
      const childPath = Array.isArray(next) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      pending.push({ value: child, path: childPath });
    }
  }
  return undefined;
}

function fail(field: string, problem: string): never {
  throw new InvalidArgumentError(field, problem);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return value.length > 40 ? `"${value.slice(0, 40)}..."` : JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

export function parseString(
  field: string,
  value: unknown,
  opts: { minLength?: number; maxLength?: number; pattern?: RegExp; patternDescription?: string } = {},
): string {
  if (typeof value !== 'string') {
    fail(field, `must be a string, got ${describe(value)}`);
  }
  const minLength = opts.minLength ?? 1;
  const maxLength = opts.maxLength ?? 1024;
  if (value.length < minLength) {
    fail(field, minLength === 1 ? 'must not be empty' : `must be at least ${minLength} characters long`);
  }
  if (value.length > maxLength) {
    fail(field, `must be at most ${maxLength} characters long`);
  }
  if (CONTROL_CHARACTERS.test(value)) {
    fail(field, 'must not contain control characters');
  }
  if (!isWellFormedText(value) || value.includes('\uDBFF\uDFFF')) {
    fail(field, 'must be valid Unicode text without U+10FFFF');
  }
  if (opts.pattern && !opts.pattern.test(value)) {
    fail(field, `must be ${opts.patternDescription ?? `of the form ${opts.pattern.source}`}`);
  }
  return value;
}

/** Same as {@link parseString} but `''` (or undefined) means "not given". */
export function parseOptionalString(
  field: string,
  value: unknown,
  opts: Parameters<typeof parseString>[2] = {},
): string | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  return parseString(field, value, opts);
}

/** A record id: 1..maxLength characters of `[A-Za-z0-9._-]`, starting with a letter or digit. */
export function parseId(field: string, value: unknown, opts: { maxLength?: number } = {}): string {
  const maxLength = opts.maxLength ?? MAX_ID_LENGTH;
  if (typeof value !== 'string') {
    fail(field, `must be a string id, got ${describe(value)}`);
  }
  if (value.length === 0) {
    fail(field, 'must not be empty');
  }
  if (value.length > maxLength) {
    fail(field, `must be at most ${maxLength} characters long`);
  }
  if (!ID_PATTERN.test(value)) {
    fail(field, 'must contain only letters, digits, ".", "_" and "-", starting with a letter or digit');
  }
  return value;
}

export interface ParsedDid {
  did: string;
  channel: string;
  id: string;
}

/** `did:cityledger:<channel>:<id>`; with `channel` given, the DID must belong to that channel. */
export function parseDid(field: string, value: unknown, opts: { channel?: string } = {}): ParsedDid {
  if (typeof value !== 'string') {
    fail(field, `must be a DID string, got ${describe(value)}`);
  }
  if (value.length > MAX_ID_LENGTH + 64) {
    fail(field, 'is too long for a DID');
  }
  const match = DID_PATTERN.exec(value);
  if (!match || match[2].length > MAX_ID_LENGTH) {
    fail(field, `must be a DID of the form did:cityledger:<channel>:<id>, got ${describe(value)}`);
  }
  if (opts.channel !== undefined && match[1] !== opts.channel) {
    fail(field, `must be a DID of channel '${opts.channel}', got one of '${match[1]}'`);
  }
  return { did: value, channel: match[1], id: match[2] };
}

export function formatDid(channel: string, id: string): string {
  return `did:cityledger:${channel}:${id}`;
}

/** Either a DID or a plain id (device references may be given both ways). */
export function parseIdOrDid(field: string, value: unknown): string {
  if (typeof value === 'string' && value.startsWith('did:')) {
    return parseDid(field, value).did;
  }
  return parseId(field, value);
}

/**
 * An RFC 3339 UTC timestamp `YYYY-MM-DDTHH:mm:ss[.fraction]Z` that names a real instant.
 * Returns it normalised to millisecond precision (`Date.prototype.toISOString`, digits past the
 * millisecond cut off), so stored timestamps compare correctly as strings. A leap second (`:60`)
 * is refused: JavaScript time, and so every stored time, has none.
 */
export function parseIsoTimestamp(field: string, value: unknown): string {
  if (typeof value !== 'string') {
    fail(field, `must be an ISO-8601 UTC timestamp string, got ${describe(value)}`);
  }
  const match = ISO_TIMESTAMP_PATTERN.exec(value);
  if (!match) {
    fail(
      field,
      `must be an ISO-8601 UTC timestamp (RFC 3339) like 2025-01-31T12:00:00Z, got ${describe(value)}`,
    );
  }
  const [, y, mo, d, h, mi, s, fraction] = match;
  if (s === '60') fail(field, `names a leap second, which CityLedger time does not have: ${describe(value)}`);
  const millis = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, fraction ? +fraction.slice(0, 3).padEnd(3, '0') : 0);
  const date = new Date(millis);
  if (
    date.getUTCFullYear() !== +y ||
    date.getUTCMonth() !== +mo - 1 ||
    date.getUTCDate() !== +d ||
    date.getUTCHours() !== +h ||
    date.getUTCMinutes() !== +mi ||
    date.getUTCSeconds() !== +s ||
    +y < 1970
  ) {
    fail(field, `is not a valid instant: ${describe(value)}`);
  }
  return date.toISOString();
}

/** An empty string or undefined means "not given". */
export function parseOptionalIsoTimestamp(field: string, value: unknown): string | undefined {
  return value === undefined || value === '' ? undefined : parseIsoTimestamp(field, value);
}

/** A calendar date `YYYY-MM-DD`. */
export function parseIsoDate(field: string, value: unknown): string {
  if (typeof value !== 'string' || !ISO_DATE_PATTERN.test(value)) {
    fail(field, `must be a date of the form YYYY-MM-DD, got ${describe(value)}`);
  }
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    fail(field, `is not a calendar date: ${describe(value)}`);
  }
  return value;
}

/**
 * An integer given as a JSON number or a decimal string, within [min, max] (default: safe integers).
 */
export function parseInteger(
  field: string,
  value: unknown,
  opts: { min?: number; max?: number } = {},
): number {
  let n: number;
  if (typeof value === 'number') {
    n = value;
  } else if (typeof value === 'string' && DECIMAL_INTEGER_PATTERN.test(value)) {
    n = Number(value);
  } else {
    fail(field, `must be an integer, got ${describe(value)}`);
  }
  if (!Number.isSafeInteger(n)) {
    fail(field, `must be an integer between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`);
  }
  const min = opts.min ?? Number.MIN_SAFE_INTEGER;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  if (n < min || n > max) {
    fail(field, `must be between ${min} and ${max}, got ${n}`);
  }
  return n;
}

/** A positive integer amount (1, 2, ...), as a JSON number or a decimal string. */
export function parsePositiveInteger(field: string, value: unknown, opts: { max?: number } = {}): number {
  return parseInteger(field, value, { min: 1, max: opts.max });
}

export function parseNonNegativeInteger(field: string, value: unknown, opts: { max?: number } = {}): number {
  return parseInteger(field, value, { min: 0, max: opts.max });
}

/** A finite number, as a JSON number or a decimal string. */
export function parseFiniteNumber(field: string, value: unknown): number {
  let n: number = Number.NaN;
  if (typeof value === 'number') {
    n = value;
  } else if (typeof value === 'string' && /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(value)) {
    n = Number(value);
  }
  if (!Number.isFinite(n)) {
    fail(field, `must be a finite number, got ${describe(value)}`);
  }
  return n;
}

export function parseEnum<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(field, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

/** A SHA-256 digest as 64 hex characters; returned in lower case. */
export function parseSha256Hex(field: string, value: unknown): string {
  if (typeof value !== 'string' || !SHA256_HEX_PATTERN.test(value)) {
    fail(field, `must be a SHA-256 hash as 64 hexadecimal characters, got ${describe(value)}`);
  }
  return value.toLowerCase();
}

export interface ParsedPublicKey {
  /** The key re-encoded as SPKI PEM, so equal keys are stored as equal strings. */
  pem: string;
  key: KeyObject;
}

/** A PEM `PUBLIC KEY` (SPKI) on the NIST P-256 curve. Private keys are refused, never derived from. */
export function parseP256PublicKeyPem(field: string, value: unknown): ParsedPublicKey {
  if (typeof value !== 'string') {
    fail(field, `must be a PEM public key string, got ${describe(value)}`);
  }
  if (value.length > 2048) {
    fail(field, 'is too long for a P-256 public key');
  }
  const trimmed = value.trim();
  if (!trimmed.startsWith('-----BEGIN PUBLIC KEY-----') || !trimmed.endsWith('-----END PUBLIC KEY-----')) {
    fail(field, 'must be a PEM block "-----BEGIN PUBLIC KEY-----" (SPKI); private keys are never accepted');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: trimmed, format: 'pem' });
  } catch {
    fail(field, 'is not a readable PEM public key');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    fail(
      field,
      `must be an EC key on curve P-256 (prime256v1), got ${key.asymmetricKeyType ?? 'unknown'}` +
        (key.asymmetricKeyDetails?.namedCurve ? ` on ${key.asymmetricKeyDetails.namedCurve}` : ''),
    );
  }
  const pem = key.export({ type: 'spki', format: 'pem' }).toString();
  return { pem, key };
}

/** Parses a JSON text argument; `field` names the argument in errors. */
export function parseJson(field: string, value: unknown, opts: { maxBytes?: number } = {}): unknown {
  if (typeof value !== 'string') {
    fail(field, `must be a JSON string, got ${describe(value)}`);
  }
  const maxBytes = opts.maxBytes ?? MAX_JSON_BYTES;
  if (Buffer.byteLength(value, 'utf8') > maxBytes) {
    fail(field, `must be at most ${maxBytes} bytes of JSON`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value) as unknown;
  } catch (err) {
    fail(field, `is not valid JSON (${(err as Error).message})`);
  }
  // A `\ud800` escape is valid JSON text that parses into a lone surrogate.
  const malformed = findMalformedText(parsed);
  if (malformed !== undefined) {
    const at = malformed === '' || malformed.startsWith('[') ? malformed : `.${malformed}`;
    fail(`${field}${at}`, 'contains a lone UTF-16 surrogate');
  }
  return parsed;
}

export type JsonObject = Record<string, unknown>;

/**
 * A JSON object: either a JSON text (a transaction argument) or an already parsed value (a nested
 * field). With `allowedKeys`, unknown keys are refused so that nothing unvalidated reaches the ledger.
 */
export function parseJsonObject(
  field: string,
  value: unknown,
  opts: { maxBytes?: number; allowedKeys?: readonly string[] } = {},
): JsonObject {
  const parsed = typeof value === 'string' ? parseJson(field, value, opts) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    fail(field, `must be a JSON object, got ${describe(parsed)}`);
  }
  if (opts.allowedKeys) {
    const unknown = Object.keys(parsed).filter((key) => !opts.allowedKeys!.includes(key));
    if (unknown.length > 0) {
      fail(field, `has unknown field(s) ${unknown.map((k) => `'${k}'`).join(', ')}`);
    }
  }
  return parsed as JsonObject;
}

/** A JSON array (text or parsed), each item parsed by `parseItem` as `<field>[i]`. */
export function parseArray<T>(
  field: string,
  value: unknown,
  parseItem: (itemField: string, item: unknown) => T,
  opts: { minItems?: number; maxItems?: number; unique?: boolean; maxBytes?: number } = {},
): T[] {
  const parsed = typeof value === 'string' ? parseJson(field, value, opts) : value;
  if (!Array.isArray(parsed)) {
    fail(field, `must be a JSON array, got ${describe(parsed)}`);
  }
  const minItems = opts.minItems ?? 0;
  const maxItems = opts.maxItems ?? 1000;
  if (parsed.length < minItems) {
    fail(field, `must have at least ${minItems} item(s)`);
  }
  if (parsed.length > maxItems) {
    fail(field, `must have at most ${maxItems} items`);
  }
  const items = parsed.map((item, i) => parseItem(`${field}[${i}]`, item));
  if (opts.unique) {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const key = typeof item === 'string' ? item : JSON.stringify(item);
      if (seen.has(key)) {
        fail(`${field}[${i}]`, `duplicates an earlier item ${describe(item)}`);
      }
      seen.add(key);
    });
  }
  return items;
}

/** Page size of a paginated query: an integer in [1, 200]; '' means the default. */
export function parsePageSize(field: string, value: unknown, defaultSize = 50): number {
  if (value === undefined || value === '') {
    return defaultSize;
  }
  return parseInteger(field, value, { min: MIN_PAGE_SIZE, max: MAX_PAGE_SIZE });
}

/** An opaque bookmark from a previous page ('' for the first page). */
export function parseBookmark(field: string, value: unknown): string {
  if (value === undefined || value === '') {
    return '';
  }
  if (typeof value !== 'string' || value.length > 1024) {
    fail(field, 'must be a bookmark returned by a previous page');
  }
  return value;
}
