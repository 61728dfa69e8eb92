import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import { z } from 'zod';
import type { Caller } from '../auth/caller';
import { callerOf } from '../auth/authenticate';
import type { ChannelAccess } from '../auth/channel-access';
import { InvalidInputError } from '../errors/gateway-errors';
import { answerIdempotently } from '../idempotency/idempotent-answer';
import {
  REPLAYED_HEADER,
  idempotencyKeyOf,
  idempotencyScopeOf,
  requestFingerprint,
} from '../idempotency/idempotency-key';
import type { IdempotencyStore } from '../idempotency/idempotency-store';
import { checkJsonBodyShape } from './json-body-shape';

type HttpMethod = 'get' | 'post' | 'put' | 'delete';
type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface OperationInput<P, Q, B, C = Caller> {
  params: P;
  query: Q;
  body: B;
  /** The token's caller; `undefined` for operations with `authentication: 'none'`. */
  caller: C;
  req: Request;
  res: Response;
}

/** What a handler answers; `undefined` when it wrote the response itself (event streams). */
export interface OperationResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * One API operation: its route, the zod schemas that validate its path, query and body, and its
 * documentation. The same object feeds express and the OpenAPI document, so what is documented
 * is what is validated.
 */
interface ApiOperation<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  method: HttpMethod;
  /** OpenAPI-style path under /api/v1, e.g. `/channels/{channel}/devices/{did}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Status of a successful answer (default 200) and what it carries, for the documentation. */
  success?: { status?: number; description: string; schema?: z.ZodType; contentType?: string };
  /**
   * The channel whose data the operation reads or writes, from the raw path parameters; the
   * router refuses a caller whose organisation is not a member before anything else is validated.
   * Default: the `{channel}` path parameter. Return undefined when the parameters name none.
   */
  channel?: (params: Record<string, string>) => string | undefined;
  /** Larger bodies than the gateway's limit, for operations that take batches (device readings). */
  bodyLimitBytes?: number;
  /** False for device ingest, whose clients send at their own pace and are bounded by the outbox. */
  rateLimited?: boolean;
  /** The handler honours `Prefer: respond-async` with a 202 (submissions), for the documentation. */
  respondsAsync?: boolean;
}

/** An operation that needs the caller's bearer token (the default). */
export interface AuthenticatedOperation<
  P extends AnyObject,
  Q extends AnyObject,
  B extends z.ZodType,
> extends ApiOperation<P, Q, B> {
  authentication?: 'token';
  handler(input: OperationInput<z.infer<P>, z.infer<Q>, z.infer<B>>): Promise<OperationResult | undefined>;
}

/**
 * An operation whose credential is in the request itself — a device's signature on each reading,
 * a blind-signed voting token — so no Authorization header is read (one that is sent is ignored).
 */
export interface AnonymousOperation<
  P extends AnyObject,
  Q extends AnyObject,
  B extends z.ZodType,
> extends ApiOperation<P, Q, B> {
  authentication: 'none';
  handler(
    input: OperationInput<z.infer<P>, z.infer<Q>, z.infer<B>, undefined>,
  ): Promise<OperationResult | undefined>;
}

/** What the OpenAPI generator reads about a registered operation. */
export interface DocumentedOperation {
  method: HttpMethod;
  path: string;
  tag: string;
  summary: string;
  description?: string;
  params?: AnyObject;
  query?: AnyObject;
  body?: z.ZodType;
  success?: { status?: number; description: string; schema?: z.ZodType; contentType?: string };
  authentication: 'token' | 'none';
  /** A POST that takes `Idempotency-Key` (every token-authenticated one). */
  idempotent: boolean;
  respondsAsync?: boolean;
}

/** `metrics[0].name` — how a client names a field of what it sent. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
    '',
  );
}

function parseOrThrow<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  // Zod 4 leaves the offending value out of an issue unless asked; without it a field of the
  // wrong type could not be told from a missing one.
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InvalidInputError(fieldPath(issue.path) || where, messageOf(issue));
}

/** What a client reads after the field's name: zod's own wording for a type is for programmers. */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_type') return issue.message;
  if (issue.input === undefined) return 'is required';
  return `must be ${TYPE_NAMES[issue.expected] ?? `of type ${issue.expected}`}`;
}

const TYPE_NAMES: Partial<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  tuple: 'an array',
  record: 'an object',
  null: 'null',
};

