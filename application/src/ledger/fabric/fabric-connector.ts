import { CommitError, type Gateway, type Network, connect } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import {
  type Consortium,
  type CryptoMaterial,
  type FabricNetworkProfile,
  type FabricPeer,
  MspRegistry,
  type SigningIdentity,
  describeBlockSignatures,
  describeStoredBlock,
  describeTransactionInBlock,
  ensureCryptoMaterial,
  consortiumAsRun,
  loadConsortium,
  readFabricNetworkProfile,
  verifyBlockChain,
} from '@cityledger/network';
import type { Caller } from '../../auth/caller';
import { AccessDeniedError, LedgerUnavailableError, NotFoundError } from '../../errors/gateway-errors';
import type { Logger } from '../../observability/logger';
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
} from '../ledger-connector';
import { clientIdentityIdOf, ledgerAttributesOf } from '../ledger-identities';
import { blockSummaryOf, ledgerBlockOf, transactionsOf } from '../ledger-views';
import { type RetryPolicy, retryReadConflicts } from '../read-conflict-retry';
import { SubmissionLimiter, type SubmissionLimits } from '../submission-limiter';
import { followBlocks } from './block-follower';
import { MemberCommitWatch } from './member-commit-watch';
import { gatewayErrorOf, readConflictOf } from './fabric-error-translation';
import { retryOrdering } from './ordering-retry';
import { gatewayCredentialsOf } from './gateway-identity';
import { KeyHistoryIndex } from './key-history-index';
import { GatewayCache, PeerConnections } from './peer-connections';

export interface FabricConnectorOptions {
  /** Must be the consortium the network was generated from (network.json's consortiumFile). */
  consortium: Consortium;
  /** Holds network.json, written by test-network/network.sh up and deploy. */
  networkDir: string;
  submissions: RetryPolicy & Omit<SubmissionLimits, 'now'>;
  /** Chaincodes readiness requires committed; default: every chaincode the consortium defines. */
  requiredChaincodes?: string[];
  logger?: Logger;
  /** How often readiness is probed in the background; default 5 s. */
  readinessIntervalMs?: number;
}

/**
 * A peer's Gateway service refuses more than 500 concurrent requests (`peer.gateway.concurrencyLimit`).
 * Submissions hold one request at a time (endorse, then submit, then commit status) and
 * evaluations one each, so these two bounds keep this gateway below the limit on every peer, with
 * room for the block streams and for other clients.
 */
const MAX_CONCURRENT_SUBMISSIONS = 300;
const MAX_CONCURRENT_EVALUATIONS = 150;
/** Gateways kept connected, one per user and peer. */
const GATEWAY_CACHE_SIZE = 500;
/** How long `history` waits for the index to read blocks up to the current height. */
const HISTORY_CATCH_UP_MS = 15_000;
/** fabric-samples' deadlines: endorsement runs chaincode, commit waits for a block. */
// Submit: room for the peer Gateway to fail over across three orderers (5 s each at most, see
// test-network's core.yaml) before the client gives up.
const DEADLINES_MS = { evaluate: 5_000, endorse: 15_000, submit: 20_000, commitStatus: 60_000 };

const QSCC = 'qscc';
const METADATA_TRANSACTION = 'org.hyperledger.fabric:GetMetadata';

/**
 * The ledger connector over a running Fabric network (`LEDGER=fabric`): each caller endorses and
 * submits with their own enrolled X.509 identity through their organisation's peer and its
 * Gateway service; blocks, transactions and chain verification come from the peers' `qscc` and
 * Deliver service, decoded with the same code that reads the embedded network's blocks.
 */
export class FabricLedgerConnector implements LedgerConnector {
  private readonly submissions: SubmissionLimiter;
  private readonly evaluations: SubmissionLimiter;
  private readonly connections: PeerConnections;
  private readonly gateways = new GatewayCache(GATEWAY_CACHE_SIZE);
  private readonly identities: MspRegistry;
  private readonly histories = new Map<string, KeyHistoryIndex>();
  private readonly historyProblems = new Map<string, string>();
  private readonly followers = new Set<() => void>();
  private readonly commitWatch = new MemberCommitWatch();
  private readonly catalog = new Map<string, ChaincodeInfo[]>();
  private lastReadiness: LedgerReadiness = { ready: false, problems: ['not probed yet'], channels: [] };
  private probing?: Promise<void>;
  private probeTimer?: NodeJS.Timeout;
  private closed = false;

