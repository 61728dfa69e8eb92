import { z } from 'zod';
import { InvalidInputError } from '../errors/gateway-errors';

/** Fabric's composite key layout (as `ChaincodeStub.createCompositeKey` builds it): U+0000 before and after each part. */
export function compositeKey(objectType: string, attributes: readonly string[]): string {
  return `\u0000${[objectType, ...attributes].join('\u0000')}\u0000`;
}

const part = z
  .string()
  .min(1)
  .max(1024)
  .refine((v) => !v.includes('\u0000'), 'must not contain U+0000');

export const historyQuery = z.object({
  key: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .meta({ description: 'A raw key as stored (composite keys contain U+0000 separators)' }),
  objectType: part.optional().meta({ description: 'Composite key object type, e.g. `did`' }),
  attribute: z
    .union([part, z.array(part)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .meta({ description: 'Composite key attributes in order; repeat the parameter for several' }),
});

/** The ledger key the explorer asks the history of: `?key=` or `?objectType=&attribute=…`. */
export function ledgerKeyOf(query: z.infer<typeof historyQuery>): string {
  if (query.key !== undefined && query.objectType !== undefined) {
    throw new InvalidInputError('key', 'give either key or objectType (+ attribute), not both');
  }
  if (query.key !== undefined) {
    if (query.attribute.length > 0) throw new InvalidInputError('attribute', 'only goes with objectType');
    return query.key;
  }
  if (query.objectType !== undefined) return compositeKey(query.objectType, query.attribute);
  throw new InvalidInputError('key', 'is required (or objectType with attribute for a composite key)');
}
