import type { ErrorRequestHandler, Response } from 'express';
import {
  AccessDeniedError,
  AuthenticationError,
  ConflictError,
  GatewayError,
  IdempotencyKeyReusedError,
  InvalidInputError,
  LedgerUnavailableError,
  NotFoundError,
  PayloadTooLargeError,
  SigningKeysUnavailableError,
  TooManyRequestsError,
  UpstreamChaincodeError,
} from '../errors/gateway-errors';
import type { Logger } from '../observability/logger';

/** The one mapping from gateway errors to HTTP statuses. */
export function httpStatusOf(error: GatewayError): number {
  if (error instanceof InvalidInputError) return 400;
  if (error instanceof AuthenticationError) return 401;
  if (error instanceof AccessDeniedError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof PayloadTooLargeError) return 413;
  if (error instanceof IdempotencyKeyReusedError) return 422;
  if (error instanceof TooManyRequestsError) return 429;
  if (error instanceof UpstreamChaincodeError) return 502;
  if (error instanceof LedgerUnavailableError) return 503;
  if (error instanceof SigningKeysUnavailableError) return 503;
  return 500;
}

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** The error envelope a gateway error is answered with. */
export function errorBodyOf(error: GatewayError): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error instanceof InvalidInputError && error.field) body.error.field = error.field;
  return body;
}

export function sendError(res: Response, error: GatewayError): void {
  const status = httpStatusOf(error);
  res.locals.errorCode = error.code;
  if (error instanceof AuthenticationError) {
    res.setHeader('WWW-Authenticate', `Bearer error="invalid_token", error_description="${error.code}"`);
  }
  if (error instanceof TooManyRequestsError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  res.status(status).json(errorBodyOf(error));
}

/** Body-parser failures arrive as plain errors with a `type`; everything else unknown is a 500 without details. */
function asGatewayError(error: unknown, bodyLimitBytes: number): GatewayError | undefined {
  if (error instanceof GatewayError) return error;
  const type = (error as { type?: string } | null)?.type;
  if (type === 'entity.too.large') return new PayloadTooLargeError(bodyLimitBytes);
  if (type === 'entity.parse.failed') return new InvalidInputError('body', 'is not valid JSON');
  if (error instanceof URIError) return new InvalidInputError('path', 'is not valid percent-encoded UTF-8');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new InvalidInputError('body', 'must be UTF-8 encoded JSON');
  }
  return undefined;
}

class InternalError extends GatewayError {
  constructor() {
    super('INTERNAL', 'the gateway failed to handle the request');
  }
}

/**
 * The final express error handler. Unknown errors are logged with their stack and answered with
 * a generic 500 so that no stack trace or file path reaches a client.
 */
export function errorResponder(logger: Logger, bodyLimitBytes: number): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = asGatewayError(error, bodyLimitBytes);
    if (!known) {
      logger.error('unhandled error', {
        requestId: res.locals.requestId,
        path: req.path,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendError(res, known ?? new InternalError());
  };
}