  private constructor(
    private readonly options: FabricConnectorOptions,
    private profile: FabricNetworkProfile,
    private readonly crypto: CryptoMaterial,
  ) {
    const { maxConcurrent, maxQueued, latencyBudgetMs } = options.submissions;
    this.submissions = new SubmissionLimiter({
      maxConcurrent: Math.min(maxConcurrent, MAX_CONCURRENT_SUBMISSIONS),
      maxQueued,
      latencyBudgetMs,
    });
    // Evaluations do not wait for a commit: only the peers' concurrency limit applies to them.
    this.evaluations = new SubmissionLimiter({
      maxConcurrent: MAX_CONCURRENT_EVALUATIONS,
      maxQueued,
      latencyBudgetMs: 0,
    });
    this.connections = new PeerConnections(options.networkDir);
    this.identities = new MspRegistry(new Map(crypto.organizations().map((org) => [org.mspId, org.msp])));
  }

  /**
   * Reads network.json, loads the generated crypto material (users are enrolled with its org CAs,
   * which the channel MSPs trust), starts the key history of every channel and probes readiness once.
   *
   * @throws Error when network.json is missing or was generated from another consortium.
   */
  static async start(options: FabricConnectorOptions): Promise<FabricLedgerConnector> {
    const profile = readFabricNetworkProfile(options.networkDir);
    const generatedFrom = loadConsortium(profile.consortiumFile);
    if (JSON.stringify(generatedFrom.definition) !== JSON.stringify(options.consortium.definition)) {
      throw new Error(
        `the Fabric network in ${options.networkDir} was generated from ${profile.consortiumFile}, ` +
          `which differs from the gateway's consortium: set CONSORTIUM_FILE=${profile.consortiumFile}`,
      );
    }
    const asRun = consortiumAsRun(options.consortium, profile.profile);
    const crypto = await ensureCryptoMaterial(asRun.definition, profile.cryptoDir);
    const connector = new FabricLedgerConnector(options, profile, crypto);
    connector.startHistories();
    await connector.watchMemberCommits();
    await connector.probe();
    connector.probeTimer = setInterval(
      () => void connector.probe(),
      options.readinessIntervalMs ?? 5_000,
    ).unref();
    return connector;
  }

  get submissionsInFlight(): number {
    return this.submissions.inFlight;
  }

  // ---- routing: who talks to which peer ----

  private channelMembers(channel: string): readonly string[] {
    if (!this.options.consortium.channelNames().includes(channel)) {
      throw new NotFoundError(`unknown channel ${channel}`);
    }
    return this.options.consortium.channel(channel).members;
  }

  /** The caller's own organisation's peer on the channel: Fabric's Gateway acts for its own org's clients. */
  private peerOf(mspId: string, channel: string): FabricPeer {
    if (!this.channelMembers(channel).includes(mspId)) {
      throw new AccessDeniedError(`${mspId} is not a member of channel ${channel}`, 'NOT_A_CHANNEL_MEMBER');
    }
    const peer = this.profile.peers.find((p) => p.mspId === mspId && p.channels.includes(channel));
    if (!peer) {
      throw new AccessDeniedError(
        `${mspId} has no peer on channel ${channel} in the Fabric network, so its users cannot reach the channel`,
        'NO_PEER',
      );
    }
    return peer;
  }

  private ensureCommitted(call: ChaincodeCall): void {
    const defined = this.options.consortium
      .channel(call.channel)
      .chaincodes.some((c) => c.name === call.chaincode);
    if (!defined || !this.isCommitted(call.channel, call.chaincode)) {
      throw new NotFoundError(
        `chaincode ${call.chaincode} is not installed on channel ${call.channel}`,
        'UNKNOWN_CHAINCODE',
      );
    }
  }

  private isCommitted(channel: string, chaincode: string): boolean {
    return this.profile.chaincodes.some((c) => c.channel === channel && c.name === chaincode);
  }

  private gatewayAs(identity: SigningIdentity, peer: FabricPeer, user: string): Gateway {
    return this.gateways.get(`${peer.hostname}\u0000${identity.mspId}\u0000${user}`, identity, (id) =>
      connect({
        client: this.connections.client(peer),
        ...gatewayCredentialsOf(id),
        evaluateOptions: () => ({ deadline: Date.now() + DEADLINES_MS.evaluate }),
        endorseOptions: () => ({ deadline: Date.now() + DEADLINES_MS.endorse }),
        submitOptions: () => ({ deadline: Date.now() + DEADLINES_MS.submit }),
        commitStatusOptions: () => ({ deadline: Date.now() + DEADLINES_MS.commitStatus }),
      }),
    );
  }

