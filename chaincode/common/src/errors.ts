/**
 * The error vocabulary of every CityLedger contract.
 *
 * A chaincode error reaches the client as a plain message string (the peer wraps it, e.g.
 * "chaincode response 500, ACCESS_DENIED: ..."), so the code travels as the message prefix
 * `<CODE>: `. The gateway recovers it with {@link findErrorCode} and maps it to an HTTP status.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'ACCESS_DENIED',
  'NOT_FOUND',
  'CONFLICT',
  'CHAINCODE_CALL_FAILED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The HTTP status the gateway answers for each code. */
export const HTTP_STATUS_OF_ERROR_CODE: Readonly<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  ACCESS_DENIED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CHAINCODE_CALL_FAILED: 502,
};

export class ChaincodeError extends Error {
  readonly code: ErrorCode;
  /** The message without its code prefix. */
  readonly detail: string;

  constructor(code: ErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'ChaincodeError';
    this.code = code;
    this.detail = detail;
  }
}

/** A malformed argument; `field` names it (dotted path for nested JSON fields, e.g. `batch.perDevice`). */
export class InvalidArgumentError extends ChaincodeError {
  readonly field: string;

  constructor(field: string, problem: string) {
    super('INVALID_ARGUMENT', `${field}: ${problem}`);
    this.name = 'InvalidArgumentError';
    this.field = field;
  }
}

export class AccessDeniedError extends ChaincodeError {
  constructor(detail: string) {
    super('ACCESS_DENIED', detail);
    this.name = 'AccessDeniedError';
  }
}

export class NotFoundError extends ChaincodeError {
  constructor(detail: string) {
    super('NOT_FOUND', detail);
    this.name = 'NotFoundError';
  }
}

/** The record already exists, or is in a state that forbids the operation. */
export class ConflictError extends ChaincodeError {
  constructor(detail: string) {
    super('CONFLICT', detail);
    this.name = 'ConflictError';
  }
}

/** Another chaincode (e.g. identity) answered with an error or an unreadable payload. */
export class ChaincodeCallError extends ChaincodeError {
  constructor(detail: string) {
    super('CHAINCODE_CALL_FAILED', detail);
    this.name = 'ChaincodeCallError';
  }
}

const CODE_PATTERN = new RegExp(`(?:^|[^A-Z_])(${ERROR_CODES.join('|')}): `);

/**
 * Finds the CityLedger error code in a message, also when a peer or SDK wrapped it
 * ("...transaction returned with failure: NOT_FOUND: did ..."). Returns the code and the detail after it.
 */
export function findErrorCode(message: string): { code: ErrorCode; detail: string } | undefined {
  const match = CODE_PATTERN.exec(message);
  if (!match) {
    return undefined;
  }
  const code = match[1] as ErrorCode;
  const start = match.index + match[0].length;
  return { code, detail: message.slice(start) };
}
