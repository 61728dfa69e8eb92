import {
  CommitError,
  type Consortium,
  type ContractClass,
  EmbeddedNetwork,
  EndorseError,
  IdentityError,
  LedgerError,
  NotFoundError as NetworkNotFoundError,
  type Signer,
  SubmitError,
  UnavailableError,
  printable,
} from '@cityledger/network';
import type { Caller } from '../auth/caller';
import {
  AccessDeniedError,
  ConflictError,
  GatewayError,
  InvalidInputError,
  LedgerFailureError,
  LedgerUnavailableError,
  NotFoundError,
} from '../errors/gateway-errors';
import { chaincodeErrorOf } from './chaincode-error-translation';
import type {
  BlockSummary,
  ChainVerification,
  ChaincodeCall,
  ChaincodeInfo,
  CommittedTransaction,
  KeyHistoryEntry,
  LedgerBlock,
  LedgerConnector,
  LedgerReadiness,
  SubmitOptions,
  TransactionRecord,
} from './ledger-connector';
import { clientIdentityIdOf, ledgerAttributesOf } from './ledger-identities';
import { READ_CONFLICTS, blockSummaryOf, ledgerBlockOf, transactionsOf } from './ledger-views';
import { type RetryPolicy, retryReadConflicts } from './read-conflict-retry';
import { SubmissionLimiter, type SubmissionLimits } from './submission-limiter';

export { ledgerAttributesOf, x509IdentityId } from './ledger-identities';

export interface EmbeddedConnectorOptions {
  consortium: Consortium;
  /** Crypto material (with the users' wallet) and ledgers live here and survive restarts. */
  dataDir: string;
  chaincodes: Record<string, ReadonlyArray<ContractClass>>;
  /** Where each organisation's chaincode worker loads the chaincodes from; none: chaincode runs in process. */
  chaincodeWorkers?: Record<string, { module: string }>;
  submissions: RetryPolicy & Omit<SubmissionLimits, 'now'>;
  /** Chaincodes readiness requires installed; default: every chaincode the consortium defines. */
  requiredChaincodes?: string[];
  /** The clock the gateway's proposals are stamped with (the time chaincode sees); tests pass one. */
  now?: () => number;
}

/**
 * The ledger connector over the embedded network: starts the whole consortium in-process with
 * every installed chaincode and acts for each caller with their own enrolled identity.
 */
export class EmbeddedLedgerConnector implements LedgerConnector {
  private readonly limiter: SubmissionLimiter;
  private readonly chaincodeCatalog = new Map<string, ChaincodeInfo[]>();
  private closed = false;

  private constructor(
    private readonly network: EmbeddedNetwork,
    private readonly options: EmbeddedConnectorOptions,
  ) {
    const { maxConcurrent, maxQueued, latencyBudgetMs } = options.submissions;
    this.limiter = new SubmissionLimiter({ maxConcurrent, maxQueued, latencyBudgetMs });
  }