  private async callerNetwork(caller: Caller, call: ChaincodeCall): Promise<Network> {
    const peer = this.peerOf(caller.mspId, call.channel);
    this.ensureCommitted(call);
    // The crypto material keeps the wallet: enrolled once, re-issued when the role or DID changes.
    const identity = await this.crypto.enrollUser(caller.mspId, caller.userId, ledgerAttributesOf(caller));
    return this.gatewayAs(identity, peer, caller.userId).getNetwork(call.channel);
  }

  /**
   * Blocks, system chaincode queries and metadata are read as the admin of the first organisation
   * (in network.json's order) whose peer has joined the channel: any channel reader would do.
   */
  private serviceNetwork(channel: string): { network: Network; peer: FabricPeer } {
    const members = this.channelMembers(channel);
    const peer = this.profile.peers.find((p) => p.channels.includes(channel) && members.includes(p.mspId));
    if (!peer)
      throw new LedgerUnavailableError(`no peer of the Fabric network has joined channel ${channel}`);
    const admin = this.crypto.organization(peer.mspId).admin;
    return { network: this.gatewayAs(admin, peer, 'Admin').getNetwork(channel), peer };
  }

  private ensureOpen(): void {
    if (this.closed) throw new LedgerUnavailableError('the ledger connection is closed');
  }

  // ---- transactions ----

  async submit(
    caller: Caller,
    call: ChaincodeCall,
    options: SubmitOptions = {},
  ): Promise<CommittedTransaction> {
    this.ensureOpen();
    try {
      return await this.submissions.run(async () => {
        const contract = (await this.callerNetwork(caller, call)).getContract(call.chaincode);
        const { value, attempts } = await retryReadConflicts(
          async () => {
            const transaction = await contract
              .newProposal(call.function, {
                arguments: call.args,
                ...(call.transient ? { transientData: call.transient } : {}),
              })
              .endorse();
            options.onEndorsed?.(transaction.getTransactionId());
            const submitted = await retryOrdering(() => transaction.submit());
            const status = await submitted.getStatus();
            if (!status.successful) {
              throw new CommitError({
                code: status.code,
                transactionId: status.transactionId,
                message: `transaction ${status.transactionId} committed with status code ${status.code}`,
              });
            }
            await this.commitWatch.committedEverywhere(call.channel, Number(status.blockNumber));
            return {
              txId: status.transactionId,
              blockNumber: Number(status.blockNumber),
              result: Buffer.from(submitted.getResult()),
            };
          },
          readConflictOf,
          this.options.submissions,
        );
        return { ...value, attempts };
      });
    } catch (error) {
      throw gatewayErrorOf(error, call);
    }
  }

  async evaluate(caller: Caller, call: ChaincodeCall): Promise<Buffer> {
    this.ensureOpen();
    try {
      const contract = (await this.callerNetwork(caller, call)).getContract(call.chaincode);
      const result = await this.evaluations.run(() =>
        contract.evaluate(call.function, {
          arguments: call.args,
          ...(call.transient ? { transientData: call.transient } : {}),
        }),
      );
      return Buffer.from(result);
    } catch (error) {
      throw gatewayErrorOf(error, call);
    }
  }

  async clientIdentityId(mspId: string, userId: string): Promise<string> {
    this.ensureOpen();
    try {
      return await clientIdentityIdOf(this.crypto, mspId, userId);
    } catch (error) {
      throw gatewayErrorOf(error);
    }
  }

  // ---- blocks ----

  private async systemQuery(channel: string, name: string, ...args: string[]): Promise<Uint8Array> {
    const { network } = this.serviceNetwork(channel);
    return this.evaluations.run(() => network.getContract(QSCC).evaluateTransaction(name, channel, ...args));
  }

  async height(channel: string): Promise<number> {
    this.ensureOpen();
    try {
      const info = common.BlockchainInfo.deserializeBinary(await this.systemQuery(channel, 'GetChainInfo'));
      return info.getHeight();
    } catch (error) {
      throw gatewayErrorOf(error);
    }
  }

  private async readBlock(channel: string, blockNumber: number): Promise<common.Block> {
    return common.Block.deserializeBinary(
      await this.systemQuery(channel, 'GetBlockByNumber', String(blockNumber)),
    );
  }

