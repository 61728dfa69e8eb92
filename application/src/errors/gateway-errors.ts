/**
 * The gateway's error vocabulary. Every failure a client can see — bad input, auth, chaincode
 * refusals, MVCC conflicts, back-pressure, an unreachable ledger — is one of these values with a
 * stable `code`; `http/error-response.ts` is the only place that turns them into HTTP statuses.
 */
export abstract class GatewayError extends Error {
  constructor(
    /** Stable, machine-readable code, e.g. `INVALID_ARGUMENT`, `MVCC_READ_CONFLICT`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request (or a chaincode argument) is malformed; `field` names the offending part. */
export class InvalidInputError extends GatewayError {
  constructor(
    readonly field: string,
    problem: string,
    code = 'INVALID_ARGUMENT',
  ) {
    super(code, field ? `${field}: ${problem}` : problem);
  }
}

/**
 * No token, or a token that is malformed, badly signed, expired or carries invalid claims, or one
 * signed with a key (`kid`) the identity provider does not publish.
 */
export class AuthenticationError extends GatewayError {
  constructor(
    code: 'MISSING_TOKEN' | 'INVALID_TOKEN' | 'TOKEN_EXPIRED' | 'UNKNOWN_SIGNING_KEY',
    message: string,
  ) {
    super(code, message);
  }
}

/**
 * The identity provider's signing keys (JWT_JWKS_URL) have not been loaded yet, so no token can be
 * checked: the token may well be good, and retrying later may help.
 */
export class SigningKeysUnavailableError extends GatewayError {
  constructor(message: string) {
    super('SIGNING_KEYS_UNAVAILABLE', message);
  }
}

/** The caller is known but not allowed: wrong org for the channel, wrong role, or the chaincode said no. */
export class AccessDeniedError extends GatewayError {
  constructor(message: string, code = 'ACCESS_DENIED') {
    super(code, message);
  }
}

/** Unknown channel, chaincode, function or record. */
export class NotFoundError extends GatewayError {
  constructor(message: string, code = 'NOT_FOUND') {
    super(code, message);
  }
}

/** The record exists or is in a state that forbids the change, or MVCC conflicts outlasted the retries. */
export class ConflictError extends GatewayError {
  constructor(
    message: string,
    code = 'CONFLICT',
    /** How many times the transaction was endorsed before giving up (MVCC conflicts). */
    readonly attempts = 1,
  ) {
    super(code, message);
  }
}

/**
 * An `Idempotency-Key` the caller already used on this route for a different request: replaying
 * the first answer would be wrong and running the new request would break the key's promise.
 */
export class IdempotencyKeyReusedError extends GatewayError {
  constructor(readonly idempotencyKey: string) {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      `Idempotency-Key ${JSON.stringify(idempotencyKey)} was already used for a different request; use a new key`,
    );
  }
}

export class PayloadTooLargeError extends GatewayError {
  constructor(limitBytes: number) {
    super('PAYLOAD_TOO_LARGE', `the request body exceeds ${limitBytes} bytes`);
  }
}

/** Back-pressure: the caller sends too fast, or the gateway has too many submissions in flight. */
export class TooManyRequestsError extends GatewayError {
  constructor(
    code: 'RATE_LIMITED' | 'SATURATED',
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}

/** The ledger cannot be reached or is stopped; retrying later may help. */
export class LedgerUnavailableError extends GatewayError {
  constructor(message: string, code = 'LEDGER_UNAVAILABLE') {
    super(code, message);
  }
}

/** Another chaincode, called by the one the client invoked, failed (`CHAINCODE_CALL_FAILED`). */
export class UpstreamChaincodeError extends GatewayError {
  constructor(message: string) {
    super('CHAINCODE_CALL_FAILED', message);
  }
}

/** The ledger rejected the transaction for a reason that is not the client's (e.g. endorsers disagreed). */
export class LedgerFailureError extends GatewayError {}