  static async start(options: EmbeddedConnectorOptions): Promise<EmbeddedLedgerConnector> {
    const network = await EmbeddedNetwork.start({
      consortium: options.consortium,
      dataDir: options.dataDir,
      chaincodes: options.chaincodes,
      ...(options.chaincodeWorkers ? { chaincodeWorkers: options.chaincodeWorkers } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    return new EmbeddedLedgerConnector(network, options);
  }

  get submissionsInFlight(): number {
    return this.limiter.inFlight;
  }

  private identityOf(caller: Caller): Promise<Signer> {
    // The network's crypto material keeps the wallet: enrolled once, re-issued when the role or
    // the DID changes (a token without `did` gets a certificate without it, too).
    return this.network.crypto.enrollUser(caller.mspId, caller.userId, ledgerAttributesOf(caller));
  }

  async clientIdentityId(mspId: string, userId: string): Promise<string> {
    this.ensureOpen();
    try {
      return await clientIdentityIdOf(this.network.crypto, mspId, userId);
    } catch (error) {
      throw this.translate(error);
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new LedgerUnavailableError('the ledger connection is closed');
  }

  private translate(error: unknown, call?: ChaincodeCall): unknown {
    if (error instanceof GatewayError) return error;
    if (error instanceof EndorseError) {
      const detail = error.message.replace(
        /^endorsement failed: (error in simulation: )?(access denied: )?/,
        '',
      );
      switch (error.reason) {
        case 'access-denied':
          return new AccessDeniedError(
            detail,
            /is not a member of channel/.test(detail) ? 'NOT_A_CHANNEL_MEMBER' : 'ACCESS_DENIED',
          );
        case 'not-found':
          return new NotFoundError(
            call ? `chaincode ${call.chaincode} is not installed on channel ${call.channel}` : detail,
            'UNKNOWN_CHAINCODE',
          );
        case 'duplicate':
          return new ConflictError(detail, 'DUPLICATE_TXID');
        case 'chaincode-error':
          if (error.chaincodeMessage) return chaincodeErrorOf(error.chaincodeMessage, call?.chaincode ?? '');
          return new LedgerFailureError('ENDORSEMENT_FAILED', error.message);
        case 'mismatch':
          return new LedgerFailureError('ENDORSEMENT_MISMATCH', error.message);
        case 'private-data-distribution':
          return chaincodeErrorOf(error.message, call?.chaincode ?? '');
        case 'no-endorsement-plan':
          return new LedgerFailureError('NO_ENDORSEMENT_PLAN', error.message);
        default:
          return new LedgerFailureError('ENDORSEMENT_FAILED', error.message);
      }
    }
    if (error instanceof CommitError) {
      if (error.validationCodeName === 'DUPLICATE_TXID') {
        return new ConflictError(`transaction ${error.txId} was already committed`, 'DUPLICATE_TXID');
      }
      return new LedgerFailureError(
        error.validationCodeName,
        `transaction ${error.txId} was committed as invalid (${error.validationCodeName}); it changed nothing`,
      );
    }
    if (error instanceof NetworkNotFoundError) return new NotFoundError(error.message);
    if (error instanceof UnavailableError) return new LedgerUnavailableError(error.message);
    if (error instanceof SubmitError) return new LedgerUnavailableError(error.message, 'ORDERING_FAILED');
    if (error instanceof IdentityError) return new InvalidInputError('token', error.message);
    if (error instanceof LedgerError) return new LedgerFailureError('LEDGER_ERROR', error.message);
    return error;
  }

  async submit(
    caller: Caller,
    call: ChaincodeCall,
    options: SubmitOptions = {},
  ): Promise<CommittedTransaction> {
    this.ensureOpen();
    try {
      return await this.limiter.run(async () => {
        const identity = await this.identityOf(caller);
        const { value, attempts } = await retryReadConflicts(
          async () => {
            const endorsed = await this.network.endorse(identity, call);
            options.onEndorsed?.(endorsed.txId);
            return this.network.submitEndorsed(endorsed);
          },
          (error) => {
            if (error instanceof CommitError && READ_CONFLICTS.has(error.validationCodeName)) {
              return error.validationCodeName;
            }
            // Endorsers that simulated on either side of a block commit disagree; endorsing again agrees.
            return error instanceof EndorseError && error.reason === 'mismatch'
              ? 'ENDORSEMENT_MISMATCH'
              : undefined;
          },
          this.options.submissions,
        );
        return { txId: value.txId, blockNumber: value.blockNumber, result: value.result, attempts };
      });
    } catch (error) {
      throw this.translate(error, call);
    }
  }

  async evaluate(caller: Caller, call: ChaincodeCall): Promise<Buffer> {
    this.ensureOpen();
    try {
      return await this.network.evaluate(await this.identityOf(caller), call);
    } catch (error) {
      throw this.translate(error, call);
    }
  }

  subscribe(
    channel: string,
    listener: (block: LedgerBlock) => void,
    options: { fromBlock?: number } = {},
  ): () => void {
    this.ensureOpen();
    try {
      return this.network.subscribe(channel, (block) => listener(ledgerBlockOf(block)), options);
    } catch (error) {
      throw this.translate(error);
    }
  }

  async block(channel: string, blockNumber: number): Promise<BlockSummary | undefined> {
    this.ensureOpen();
    try {
      if (blockNumber >= this.network.height(channel)) return undefined;
      const described = await this.network.describeBlock(channel, blockNumber);
      if (!described) return undefined;
      return blockSummaryOf(described, await this.network.blockSignatures(channel, described.block));
    } catch (error) {
      throw this.translate(error);
    }
  }

  async transaction(channel: string, txId: string): Promise<TransactionRecord | undefined> {
    this.ensureOpen();
    try {
      return await this.network.getTransaction(channel, txId);
    } catch (error) {
      throw this.translate(error);
    }
  }

  async history(channel: string, chaincode: string, key: string): Promise<KeyHistoryEntry[]> {
    this.ensureOpen();
    try {
      const entries = await this.network.getHistory(channel, chaincode, key);
      return entries.map((entry) => ({
        txId: entry.txId,
        blockNumber: entry.blockNum,
        txIndex: entry.txNum,
        timestamp: entry.timestamp.toISOString(),
        isDelete: entry.isDelete,
        value: entry.isDelete ? '' : printable(entry.value),
      }));
    } catch (error) {
      throw this.translate(error);
    }
  }

  async verify(channel: string, options: { signer?: string } = {}): Promise<ChainVerification> {
    this.ensureOpen();
    try {
      return await this.network.verifyChain(channel, options);
    } catch (error) {
      throw this.translate(error);
    }
  }

  async height(channel: string): Promise<number> {
    this.ensureOpen();
    try {
      return this.network.height(channel);
    } catch (error) {
      throw this.translate(error);
    }
  }

  chaincodes(channel: string): ChaincodeInfo[] {
    this.ensureOpen();
    const cached = this.chaincodeCatalog.get(channel);
    if (cached) return cached;
    let catalog: ChaincodeInfo[];
    try {
      catalog = this.network.chaincodes(channel).map((cc) => ({
        ...cc,
        transactions: cc.installed ? transactionsOf(this.network.chaincodeMetadata(channel, cc.name)) : [],
      }));
    } catch (error) {
      throw this.translate(error);
    }
    this.chaincodeCatalog.set(channel, catalog);
    return catalog;
  }

  readiness(): LedgerReadiness {
    if (this.closed) return { ready: false, problems: ['the ledger connection is closed'], channels: [] };
    const problems: string[] = [];
    const required = this.options.requiredChaincodes;
    const channels = this.network
      .health()
      .map(({ channel, height, error, refusal, verified, verificationFailure }) => {
        if (refusal) problems.push(refusal);
        if (error) problems.push(`channel ${channel} cannot commit: ${error}`);
        if (verificationFailure) {
          const { firstBadBlock, reason } = verificationFailure;
          problems.push(`channel ${channel} failed verification at block ${firstBadBlock}: ${reason}`);
        }
        const chaincodes = this.network.chaincodes(channel);
        for (const cc of chaincodes) {
          if (!cc.installed && (!required || required.includes(cc.name))) {
            problems.push(`chaincode ${cc.name} is not installed on channel ${channel}`);
          }
        }
        return {
          channel,
          height,
          chaincodesInstalled: chaincodes.filter((c) => c.installed).map((c) => c.name),
          verified,
        };
      });
    return { ready: problems.length === 0, problems, channels };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.network.stop();
  }
}