  subscribe(
    channel: string,
    listener: (block: LedgerBlock) => void,
    options: { fromBlock?: number } = {},
  ): () => void {
    this.ensureOpen();
    const { network } = this.serviceNetwork(channel);
    const stop = followBlocks(
      (startBlock) => network.getBlockEvents(startBlock === undefined ? {} : { startBlock }),
      (block) => {
        try {
          listener(ledgerBlockOf(describeStoredBlock(channel, block)));
        } catch {
          // A failing listener must not stop delivery, as on the embedded network.
        }
      },
      {
        fromBlock: options.fromBlock,
        onError: (error) =>
          this.options.logger?.warn('block stream failed; resuming', { channel, error: String(error) }),
      },
    );
    this.followers.add(stop);
    return () => {
      stop();
      this.followers.delete(stop);
    };
  }

  async block(channel: string, blockNumber: number): Promise<BlockSummary | undefined> {
    this.ensureOpen();
    if (!Number.isSafeInteger(blockNumber) || blockNumber < 0) return undefined;
    try {
      if (blockNumber >= (await this.height(channel))) return undefined;
      const block = await this.readBlock(channel, blockNumber);
      const signatures = await describeBlockSignatures(block, this.identities, (n) =>
        this.readBlock(channel, n),
      );
      return blockSummaryOf(describeStoredBlock(channel, block), signatures);
    } catch (error) {
      throw gatewayErrorOf(error);
    }
  }

  async transaction(channel: string, txId: string): Promise<TransactionRecord | undefined> {
    this.ensureOpen();
    try {
      let bytes: Uint8Array;
      try {
        bytes = await this.systemQuery(channel, 'GetBlockByTxID', txId);
      } catch (error) {
        if (/no such transaction ID|not found/i.test(fabricText(error))) return undefined;
        throw error;
      }
      const block = common.Block.deserializeBinary(bytes);
      const txIndex = describeStoredBlock(channel, block).transactions.findIndex((tx) => tx.txId === txId);
      return txIndex < 0 ? undefined : describeTransactionInBlock(channel, block, txIndex);
    } catch (error) {
      throw gatewayErrorOf(error);
    }
  }

  async verify(channel: string, options: { signer?: string } = {}): Promise<ChainVerification> {
    this.ensureOpen();
    try {
      const height = await this.height(channel);
      // configtxgen's genesis block is neither signed by an orderer nor carries a signed envelope.
      return await verifyBlockChain(
        { height, readBlock: (n) => this.readBlock(channel, n) },
        this.identities,
        { unsignedGenesis: true, ...options },
      );
    } catch (error) {
      throw gatewayErrorOf(error);
    }
  }

  /** Follows every member peer of every channel, from the block before the current height. */
  private async watchMemberCommits(): Promise<void> {
    for (const channel of this.options.consortium.channelNames()) {
      const height = await this.height(channel).catch(() => 0);
      const members = this.channelMembers(channel);
      for (const peer of this.profile.peers.filter(
        (p) => p.channels.includes(channel) && members.includes(p.mspId),
      )) {
        const admin = this.crypto.organization(peer.mspId).admin;
        const network = this.gatewayAs(admin, peer, 'Admin').getNetwork(channel);
        this.commitWatch.follow(
          channel,
          peer,
          (startBlock) => network.getFilteredBlockEvents(startBlock === undefined ? {} : { startBlock }),
          height - 1,
        );
      }
    }
  }

  // ---- key history ----

  /** Follows every channel from block 0 into its key history index (see KeyHistoryIndex on why). */
  private startHistories(): void {
    for (const channel of this.options.consortium.channelNames()) {
      let service: { network: Network };
      try {
        service = this.serviceNetwork(channel);
      } catch (error) {
        this.historyProblems.set(channel, (error as Error).message);
        continue;
      }
      const index = new KeyHistoryIndex();
      this.histories.set(channel, index);
      const stop = followBlocks(
        (startBlock) => service.network.getBlockEvents({ startBlock: startBlock ?? 0n }),
        (block) => {
          index.add(block);
          this.historyProblems.delete(channel);
        },
        {
          fromBlock: 0,
          onError: (error) => {
            this.historyProblems.set(channel, `reading blocks for key history failed: ${String(error)}`);
          },
        },
      );
      this.followers.add(stop);
    }
  }

