import createClient, { type Client } from 'openapi-fetch';
import { type HttpMethod, documentedOperation } from './documented-operation';
import { GatewayError, UndocumentedRouteError } from './gateway-error';
import type { paths } from './gateway-api';

export interface GatewayClientOptions {
  /** The gateway's origin, e.g. `http://localhost:3000`; `''` in a page the gateway serves. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`; leave it out for the anonymous routes. */
  token?: string;
  /** Defaults to the global `fetch` (Node 20, browsers). */
  fetch?: typeof globalThis.fetch;
}

/** What an `api` call resolves to (openapi-fetch's answer), reduced to what {@link answerOf} reads. */
export interface ApiAnswer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The data of a typed call, or the {@link GatewayError} of its refusal.
 *
 * @example
 * const { channels } = await answerOf(client.api.GET('/api/v1/channels'));
 */
export async function answerOf<T>(call: Promise<ApiAnswer<T>>): Promise<T> {
  let answer: ApiAnswer<T>;
  try {
    answer = await call;
  } catch (error) {
    throw GatewayError.unreachable(error);
  }
  if (!answer.response.ok) throw GatewayError.fromAnswer(answer.response, answer.error);
  return answer.data as T;
}

/**
 * The gateway's REST API for one caller.
 *
 * `api` is typed from the gateway's OpenAPI document: a path, parameter or body the gateway does
 * not take is a compile error. `send` is for paths built at run time: it refuses, before any
 * request, a method and path that the document does not have.
 *
 * @example
 * const client = new GatewayClient({ baseUrl: 'http://localhost:3000', token });
 * const parcel = await answerOf(
 *   client.api.GET('/api/v1/channels/{channel}/parcels/{parcelId}', {
 *     params: { path: { channel: 'civic', parcelId: 'parcel-7' } },
 *   }),
 * );
 * const election = await client.send('POST', '/api/v1/channels/civic/elections/pb-2025/open');
 */
export class GatewayClient {
  readonly api: Client<paths>;
  private readonly headers: Record<string, string>;
  private readonly fetch: typeof globalThis.fetch;

  constructor(private readonly options: GatewayClientOptions) {
    this.headers = options.token ? { authorization: `Bearer ${options.token}` } : {};
    // Looked up per call, so that a test's or a page's replaced global fetch is the one used.
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.api = createClient<paths>({ baseUrl: options.baseUrl, headers: this.headers, fetch: this.fetch });
  }

  /**
   * Calls a documented operation by its concrete path (`/api/v1/…`, query string allowed) and
   * answers its parsed JSON body; throws {@link UndocumentedRouteError} for a route the OpenAPI
   * document does not have and {@link GatewayError} for a refusal.
   */
  async send<T = unknown>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
    const answer = await this.request(method, path, body);
    if (!answer.response.ok) throw GatewayError.fromAnswer(answer.response, answer.body);
    return answer.body as T;
  }

  /**
   * Like {@link send}, but answers a refusal too, with its status, rather than throwing it: for
   * callers that act on the status (a 409 that means "already there", a 429 to wait on).
   */
  async request(
    method: HttpMethod,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown; response: Response }> {
    if (!documentedOperation(method, path.split('?')[0])) throw new UndocumentedRouteError(method, path);
    let response: Response;
    try {
      response = await this.fetch(`${this.options.baseUrl}${path}`, {
        method,
        headers: body === undefined ? this.headers : { ...this.headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw GatewayError.unreachable(error);
    }
    const text = await response.text();
    let parsed: unknown = text || undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a proxy's error page, the metrics' text): kept as text.
    }
    return { status: response.status, body: parsed, response };
  }
}
