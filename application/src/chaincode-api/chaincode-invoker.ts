import type { Caller } from '../auth/caller';
import type { ChannelAccess } from '../auth/channel-access';
import {
  AccessDeniedError,
  ConflictError,
  InvalidInputError,
  LedgerUnavailableError,
  NotFoundError,
  TooManyRequestsError,
} from '../errors/gateway-errors';
import type {
  ChaincodeCall,
  CommittedTransaction,
  LedgerConnector,
  SubmitOptions,
} from '../ledger/ledger-connector';
import type { GatewayMetrics, SubmissionOutcome } from '../observability/gateway-metrics';
import type { TransactionStatusBook } from './transaction-status';

function outcomeOf(error: unknown): SubmissionOutcome {
  if (error instanceof ConflictError) return 'conflict';
  if (error instanceof TooManyRequestsError) return 'saturated';
  if (error instanceof LedgerUnavailableError) return 'unavailable';
  if (
    error instanceof InvalidInputError ||
    error instanceof AccessDeniedError ||
    error instanceof NotFoundError
  ) {
    return 'refused';
  }
  return 'failed';
}

/**
 * The one path from HTTP handlers (generic and domain) to the ledger: checks the caller's channel
 * membership and that the chaincode and transaction exist, then calls the connector and records
 * the outcome.
 */
export class ChaincodeInvoker {
  constructor(
    private readonly ledger: LedgerConnector,
    private readonly access: ChannelAccess,
    private readonly metrics: GatewayMetrics,
    private readonly statuses: TransactionStatusBook,
  ) {}

  /** @throws NotFoundError / AccessDeniedError / InvalidInputError before anything reaches the ledger. */
  private check(caller: Caller, call: ChaincodeCall): void {
    this.access.requireMember(caller, call.channel);
    const chaincode = this.ledger.chaincodes(call.channel).find((cc) => cc.name === call.chaincode);
    if (!chaincode) {
      throw new NotFoundError(
        `channel ${call.channel} has no chaincode ${call.chaincode}`,
        'UNKNOWN_CHAINCODE',
      );
    }
    if (!chaincode.installed) {
      throw new NotFoundError(
        `chaincode ${call.chaincode} is defined on channel ${call.channel} but not installed yet`,
        'UNKNOWN_CHAINCODE',
      );
    }
    const transaction = chaincode.transactions.find((tx) => tx.name === call.function);
    if (!transaction) {
      throw new NotFoundError(
        `chaincode ${call.chaincode} has no transaction ${call.function}`,
        'UNKNOWN_FUNCTION',
      );
    }
    if (transaction.parameters.length !== call.args.length) {
      throw new InvalidInputError(
        'args',
        `${call.function} takes ${transaction.parameters.length} arguments (${transaction.parameters.join(', ')}), got ${call.args.length}`,
      );
    }
  }

  async submit(caller: Caller, call: ChaincodeCall, options?: SubmitOptions): Promise<CommittedTransaction> {
    this.check(caller, call);
    const labels = { channel: call.channel, chaincode: call.chaincode };
    const stopTimer = this.metrics.submissionDuration.startTimer(labels);
    try {
      const committed = await this.ledger.submit(caller, call, options);
      this.metrics.submissions.inc({ ...labels, outcome: 'committed' });
      if (committed.attempts > 1) this.metrics.submissionRetries.inc(labels, committed.attempts - 1);
      return committed;
    } catch (error) {
      this.metrics.submissions.inc({ ...labels, outcome: outcomeOf(error) });
      if (error instanceof ConflictError && error.attempts > 1) {
        this.metrics.submissionRetries.inc(labels, error.attempts - 1);
      }
      throw error;
    } finally {
      stopTimer();
    }
  }

  /**
   * Submits and answers the transaction id as soon as the transaction is endorsed and goes to
   * ordering; `statuses` follows it to its commit. Refusals before that (bad input, access, the
   * chaincode saying no, back-pressure) are thrown as `submit` throws them.
   */
  submitAsync(caller: Caller, call: ChaincodeCall): Promise<string> {
    return new Promise((resolve, reject) => {
      let firstTxId: string | undefined;
      const accept = (txId: string) => {
        if (firstTxId !== undefined) return;
        firstTxId = txId;
        void this.statuses.follow(call.channel, txId, committed);
        resolve(txId);
      };
      const committed = this.submit(caller, call, { onEndorsed: accept });
      committed.then(
        // A connector (or a wrapper of one) that never named the id early is answered at the commit.
        (tx) => accept(tx.txId),
        (error: unknown) => {
          if (firstTxId === undefined) reject(error);
        },
      );
    });
  }

  async evaluate(caller: Caller, call: ChaincodeCall): Promise<Buffer> {
    this.check(caller, call);
    return this.ledger.evaluate(caller, call);
  }

  /**
   * The ledger identity id (`x509::<subject>::<issuer>`) of a user of an organisation on the
   * channel, for transactions that bind a record to a user's certificate.
   */
  async clientIdentityId(caller: Caller, channel: string, mspId: string, userId: string): Promise<string> {
    this.access.requireMember(caller, channel);
    this.access.requireMember({ userId, mspId, role: 'holder' }, channel);
    return this.ledger.clientIdentityId(mspId, userId);
  }
}

/** A chaincode result as JSON when it is JSON, else as text; an empty result is null. */
export function parseChaincodeResult(result: Buffer): unknown {
  if (result.length === 0) return null;
  const text = result.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