  async history(channel: string, chaincode: string, key: string): Promise<KeyHistoryEntry[]> {
    this.ensureOpen();
    const height = await this.height(channel);
    const index = this.histories.get(channel);
    if (!index || !(await index.reached(height, HISTORY_CATCH_UP_MS))) {
      throw new LedgerUnavailableError(
        `the key history of channel ${channel} is not built yet (${index?.height ?? 0} of ${height} blocks read` +
          `${this.historyProblems.has(channel) ? `; ${this.historyProblems.get(channel)}` : ''}); retry shortly`,
        'HISTORY_NOT_READY',
      );
    }
    return index.history(chaincode, key);
  }

  // ---- chaincodes and readiness ----

  chaincodes(channel: string): ChaincodeInfo[] {
    this.ensureOpen();
    this.channelMembers(channel);
    return this.catalog.get(channel) ?? this.catalogOf(channel, new Map());
  }

  private catalogOf(
    channel: string,
    transactions: Map<string, ChaincodeInfo['transactions']>,
  ): ChaincodeInfo[] {
    return this.options.consortium.channel(channel).chaincodes.map((cc) => {
      const committed = this.profile.chaincodes.find((c) => c.channel === channel && c.name === cc.name);
      return {
        name: cc.name,
        version: committed?.version ?? cc.version,
        installed: committed !== undefined,
        transactions: committed ? (transactions.get(cc.name) ?? []) : [],
      };
    });
  }

  /** Reads the contract metadata of committed chaincodes not yet described. */
  private async refreshCatalog(channel: string): Promise<void> {
    const known = new Map((this.catalog.get(channel) ?? []).map((cc) => [cc.name, cc.transactions]));
    const { network } = this.serviceNetwork(channel);
    for (const cc of this.options.consortium.channel(channel).chaincodes) {
      if (!this.isCommitted(channel, cc.name) || (known.get(cc.name)?.length ?? 0) > 0) continue;
      const metadata = await this.evaluations.run(() =>
        network.getContract(cc.name).evaluateTransaction(METADATA_TRANSACTION),
      );
      known.set(
        cc.name,
        transactionsOf(JSON.parse(Buffer.from(metadata).toString('utf8')) as Record<string, unknown>),
      );
    }
    this.catalog.set(channel, this.catalogOf(channel, known));
  }

  readiness(): LedgerReadiness {
    if (this.closed) return { ready: false, problems: ['the ledger connection is closed'], channels: [] };
    void this.probe();
    return this.lastReadiness;
  }

  /** One probe at a time; readiness() answers the last one's result without waiting. */
  private probe(): Promise<void> {
    return (this.probing ??= this.probeNow().finally(() => (this.probing = undefined)));
  }

  private async probeNow(): Promise<void> {
    const problems: string[] = [];
    try {
      // `deploy` adds chaincodes to network.json while the gateway runs.
      this.profile = readFabricNetworkProfile(this.options.networkDir);
    } catch (error) {
      problems.push((error as Error).message);
    }
    const required = this.options.requiredChaincodes;
    const channels: LedgerReadiness['channels'] = [];
    for (const channel of this.options.consortium.channelNames()) {
      let height = 0;
      try {
        height = await this.height(channel);
        await this.refreshCatalog(channel);
      } catch (error) {
        const peer = this.profile.peers.find((p) => p.channels.includes(channel));
        problems.push(
          `channel ${channel} cannot be read${peer ? ` through ${peer.hostname} (${peer.endpoint})` : ''}: ${(error as Error).message}`,
        );
      }
      const installed: string[] = [];
      for (const cc of this.options.consortium.channel(channel).chaincodes) {
        if (this.isCommitted(channel, cc.name)) installed.push(cc.name);
        else if (!required || required.includes(cc.name)) {
          problems.push(`chaincode ${cc.name} is not committed on channel ${channel}`);
        }
      }
      channels.push({ channel, height, chaincodesInstalled: installed });
    }
    if (!this.closed) this.lastReadiness = { ready: problems.length === 0, problems, channels };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.probeTimer);
    for (const stop of this.followers) stop();
    this.followers.clear();
    this.commitWatch.close();
    await this.probing?.catch(() => undefined);
    this.gateways.close();
    this.connections.close();
  }
}

/** Every message a fabric-gateway error carries, for recognising a peer's answer. */
function fabricText(error: unknown): string {
  const details = (error as { details?: Array<{ message?: string }> }).details;
  return [
    String((error as Error).message),
    ...(Array.isArray(details) ? details.map((d) => d.message) : []),
  ].join('\n');
}
