/**
 * Canonical JSON: object keys sorted recursively by UTF-16 code units, no whitespace, strings and
 * numbers as ECMAScript's JSON.stringify writes them. Every endorsing peer must produce the same
 * bytes for the same value, whatever the insertion order of the keys, so everything the chaincodes
 * write to the world state and to events goes through here, and devices sign, and Merkle leaves
 * hash, the same bytes.
 *
 * For JSON values this is RFC 8785, the JSON Canonicalization Scheme (JCS): same property order,
 * same number form (ECMAScript's Number-to-String, -0 written 0), same minimal string escapes.
 * JCS only takes I-JSON, so it refuses a string holding a lone UTF-16 surrogate; this function
 * writes one as a `\udXXX` escape, as JSON.stringify does. No such string reaches it in CityLedger
 * (`parseJson` and `isWellFormedText` of chaincode-common, and the gateway's schemas, refuse them
 * at every entry), and refusing here instead could strand a record written before those checks,
 * so the behaviour is kept. Values JSON has no form for (NaN, Infinity, functions, Dates, Maps)
 * are refused; `undefined` object members are left out, like JSON.stringify does.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function canonicalJson(value: unknown): string {
  return serialize(value, '$');
}

function serialize(value: unknown, path: string): string {
  if (value === null) {
    return 'null';
  }
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonicalJson: ${path} is not a finite number`);
      }
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: ${path} has unsupported type ${typeof value}`);
  }
  if (Array.isArray(value)) {
    return `[${value
      .map((item, i) => {
        if (item === undefined) {
          throw new TypeError(`canonicalJson: ${path}[${i}] is undefined`);
        }
        return serialize(item, `${path}[${i}]`);
      })
      .join(',')}]`;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null && !isDecoratedRecord(value)) {
    throw new TypeError(`canonicalJson: ${path} is not a plain object`);
  }
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${serialize(record[key], `${path}.${key}`)}`);
  return `{${members.join(',')}}`;
}

/** Instances of `@Object()` record classes are data too (no toJSON, no special prototype chain). */
function isDecoratedRecord(value: object): boolean {
  if (value instanceof Date || value instanceof Map || value instanceof Set || value instanceof RegExp) {
    return false;
  }
  const proto = Object.getPrototypeOf(value) as object;
  return Object.getPrototypeOf(proto) === Object.prototype;
}
