import { status as GrpcStatus } from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { isGatewayFailure } from './fabric-error-translation';

export interface OrderingRetryPolicy {
  /** How long to keep trying before the failure reaches the caller. */
  budgetMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

/**
 * A Raft election after the leader stops takes a few seconds (5 s with Fabric's default ticks),
 * during which every orderer answers SERVICE_UNAVAILABLE and the peer Gateway reports
 * `no orderers could successfully process transaction`; long enough for ordering to recover.
 */
export const ORDERING_RETRY: OrderingRetryPolicy = { budgetMs: 15_000, firstDelayMs: 250, maxDelayMs: 2_000 };

/**
 * fabric-gateway's SubmitError with UNAVAILABLE (no orderer accepted the transaction) or
 * DEADLINE_EXCEEDED (the peer Gateway was still waiting on an orderer that went away).
 */
export function isOrderingUnavailable(error: unknown): boolean {
  return (
    isGatewayFailure(error) &&
    error.name === 'SubmitError' &&
    (error.code === GrpcStatus.UNAVAILABLE || error.code === GrpcStatus.DEADLINE_EXCEEDED)
  );
}

/**
 * Sends the same endorsed, signed transaction to ordering again while no orderer accepts it. The
 * transaction keeps its id, so if an earlier attempt was ordered after all, the later copy is
 * refused as a duplicate and the commit status still follows the first.
 */
export async function retryOrdering<T>(
  submitOnce: () => Promise<T>,
  policy: OrderingRetryPolicy = ORDERING_RETRY,
  now: () => number = Date.now,
): Promise<T> {
  const deadline = now() + policy.budgetMs;
  for (let delay = policy.firstDelayMs; ; delay = Math.min(delay * 2, policy.maxDelayMs)) {
    try {
      return await submitOnce();
    } catch (error) {
      if (!isOrderingUnavailable(error) || now() + delay > deadline) throw error;
      await sleep(delay);
    }
  }
}
