import { z } from 'zod';
import type { DocumentedOperation } from '../http/api-router';
import type { ChaincodeInfo } from '../ledger/ledger-connector';

type JsonSchema = Record<string, unknown>;

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  // Requests are documented as clients send them, before transforms and defaults apply.
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

function parametersOf(
  schema: z.ZodObject<z.ZodRawShape> | undefined,
  location: 'path' | 'query',
): JsonSchema[] {
  if (!schema) return [];
  const json = jsonSchemaOf(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (json.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: propertySchema,
    };
  });
}

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Invalid input (the message names the field) or the chaincode refused an argument',
  '401': 'Missing, malformed, badly signed or expired token',
  '403':
    'The caller’s organisation is not on the channel, or the role is not allowed (also by the chaincode)',
  '404': 'Unknown channel, chaincode, transaction or record',
  '409':
    'Conflict: the record exists or is in the wrong state, concurrent updates outlasted the retries, or a request ' +
    'with the same Idempotency-Key is still in progress (`IDEMPOTENT_REQUEST_IN_PROGRESS`)',
  '413': 'Request body too large',
  '429': 'Too many requests or submissions in flight; see Retry-After',
  '503': 'Ledger unavailable',
};

/** Taken by every token-authenticated POST (`http/api-router.ts`). */
const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retry safe (draft-ietf-httpapi-idempotency-key-header): the first answer to this caller’s key on this ' +
    'operation is kept 24 h (IDEMPOTENCY_RETENTION_HOURS) and replayed, with `Idempotent-Replayed: true`, to the same ' +
    'request; another request with the key is a 422, and a retry while the first runs a 409. 1–255 of ' +
    '`A-Z a-z 0-9 . _ : ~ + / = -`, e.g. a UUID.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9._:~+/=-]{1,255}$' },
};

/** Taken by every submitting POST. */
const PREFER_PARAMETER = {
  name: 'Prefer',
  in: 'header',
  required: false,
  description:
    '`respond-async`: answer 202 once the transaction is endorsed and sent for ordering, instead of waiting for its commit.',
  schema: { type: 'string', examples: ['respond-async'] },
};

const ACCEPTED_RESPONSE = {
  description:
    'With `Prefer: respond-async`: endorsed and sent for ordering. `Location` is the transaction’s status ' +
    '(`/api/v1/channels/{channel}/transactions/{txId}/status`); `Preference-Applied: respond-async`.',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['txId', 'status', 'statusUrl'],
        properties: {
          txId: { type: 'string' },
          status: { const: 'pending' },
          statusUrl: { type: 'string' },
        },
      },
    },
  },
};

const IDEMPOTENCY_MISMATCH_RESPONSE = {
  description: '`IDEMPOTENCY_KEY_REUSED`: the Idempotency-Key was used for a different request',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

/** The headers and answers of a POST that takes an idempotency key and, when it submits, `Prefer`. */
function writeExtras(idempotent: boolean, respondsAsync: boolean) {
  return {
    parameters: [
      ...(idempotent ? [IDEMPOTENCY_KEY_PARAMETER] : []),
      ...(respondsAsync ? [PREFER_PARAMETER] : []),
    ],
    responses: {
      ...(respondsAsync ? { '202': ACCEPTED_RESPONSE } : {}),
      ...(idempotent ? { '422': IDEMPOTENCY_MISMATCH_RESPONSE } : {}),
    },
  };
}

function errorResponses(): Record<string, JsonSchema> {
  return Object.fromEntries(
    Object.entries(ERROR_RESPONSES).map(([status, description]) => [
      status,
      { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    ]),
  );
}

function operationObject(op: DocumentedOperation): JsonSchema {
  const status = String(op.success?.status ?? 200);
  const contentType = op.success?.contentType ?? 'application/json';
  const extras = writeExtras(op.idempotent, op.respondsAsync ?? false);
  return {
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    // Anonymous operations carry their credential in the request (device signature, voting token).
    ...(op.authentication === 'none' ? { security: [] } : {}),
    operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    parameters: [
      ...parametersOf(op.params, 'path'),
      ...parametersOf(op.query, 'query'),
      ...extras.parameters,
    ],
    ...(op.body
      ? {
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(op.body) } } },
        }
      : {}),
    responses: {
      [status]: {
        description: op.success?.description ?? 'OK',
        content: { [contentType]: { schema: op.success?.schema ? jsonSchemaOf(op.success.schema) : {} } },
      },
      ...extras.responses,
      ...errorResponses(),
    },
  };
}

