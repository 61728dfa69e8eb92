/**
 * A cache key for the JSON schemas fabric-shim's parameter marshaller compiles on every call.
 *
 * For each parameter of each invocation the marshaller wraps two objects that never change after
 * the contract is loaded — the parameter's schema from the metadata and the chaincode's component
 * schemas — in a fresh `{ properties: { prop }, components: { schemas } }` and asks Ajv to compile
 * it. Ajv's default key is a stable stringification of that whole object, so every call serialised
 * every component schema of the chaincode: 38 % of the gateway's CPU for land-registry's
 * `AnchorDocument`. Keying by the identity of the two stable objects finds the same compiled
 * validator without serialising anything; any other schema falls back to its JSON text, which
 * can only make equal schemas share a validator, as Ajv's own key does.
 */
export function schemaIdentityKey(schema: unknown): string {
  const parts = marshalledParameterSchema(schema);
  if (parts) return `parameter:${identityOf(parts.parameter)}:${identityOf(parts.components)}`;
  return `json:${JSON.stringify(schema)}`;
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0;

function identityOf(value: object): number {
  let id = identities.get(value);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(value, id);
  }
  return id;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function hasOnlyKeys(value: Record<string, unknown>, ...keys: string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => own.includes(key));
}

/** The two stable objects inside the marshaller's wrapper, when `schema` is exactly that wrapper. */
function marshalledParameterSchema(schema: unknown): { parameter: object; components: object } | undefined {
  if (!isObject(schema) || !hasOnlyKeys(schema, 'properties', 'components')) return undefined;
  const { properties, components } = schema;
  if (!isObject(properties) || !hasOnlyKeys(properties, 'prop') || !isObject(properties.prop))
    return undefined;
  if (!isObject(components) || !hasOnlyKeys(components, 'schemas') || !isObject(components.schemas)) {
    return undefined;
  }
  return { parameter: properties.prop, components: components.schemas };
}
