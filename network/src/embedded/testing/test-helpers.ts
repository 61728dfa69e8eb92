import type { EmbeddedNetwork } from '../embedded-network';
import type { Signer } from '../protocol/signer';
import type { TransactionRequest } from '../transaction-client';

/** Request builder for the test contract on a channel. */
export function assetCall(fn: string, args: string[] = [], channel = 'alpha'): TransactionRequest {
  return { channel, chaincode: 'assets', function: fn, args };
}

export async function evaluateText(
  network: EmbeddedNetwork,
  user: Signer,
  request: TransactionRequest,
): Promise<string> {
  return (await network.evaluate(user, request)).toString();
}

/** Resolves with what the promise rejected with; fails if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the promise to be rejected');
}