/** Request bodies of one chaincode's transactions, from its contract metadata: one alternative per transaction. */
function chaincodeBodies(info: ChaincodeInfo, kind: 'submit' | 'evaluate'): JsonSchema | undefined {
  const transactions = info.transactions.filter((tx) => tx.kind === kind);
  if (transactions.length === 0) return undefined;
  return {
    oneOf: transactions.map((tx) => ({
      title: tx.name,
      type: 'object',
      required: ['function', 'args'],
      properties: {
        function: { const: tx.name },
        args: {
          type: 'array',
          minItems: tx.parameters.length,
          maxItems: tx.parameters.length,
          // JSON Schema 2020-12 requires a non-empty prefixItems: maxItems 0 alone says "no arguments".
          ...(tx.parameters.length
            ? { prefixItems: tx.parameters.map((name) => ({ title: name, type: 'string' })) }
            : {}),
          description: tx.parameters.length ? `(${tx.parameters.join(', ')})` : 'no arguments',
        },
        ...(kind === 'submit'
          ? { transient: { type: 'object', additionalProperties: { type: 'string' } } }
          : {}),
      },
    })),
  };
}

export interface OpenApiInput {
  title: string;
  version: string;
  operations: readonly DocumentedOperation[];
  /** Installed chaincodes by channel, for the per-chaincode generic API. */
  chaincodesByChannel: Record<string, ChaincodeInfo[]>;
}

/**
 * The gateway's OpenAPI 3.1 document: every REST operation from the zod schemas that validate
 * it, plus, for each installed chaincode, its transactions from the contract metadata.
 */
export function buildOpenApiDocument(input: OpenApiInput): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of input.operations) {
    const path = `/api/v1${op.path}`;
    paths[path] = { ...paths[path], [op.method]: operationObject(op) };
  }

  const channelsOf = new Map<string, { info: ChaincodeInfo; channels: string[] }>();
  for (const [channel, infos] of Object.entries(input.chaincodesByChannel)) {
    for (const info of infos.filter((i) => i.installed)) {
      const entry = channelsOf.get(info.name) ?? { info, channels: [] };
      entry.channels.push(channel);
      channelsOf.set(info.name, entry);
    }
  }
  for (const [name, { info, channels }] of channelsOf) {
    const channelParameter = {
      name: 'channel',
      in: 'path',
      required: true,
      schema: { type: 'string', enum: channels },
    };
    for (const [kind, suffix, summary] of [
      ['submit', 'transactions', 'Submit a transaction'],
      ['evaluate', 'queries', 'Evaluate a query'],
    ] as const) {
      const body = chaincodeBodies(info, kind);
      if (!body) continue;
      const extras = writeExtras(true, kind === 'submit');
      paths[`/api/v1/channels/{channel}/chaincodes/${name}/${suffix}`] = {
        post: {
          tags: [`Chaincode ${name}`],
          summary: `${summary} of ${name} ${info.version}`,
          operationId: `${kind}${name.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
          parameters: [channelParameter, ...extras.parameters],
          requestBody: { required: true, content: { 'application/json': { schema: body } } },
          responses: {
            '200': {
              description: kind === 'submit' ? '`{txId, blockNumber, result}`' : '`{result}`',
              content: { 'application/json': { schema: {} } },
            },
            ...extras.responses,
            ...errorResponses(),
          },
        },
      };
    }
  }

  const plain = (summary: string, contentType: string) => ({
    get: {
      tags: ['Operations'],
      summary,
      security: [],
      responses: { '200': { description: 'OK', content: { [contentType]: {} } } },
    },
  });
  Object.assign(paths, {
    '/healthz': plain('Liveness: the process is up', 'application/json'),
    '/readyz': {
      get: {
        tags: ['Operations'],
        summary: 'Readiness: ledger reachable and chaincodes installed (503 with the reasons otherwise)',
        security: [],
        responses: {
          '200': { description: 'Ready' },
          '503': { description: 'Not ready; `problems` says why' },
        },
      },
    },
    '/metrics': plain('Prometheus metrics', 'text/plain'),
    '/openapi.json': plain('This document', 'application/json'),
    '/docs': plain('Browsable API documentation', 'text/html'),
  });

  return {
    openapi: '3.1.0',
    info: {
      title: input.title,
      version: input.version,
      description:
        'REST gateway of the CityLedger consortium. Every /api/v1 route needs `Authorization: Bearer <JWT>` with ' +
        'claims `sub`, `org` (MSP ID) and `role`, except device ingest and the anonymous ballot box ' +
        '(`security: []`). Errors are `{"error": {"code", "message"}}`.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    tags: [...new Set(input.operations.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: {
                  type: 'string',
                  examples: ['INVALID_ARGUMENT', 'ACCESS_DENIED', 'MVCC_READ_CONFLICT'],
                },
                message: { type: 'string' },
                field: { type: 'string', description: 'The offending field, for invalid input' },
              },
            },
          },
        },
      },
    },
  };
}
