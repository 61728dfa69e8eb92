import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Caller } from '../auth/caller';
import { callerOf } from '../auth/authenticate';
import { InvalidInputError } from '../errors/gateway-errors';

type HttpMethod = 'get' | 'post' | 'put' | 'delete';
type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface OperationInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  caller: Caller;
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
export interface ApiOperation<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
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
  handler(input: OperationInput<z.infer<P>, z.infer<Q>, z.infer<B>>): Promise<OperationResult | undefined>;
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
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = fieldPath(issue.path) || where;
  const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
  throw new InvalidInputError(field, message);
}

/** Collects operations into an express router and remembers them for the OpenAPI document. */
export class ApiRouter {
  readonly router = Router();
  readonly operations: DocumentedOperation[] = [];

  /** @param basePath where the router is mounted, for route labels in logs and metrics. */
  constructor(private readonly basePath: string) {}

  add<P extends AnyObject, Q extends AnyObject, B extends z.ZodType>(operation: ApiOperation<P, Q, B>): void {
    const { handler, ...documented } = operation;
    this.operations.push(documented);
    const expressPath = operation.path.replace(/\{(\w+)\}/g, ':$1');
    const routeLabel = `${this.basePath}${operation.path}`;
    this.router[operation.method](expressPath, async (req, res) => {
      res.locals.route = routeLabel;
      const input = {
        caller: callerOf(res),
        params: parseOrThrow(operation.params, req.params, 'path'),
        query: parseOrThrow(operation.query, req.query, 'query'),
        body: parseOrThrow(operation.body, req.body, 'body'),
        req,
        res,
      } as OperationInput<z.infer<P>, z.infer<Q>, z.infer<B>>;
      const result = await handler(input);
      if (!result) return;
      for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
      res.status(result.status ?? operation.success?.status ?? 200).json(result.body);
    });
  }
}
