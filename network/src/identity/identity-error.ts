/** Why an identity operation failed; stable values callers can branch on and map to responses. */
export type IdentityErrorCode =
  | 'MALFORMED_CERTIFICATE'
  | 'NOT_ISSUED_BY_MSP'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'CA_CERTIFICATE'
  | 'NO_NODE_OU'
  | 'KEY_MISMATCH'
  | 'UNKNOWN_MSP'
  | 'INVALID_USER_ID'
  | 'INVALID_ATTRIBUTE';

/**
 * Raised when a certificate cannot serve as an identity of an MSP, or when an enrollment request
 * is invalid. The message names the reason; `code` lets callers react without parsing it.
 *
 * @example
 * ```ts
 * try {
 *   msp.validateIdentity(pem);
 * } catch (err) {
 *   if (err instanceof IdentityError && err.code === 'EXPIRED') return reject(401);
 *   throw err;
 * }
 * ```
 */
export class IdentityError extends Error {
  override readonly name = 'IdentityError';

  constructor(
    readonly code: IdentityErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