export interface ApiRouterOptions {
  /** Where the router is mounted, for route labels in logs and metrics. */
  basePath: string;
  /** The one check of channel membership, for every operation with a channel. */
  access: ChannelAccess;
  /** Verifies the bearer token and puts the caller in `res.locals.caller`. */
  authenticate: RequestHandler;
  rateLimit: RequestHandler;
  bodyLimitBytes: number;
  /** Keeps the first answer to each `Idempotency-Key` of a token-authenticated POST. */
  idempotency: IdempotencyStore;
}

/**
 * Collects operations into an express router and remembers them for the OpenAPI document. Each
 * request passes, in order: rate limit → token (unless anonymous) → JSON body → channel
 * membership → path, query and body validation → `Idempotency-Key` (POST) → handler.
 *
 * Anonymous POSTs (device readings, ballots) take no idempotency key: they carry no caller to
 * scope it to, and each is made unique by what it is signed with (a reading's sequence number,
 * a voting token's nullifier).
 */
export class ApiRouter {
  readonly router = Router();
  readonly operations: DocumentedOperation[] = [];

  constructor(private readonly options: ApiRouterOptions) {}

  add<P extends AnyObject, Q extends AnyObject, B extends z.ZodType>(
    operation: AuthenticatedOperation<P, Q, B> | AnonymousOperation<P, Q, B>,
  ): void {
    const { handler, channel, bodyLimitBytes, rateLimited, ...documented } = operation;
    const authentication = operation.authentication ?? 'token';
    const idempotent = operation.method === 'post' && authentication === 'token';
    this.operations.push({ ...documented, authentication, idempotent });
    const expressPath = operation.path.replace(/\{(\w+)\}/g, ':$1');
    const routeLabel = `${this.options.basePath}${operation.path}`;
    const channelOf = channel ?? ((params: Record<string, string>) => params.channel);
    const skip: RequestHandler = (_req, _res, next) => next();
    this.router[operation.method](
      expressPath,
      (_req, res, next) => {
        res.locals.route = routeLabel;
        next();
      },
      rateLimited === false ? skip : this.options.rateLimit,
      authentication === 'token' ? this.options.authenticate : skip,
      express.json({
        limit: bodyLimitBytes ?? this.options.bodyLimitBytes,
        strict: true,
        type: ['application/json', 'application/*+json'],
      }),
      checkJsonBodyShape(),
      async (req, res) => {
        const caller = authentication === 'token' ? callerOf(res) : undefined;
        const channelName = caller ? channelOf(req.params as Record<string, string>) : undefined;
        const { access } = this.options;
        // A non-member learns nothing from how the rest of the request would be judged. A name
        // that is no channel at all is judged as a parameter first (400), then named (404).
        if (caller && channelName !== undefined && access.isChannel(channelName)) {
          access.requireMember(caller, channelName);
        }
        const params = parseOrThrow(operation.params, req.params, 'path');
        if (caller && channelName !== undefined) access.requireMember(caller, channelName);
        const input = {
          caller,
          params,
          query: parseOrThrow(operation.query, req.query, 'query'),
          body: parseOrThrow(operation.body, req.body, 'body'),
          req,
          res,
        };
        const idempotencyKey = idempotent ? idempotencyKeyOf(req) : undefined;
        const run = async () => {
          // The union's two handlers differ only in `caller`, which `authentication` decides above.
          const result = await (handler as (i: typeof input) => Promise<OperationResult | undefined>)(input);
          return result && { ...result, status: result.status ?? operation.success?.status ?? 200 };
        };
        let result: OperationResult | undefined;
        if (caller && idempotencyKey !== undefined) {
          const { answer, replayed } = await answerIdempotently(
            this.options.idempotency,
            {
              scope: idempotencyScopeOf(caller, `${operation.method} ${operation.path}`, idempotencyKey),
              fingerprint: requestFingerprint(req),
              key: idempotencyKey,
            },
            run,
          );
          result =
            answer && replayed
              ? { ...answer, headers: { ...answer.headers, [REPLAYED_HEADER]: 'true' } }
              : answer;
        } else {
          result = await run();
        }
        if (!result) return;
        for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
        const errorCode = (result.body as { error?: { code?: unknown } } | null)?.error?.code;
        if (typeof errorCode === 'string') res.locals.errorCode = errorCode;
        res.status(result.status ?? 200).json(result.body);
      },
    );
  }
}
