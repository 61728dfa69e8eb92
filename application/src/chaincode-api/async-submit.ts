import type { Request } from 'express';
import { z } from 'zod';
import type { OperationResult } from '../http/api-router';

/**
 * Whether the client asked to be answered before the commit (RFC 7240 `Prefer: respond-async`).
 * Preferences are a hint: a route that cannot honour it answers as usual, without
 * `Preference-Applied`.
 */
export function prefersRespondAsync(req: Request): boolean {
  const prefer = req.headers.prefer;
  if (!prefer) return false;
  return (Array.isArray(prefer) ? prefer.join(',') : prefer)
    .split(',')
    .some((preference) => preference.split(';')[0]!.trim().toLowerCase() === 'respond-async');
}

/**
 * The status resource of a transaction. Not the explorer's `/transactions/{txId}`, which shows an
 * auditor the whole transaction (read/write set, arguments) and knows only committed ones: the
 * status is for the client that submitted, and any member of the channel, while it is pending too.
 */
export function transactionStatusPath(channel: string, txId: string): string {
  return `/api/v1/channels/${channel}/transactions/${txId}/status`;
}

export const acceptedResponseSchema = z.object({
  txId: z.string(),
  status: z.literal('pending'),
  statusUrl: z
    .string()
    .meta({ description: 'Where the commit can be followed (also the `Location` header)' }),
});

/** The 202 answer to a submission accepted for ordering. */
export function acceptedAnswer(channel: string, txId: string): OperationResult {
  const statusUrl = transactionStatusPath(channel, txId);
  return {
    status: 202,
    headers: { 'Preference-Applied': 'respond-async', Location: statusUrl, 'X-Transaction-Id': txId },
    body: { txId, status: 'pending', statusUrl },
  };
}
