import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError } from '../errors/gateway-errors';

export interface RetryPolicy {
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** Exponential backoff with full jitter: concurrent losers of the same key spread out instead of colliding again. */
export function backoffDelayMs(retry: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** retry);
  return randomInt(0, Math.max(1, Math.floor(ceiling)) + 1);
}

/**
 * Runs a whole submission (endorse, order, commit) again when it committed as an MVCC or phantom
 * read conflict. Re-endorsing is safe: the invalid transaction changed nothing, and the new
 * simulation reads the state that beat it. Other failures are not retried.
 *
 * @param conflictOf returns the validation code name when the error is a read conflict.
 * @throws ConflictError with the attempts made once the retries are used up.
 */
export async function retryReadConflicts<T>(
  submitOnce: () => Promise<T>,
  conflictOf: (error: unknown) => string | undefined,
  policy: RetryPolicy,
): Promise<{ value: T; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await submitOnce(), attempts: attempt };
    } catch (error) {
      const conflict = conflictOf(error);
      if (!conflict) throw error;
      if (attempt > policy.maxRetries) {
        throw new ConflictError(
          `the transaction kept conflicting with concurrent updates (${conflict}) after ${attempt} attempts; retry later`,
          conflict,
          attempt,
        );
      }
      await sleep(backoffDelayMs(attempt - 1, policy));
    }
  }
}
