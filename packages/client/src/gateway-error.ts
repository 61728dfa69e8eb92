/**
 * The gateway refused a request, or could not be reached (`status` 0, code `UNREACHABLE`). `code`
 * and `message` are the gateway's `{"error": {code, message}}`; `body` is the whole answer.
 */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  /** The token is missing or invalid, or the caller may not see this (401 or 403). */
  get refused(): boolean {
    return this.status === 401 || this.status === 403;
  }

  /** The error of a non-2xx answer, from its parsed JSON body when it has the gateway's shape. */
  static fromAnswer(response: Response, body: unknown): GatewayError {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    return new GatewayError(
      response.status,
      typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
      typeof error?.message === 'string' ? error.message : response.statusText || `HTTP ${response.status}`,
      body,
    );
  }

  static unreachable(cause: unknown): GatewayError {
    return new GatewayError(0, 'UNREACHABLE', `the gateway cannot be reached (${String(cause)})`);
  }
}

/** A call to a method and path that the gateway's OpenAPI document does not have. */
export class UndocumentedRouteError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path} is not an operation of the gateway's OpenAPI document`);
    this.name = 'UndocumentedRouteError';
  }
}
