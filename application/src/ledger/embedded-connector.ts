import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CommitError,
  type CommittedBlock,
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
  blockHeaderHash,
  printable,
  validationCodeName,
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
  ChaincodeTransaction,
  CommittedTransaction,
  KeyHistoryEntry,
  LedgerBlock,
  LedgerConnector,
  LedgerReadiness,
  TransactionRecord,
} from './ledger-connector';
import { type RetryPolicy, retryReadConflicts } from './read-conflict-retry';
import { SubmissionLimiter } from './submission-limiter';

export interface EmbeddedConnectorOptions {
  consortium: Consortium;
  /** Crypto material (with the users' wallet) and ledgers live here and survive restarts. */
  dataDir: string;
  chaincodes: Record<string, ReadonlyArray<ContractClass>>;
  submissions: RetryPolicy & { maxConcurrent: number; maxQueued: number };
  /** Chaincodes readiness requires installed; default: every chaincode the consortium defines. */
  requiredChaincodes?: string[];
}

/** The certificate attributes a caller's ledger identity carries: `role`, and `did` when the token has one. */
export function ledgerAttributesOf(caller: Caller): Record<string, string> {
  return { role: caller.role, ...(caller.did ? { did: caller.did } : {}) };
}

/** `x509::<subject DN>::<issuer DN>` exactly as fabric-shim's `ClientIdentity.getID()` forms it. */
export function x509IdentityId(certificatePem: string): string {
  const certificate = new X509Certificate(certificatePem);
  const dn = (name: string) =>
    name
      .split('\n')
      .map((attribute) => `/${attribute.replace('/', '\\/')}`)
      .join('');
  return `x509::${dn(certificate.subject)}::${dn(certificate.issuer)}`;
}

/** Validation codes that mean "someone else changed what you read": worth re-endorsing. */
const READ_CONFLICTS = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);

/** fabric-contract-api tags: `submitTx`/`SUBMIT` for transactions, `EVALUATE` for queries. */
function transactionsOf(metadata: Record<string, unknown>): ChaincodeTransaction[] {
  const contracts = (metadata.contracts ?? {}) as Record<
    string,
    {
      name: string;
      contractInstance?: { default?: boolean };
      transactions?: Array<{ name: string; tag?: string[]; parameters?: Array<{ name: string }> }>;
    }
  >;
  return Object.values(contracts)
    .filter((contract) => !contract.name.startsWith('org.hyperledger'))
    .flatMap((contract) =>
      (contract.transactions ?? []).map((tx) => ({
        name: contract.contractInstance?.default ? tx.name : `${contract.name}:${tx.name}`,
        kind: tx.tag?.some((t) => t === 'SUBMIT' || t === 'submitTx')
          ? ('submit' as const)
          : ('evaluate' as const),
        parameters: (tx.parameters ?? []).map((p) => p.name),
      })),
    );
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
    this.limiter = new SubmissionLimiter(options.submissions.maxConcurrent, options.submissions.maxQueued);
  }

  static async start(options: EmbeddedConnectorOptions): Promise<EmbeddedLedgerConnector> {
    const network = await EmbeddedNetwork.start({
      consortium: options.consortium,
      dataDir: options.dataDir,
      chaincodes: options.chaincodes,
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
      const org = this.network.crypto.organization(mspId);
      const stored = join(org.directory, 'users', `${userId}@${org.domain}`, 'msp', 'signcerts');
      const certificate = existsSync(join(stored, `${userId}-cert.pem`))
        ? readFileSync(join(stored, `${userId}-cert.pem`), 'utf8')
        : // Never seen: enrol without attributes; the user's first call re-issues the certificate
          // with their role, under the same subject and issuer, so the id stays the same.
          (await this.network.crypto.enrollUser(mspId, userId, {})).certificatePem;
      return x509IdentityId(certificate);
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

  async submit(caller: Caller, call: ChaincodeCall): Promise<CommittedTransaction> {
    this.ensureOpen();
    try {
      return await this.limiter.run(async () => {
        const identity = await this.identityOf(caller);
        const { value, attempts } = await retryReadConflicts(
          () => this.network.submit(identity, call),
          (error) =>
            error instanceof CommitError && READ_CONFLICTS.has(error.validationCodeName)
              ? error.validationCodeName
              : undefined,
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
      return this.network.subscribe(channel, (block) => listener(this.toLedgerBlock(block)), options);
    } catch (error) {
      throw this.translate(error);
    }
  }

  private toLedgerBlock(block: CommittedBlock): LedgerBlock {
    return {
      channel: block.channel,
      blockNumber: block.blockNumber,
      transactions: block.transactions.map((tx) => ({
        txIndex: tx.index,
        txId: tx.txId,
        validationCode: validationCodeName(tx.code),
        ...(tx.chaincode ? { chaincode: tx.chaincode } : {}),
        timestamp: tx.timestamp.toISOString(),
        ...(tx.event ? { event: tx.event } : {}),
      })),
    };
  }

  async block(channel: string, blockNumber: number): Promise<BlockSummary | undefined> {
    this.ensureOpen();
    try {
      if (blockNumber >= this.network.height(channel)) return undefined;
      const described = await this.network.describeBlock(channel, blockNumber);
      if (!described) return undefined;
      const header = described.block.getHeader()!;
      const { transactions } = this.toLedgerBlock(described);
      return {
        channel,
        blockNumber,
        headerHash: blockHeaderHash(header).toString('hex'),
        previousHash: Buffer.from(header.getPreviousHash_asU8()).toString('hex'),
        dataHash: Buffer.from(header.getDataHash_asU8()).toString('hex'),
        transactions: transactions.map(({ event, ...tx }) => ({
          ...tx,
          ...(event ? { event: { name: event.name, payload: printable(event.payload) } } : {}),
        })),
      };
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

  async verify(channel: string): Promise<ChainVerification> {
    this.ensureOpen();
    try {
      return await this.network.verifyChain(channel);
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
    const channels = this.network.health().map(({ channel, height, error }) => {
      if (error) problems.push(`channel ${channel} cannot commit: ${error}`);
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
