import { z } from 'zod';
import {
  ConflictError,
  GatewayError,
  LedgerFailureError,
  LedgerUnavailableError,
} from '../errors/gateway-errors';
import type { ExpiringRecords } from '../idempotency/durable-records';
import type { LedgerConnector } from '../ledger/ledger-connector';

export const transactionStatusSchema = z.object({
  txId: z.string().meta({ description: 'The id the 202 answer named' }),
  channel: z.string(),
  status: z.enum(['pending', 'committed', 'invalid', 'unknown']).meta({
    description:
      '`pending`: endorsed, not committed yet; `committed`: valid in `blockNumber`; `invalid`: committed as ' +
      'invalid (`validationCode`) or refused by the chaincode on a retry (`error`), it changed nothing; ' +
      '`unknown`: the gateway lost the ordering service before it learnt the outcome, and the ledger does not hold it',
  }),
  blockNumber: z.number().int().optional(),
  validationCode: z.string().optional().meta({
    description: 'Fabric’s validation code name: VALID, MVCC_READ_CONFLICT, ENDORSEMENT_POLICY_FAILURE…',
  }),
  committedTxId: z.string().optional().meta({
    description:
      'When a read conflict invalidated `txId` and the gateway endorsed the request again: the transaction that committed in its place',
  }),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export type TransactionStatus = z.infer<typeof transactionStatusSchema>;

const recordKey = (channel: string, txId: string) => `${channel}\u0000${txId}`;

/** Codes of `LedgerFailureError`s raised before a transaction reached a block. */
const NOT_VALIDATION_CODES = new Set([
  'ENDORSEMENT_FAILED',
  'ENDORSEMENT_MISMATCH',
  'NO_ENDORSEMENT_PLAN',
  'CHAINCODE_ERROR',
  'LEDGER_ERROR',
]);

/** How a submission that was already answered with 202 ended, from the error it failed with. */
function finalStatusOf(channel: string, txId: string, error: unknown): TransactionStatus {
  if (!(error instanceof GatewayError) || error instanceof LedgerUnavailableError) {
    const reason =
      error instanceof GatewayError
        ? { code: error.code, message: error.message }
        : { code: 'INTERNAL', message: 'the gateway failed to follow the transaction' };
    return { txId, channel, status: 'unknown', error: reason };
  }
  const reason = { code: error.code, message: error.message };
  // Committed as invalid: the code is Fabric's validation code name (MVCC_READ_CONFLICT, …).
  const committedInvalid =
    (error instanceof LedgerFailureError && !NOT_VALIDATION_CODES.has(error.code)) ||
    (error instanceof ConflictError && error.code !== 'CONFLICT');
  // Otherwise the chaincode refused the request when the gateway endorsed it again.
  return committedInvalid
    ? { txId, channel, status: 'invalid', validationCode: error.code, error: reason }
    : { txId, channel, status: 'invalid', error: reason };
}

/**
 * The statuses of transactions submitted with `Prefer: respond-async`, by the id their 202 named.
 * A status in progress is held in memory; the final one is kept on disk for the retention period.
 * Past that, or for a transaction this gateway did not follow to the end, the ledger answers.
 */
export class TransactionStatusBook {
  private readonly inProgress = new Map<string, TransactionStatus>();

  constructor(
    private readonly records: ExpiringRecords<TransactionStatus>,
    private readonly ledger: LedgerConnector,
  ) {}

  /**
   * Follows a submission from its first endorsement; `committed` settles when the ledger answers.
   * Resolves once the final status is recorded (it never rejects).
   */
  follow(
    channel: string,
    txId: string,
    committed: Promise<{ txId: string; blockNumber: number }>,
  ): Promise<void> {
    const key = recordKey(channel, txId);
    this.inProgress.set(key, { txId, channel, status: 'pending' });
    return (
      committed
        .then(
          (tx): TransactionStatus => ({
            txId,
            channel,
            status: 'committed',
            blockNumber: tx.blockNumber,
            validationCode: 'VALID',
            ...(tx.txId !== txId ? { committedTxId: tx.txId } : {}),
          }),
          (error: unknown) => finalStatusOf(channel, txId, error),
        )
        .then(async (status) => {
          this.inProgress.set(key, status);
          await this.records.put(key, status);
          this.inProgress.delete(key);
        })
        // The final status stays in memory when the disk refuses it; the ledger answers after a restart.
        .catch(() => undefined)
    );
  }

  /** The transaction's status, or undefined when neither this gateway nor the ledger knows it. */
  async statusOf(channel: string, txId: string): Promise<TransactionStatus | undefined> {
    const key = recordKey(channel, txId);
    const known = this.inProgress.get(key) ?? (await this.records.get(key));
    if (known && known.status !== 'unknown') return known;
    const onLedger = await this.ledger.transaction(channel, txId);
    if (!onLedger) return known;
    const valid = onLedger.validationCodeName === 'VALID';
    return {
      txId,
      channel,
      status: valid ? 'committed' : 'invalid',
      blockNumber: onLedger.blockNumber,
      validationCode: onLedger.validationCodeName,
    };
  }
}
