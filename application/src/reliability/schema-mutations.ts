import { fieldPath } from '../http/api-router';

/** The subset of JSON Schema (as the gateway's OpenAPI document publishes it) that mutations read. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** One invalid body derived from a valid one, and the field the refusal must name. */
export interface BodyMutation {
  label: string;
  body: unknown;
  field: string;
}

/**
 * Identifier-shaped strings that must never reach a composite key: the separators Fabric uses
 * (U+0000 and U+10FFFF), path and DID separators, whitespace and control characters, bidi
 * overrides and look-alike characters. Only those that the field's own pattern rejects are used.
 */
export const HOSTILE_IDENTIFIERS: ReadonlyArray<[string, string]> = [
  ['U+0000 (composite key separator)', 'a\u0000b'],
  ['U+10FFFF (composite key range end)', 'a\u{10ffff}'],
  ['a lone U+0000', '\u0000'],
  ['a colon', 'a:b'],
  ['a slash', 'a/b'],
  ['a parent path', '../etc'],
  ['leading space', ' a'],
  ['a newline', 'a\nb'],
  ['an escape character', 'a\u001bb'],
  ['the empty string', ''],
  ['a right-to-left override', '\u202egnp.exe'],
  ['full-width letters', 'ａｌｉｃｅ'],
  ['an emoji', 'a😀'],
  ['a lone surrogate', 'a\ud800'],
];

function compile(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return new RegExp(pattern);
  }
}

function typeOf(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type) return schema.type;
  if (schema.properties) return 'object';
  return undefined;
}

function setAt(root: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

function deleteAt(root: unknown, path: ReadonlyArray<string | number>): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  delete node[path[path.length - 1]!];
  return copy;
}

function valueAt(root: unknown, path: ReadonlyArray<string | number>): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)?.[key], root);
}

/**
 * Every single-fault variant of a valid body that its schema must refuse: each required field
 * missing, each field of a wrong type, out of its range or length, breaking its pattern with a
 * hostile identifier, an unknown extra field at every object level. The rest of the body stays
 * valid, so the refusal must name exactly the mutated field.
 */
export function mutationsOf(schema: JsonSchema, baseline: unknown): BodyMutation[] {
  const out: BodyMutation[] = [];
  const visit = (node: JsonSchema, path: Array<string | number>) => {
    const field = fieldPath(path);
    const here = valueAt(baseline, path);
    const type = typeOf(node);
    const wrong = (label: string, value: unknown, at = field) =>
      out.push({ label: `${field || 'body'}: ${label}`, body: setAt(baseline, path, value), field: at });

    if (node.anyOf || node.oneOf) return;
    if (type === 'object') {
      if (path.length > 0) wrong('a string instead of an object', 'x');
      if (node.additionalProperties === false) {
        const extra = setAt(baseline, [...path, 'unexpectedField'], 1);
        out.push({
          label: `${field || 'body'}: an unknown extra field`,
          body: extra,
          field: field || 'body',
        });
      }
      if (path.length === 0) {
        out.push({
          label: 'body: a __proto__ key',
          body: JSON.parse(JSON.stringify(baseline).replace(/^\{/, '{"__proto__":{"admin":true},')),
          field: 'body',
        });
      }
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        const childPath = [...path, key];
        if (node.required?.includes(key)) {
          out.push({
            label: `${fieldPath(childPath)}: missing`,
            body: deleteAt(baseline, childPath),
            field: fieldPath(childPath),
          });
        }
        if (valueAt(baseline, childPath) !== undefined) visit(child, childPath);
      }
      return;
    }
    if (type === 'array') {
      wrong('a string instead of an array', 'x');
      wrong('null', null);
      if ((node.minItems ?? 0) >= 1) wrong('an empty array', []);
      const items = here as unknown[];
      if (node.maxItems !== undefined && items.length > 0) {
        wrong(
          `${node.maxItems + 1} items`,
          Array.from({ length: node.maxItems + 1 }, () => items[0]),
        );
      }
      if (node.items && items.length > 0) visit(node.items, [...path, 0]);
      return;
    }
    if (type === 'string') {
      wrong('a number instead of a string', 12345);
      wrong('an object instead of a string', { $ne: '' });
      if (node.enum) wrong('a value outside the enum', 'not-in-the-enum');
      if (node.maxLength !== undefined)
        wrong(`${node.maxLength + 1} characters`, 'x'.repeat(node.maxLength + 1));
      if ((node.minLength ?? 0) >= 1) wrong('the empty string', '');
      if (node.pattern) {
        const pattern = compile(node.pattern);
        for (const [label, value] of HOSTILE_IDENTIFIERS) {
          if (!pattern.test(value)) wrong(label, value);
        }
      }
      return;
    }
    if (type === 'number' || type === 'integer') {
      wrong('a string instead of a number', String(here ?? 1));
      wrong('a boolean instead of a number', true);
      if (type === 'integer') wrong('a fraction', 1.5);
      if (node.minimum !== undefined) wrong('below the minimum', node.minimum - 1);
      if (node.maximum !== undefined) {
        wrong('above the maximum', node.maximum + 1);
        wrong('1e308', 1e308);
      }
      return;
    }
    if (type === 'boolean') wrong('a string instead of a boolean', 'true');
  };
  visit(schema, []);
  return out;
}
