import { ConflictError, GatewayError, IdempotencyKeyReusedError } from '../errors/gateway-errors';
import type { OperationResult } from '../http/api-router';
import { errorBodyOf, httpStatusOf } from '../http/error-response';
import type { IdempotencyStore, StoredAnswer } from './idempotency-store';

/**
 * Refusals that would come again, word for word, if the same request were sent again: invalid
 * input, access denied, not found, and a record that exists or is in the wrong state. Everything
 * else — read conflicts that outlasted the retries, back-pressure (429), an unreachable ledger
 * (503), an internal error — is transient, so the key is released and a retry runs afresh.
 */
function isDeterministicRefusal(error: unknown): error is GatewayError {
  if (!(error instanceof GatewayError)) return false;
  const status = httpStatusOf(error);
  if (status === 409) return error instanceof ConflictError && error.code === 'CONFLICT';
  return status === 400 || status === 403 || status === 404;
}

export interface IdempotentRequest {
  /** The caller, operation and key, from `idempotencyScopeOf`. */
  scope: string;
  fingerprint: string;
  /** The key as sent, for error messages. */
  key: string;
}

/**
 * Runs a request under its idempotency key (draft-ietf-httpapi-idempotency-key-header): the
 * first answer is kept and sent again for the same request; the key with another request is a
 * 422; the same request while the first still runs is a 409.
 *
 * @returns the answer and whether it is a replay; a stored refusal comes back as an answer, a
 *   fresh one is thrown as it would be without a key.
 */
export async function answerIdempotently(
  store: IdempotencyStore,
  request: IdempotentRequest,
  run: () => Promise<OperationResult | undefined>,
): Promise<{ answer: OperationResult | undefined; replayed: boolean }> {
  const reservation = await store.reserve(request.scope, request.fingerprint);
  switch (reservation.outcome) {
    case 'replay':
      return { answer: reservation.answer, replayed: true };
    case 'mismatch':
      throw new IdempotencyKeyReusedError(request.key);
    case 'in-flight':
      throw new ConflictError(
        `a request with Idempotency-Key ${JSON.stringify(request.key)} is still in progress; retry once it has answered`,
        'IDEMPOTENT_REQUEST_IN_PROGRESS',
      );
  }
  let answer: OperationResult | undefined;
  try {
    answer = await run();
  } catch (error) {
    if (isDeterministicRefusal(error)) {
      await reservation.complete({ status: httpStatusOf(error), headers: {}, body: errorBodyOf(error) });
    } else {
      reservation.release();
    }
    throw error;
  }
  if (answer === undefined) {
    reservation.release();
    return { answer, replayed: false };
  }
  const stored: StoredAnswer = {
    status: answer.status ?? 200,
    headers: answer.headers ?? {},
    body: answer.body,
  };
  // The transaction committed: a disk that fails to keep the answer must not cost the caller
  // the answer itself. The key is released, as after a transient failure.
  await reservation.complete(stored).catch(() => undefined);
  return { answer: stored, replayed: false };
}
