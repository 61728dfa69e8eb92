/**
 * Canonical JSON: object keys sorted recursively (by UTF-16 code units, as RFC 8785 does), no
 * whitespace, numbers as JavaScript prints them. Every endorsing peer must produce the same bytes
 * for the same value, whatever the insertion order of the keys, so everything written to the world
 * state and to events goes through here. The IoT gateway signs and hashes readings with the same
 * function.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function canonicalJson(value: unknown): string {
  return serialize(value, '$');
}

export function canonicalJsonBuffer(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
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
