import { join } from 'node:path';
import type { common } from '@hyperledger/fabric-protos';
import type { Consortium } from '../consortium/consortium';
import { resolveEndorsementPolicy } from '../consortium/endorsement-policy';
import { type CryptoMaterial, ensureCryptoMaterial } from '../identity/crypto-material';
import type { MembershipServiceProvider } from '../identity/msp';
import { type ChainVerification, verifyChain } from './audit/chain-verifier';
import { type TransactionDetails, describeTransaction } from './audit/transaction-details';
import {
  type ChannelRuntime,
  type DeployedChaincode,
  type DeployedCollection,
  TransientStore,
} from './channel-runtime';
import { ChannelCommitter } from './committer';
import { LedgerStoreError, NotFoundError, UnavailableError } from './errors';
import {
  type BlockListener,
  BlockEventHub,
  type CommittedBlock,
  describeStoredBlock,
} from './events/block-events';
import { ChannelLedger } from './ledger/channel-ledger';
import type { HistoryEntry } from './ledger/record-codec';
import { buildGenesisEnvelope } from './genesis';
import { MspRegistry } from './msp-registry';
import { type OrdererSignature, describeBlockSignatures } from './orderer/block-signature';
import { OrderingService } from './orderer/ordering-service';
import { type ChaincodeRunner, inProcessRunner } from './peer/chaincode-runner';
import { type ContractClass, ContractChaincode } from './peer/contract-chaincode';
import { type ChaincodeModule, WorkerChaincodeRunner } from './peer/worker-chaincode-runner';
import { EndorsingPeer } from './peer/endorsing-peer';
import type { Signer } from './protocol/signer';
import {
  type EndorseOptions,
  type EndorsedTransaction,
  type SubmitResult,
  TransactionClient,
  type TransactionRequest,
} from './transaction-client';

export interface EmbeddedNetworkOptions {
  consortium: Consortium;
  /** Holds crypto material (`crypto/`) and one ledger per channel (`ledgers/<channel>`). */
  dataDir: string;
  /** Installed chaincode implementations by chaincode name; the consortium says on which channels. */
  chaincodes?: Record<string, ReadonlyArray<ContractClass>>;
  /**
   * Where to load installed chaincodes from (`require(module)[exportName ?? 'contracts']`). When
   * given, each organisation's chaincode runs in a worker thread of its own, as each peer runs its
   * chaincode in a process of its own: organisations endorse in parallel, off the caller's thread.
   * Without it, chaincode runs on the caller's thread.
   */
  chaincodeWorkers?: Record<string, { module: string; exportName?: string }>;
  /** How long a worker's chaincode invocation may run (a peer's `chaincode.executetimeout`); default 30 s. */
  chaincodeExecuteTimeoutMs?: number;
  /**
   * The clock of the network's clients, in ms: it stamps their proposals, the time chaincode sees.
   * Tests advance one instead of waiting for a market interval or an election to end.
   */
  now?: () => number;
}

/** A channel as operators see it: its height, and why it cannot commit or is not trusted, if so. */
export interface ChannelHealth {
  channel: string;
  height: number;
  /** Why the channel cannot commit. */
  error?: string;
  /** Why the channel is not served: its store could not be opened or lost committed blocks. */
  refusal?: string;
  /** Whether the chain passed its checks: at start, and at the last `verifyChain`. */
  verified: boolean;
  /** The first block the last `verifyChain` rejected, and why. */
  verificationFailure?: { firstBadBlock: number; reason: string };
}

interface Channel {
  runtime: ChannelRuntime;
  committer: ChannelCommitter;
  events: BlockEventHub;
}

/**
 * The whole consortium in one process, with Fabric's execute-order-validate semantics: every
 * organisation's peers endorse with their own keys, a single orderer cuts signed, hash-chained
 * blocks, and each channel's committer validates and writes them to LevelDB.
 *
 * @example
 * ```ts
 * const network = await EmbeddedNetwork.start({ consortium: loadConsortium(), dataDir, chaincodes: { identity: contracts } });
 * const alice = await network.crypto.enrollUser('CityMSP', 'alice', { role: 'registrar' });
 * const { txId, blockNumber } = await network.submit(alice, { channel: 'civic', chaincode: 'identity', function: 'RegisterOrganization', args: [...] });
 * ```
 */
export class EmbeddedNetwork {
  private readonly channels = new Map<string, Channel>();
  /** Chaincode definitions per channel; known even for a channel whose store was refused. */
  private readonly deployed = new Map<string, Map<string, DeployedChaincode>>();
  /** Channels not served because their store could not be opened or lost committed blocks. */
  private readonly refused = new Map<string, LedgerStoreError>();
  private readonly failedVerifications = new Map<string, { firstBadBlock: number; reason: string }>();
  private readonly peers = new Map<string, EndorsingPeer[]>();
  private readonly runners: ChaincodeRunner[] = [];
  private readonly client: TransactionClient;
  private stopped = false;

  private constructor(
    readonly consortium: Consortium,
    readonly crypto: CryptoMaterial,
    private readonly orderer: OrderingService,
    now: () => number,
  ) {
    this.client = new TransactionClient(
      (name) => this.channels.get(name),
      (mspId) => this.peers.get(mspId) ?? [],
      orderer,
      now,
    );
  }

  static async start(options: EmbeddedNetworkOptions): Promise<EmbeddedNetwork> {
    const { consortium, dataDir } = options;
    const crypto = await ensureCryptoMaterial(consortium.definition, join(dataDir, 'crypto'));
    const ordererNode = crypto.organizations().flatMap((org) => org.orderers)[0];
    if (!ordererNode) throw new Error('the consortium has no orderer');
    const orderer = new OrderingService(ordererNode.identity, consortium.definition.ordering);
    const network = new EmbeddedNetwork(consortium, crypto, orderer, options.now ?? Date.now);
    const msps = new Map<string, MembershipServiceProvider>(
      crypto.organizations().map((org) => [org.mspId, org.msp]),
    );
    const identities = new MspRegistry(msps);
    const implementations = new Map<string, ContractChaincode>();

    const modules = workerModules(consortium, options);
    for (const org of crypto.organizations()) {
      if (org.peers.length === 0) continue;
      let runner: ChaincodeRunner = inProcessRunner;
      if (modules.length > 0) {
        runner = new WorkerChaincodeRunner(org.mspId, modules, options.chaincodeExecuteTimeoutMs);
        network.runners.push(runner);
      }
      network.peers.set(
        org.mspId,
        org.peers.map(
          (node) =>
            new EndorsingPeer(
              node.hostname,
              org.mspId,
              node.identity,
              (name) => network.runtime(name),
              runner,
            ),
        ),
      );
    }
    try {
      for (const definition of consortium.definition.channels) {
        const chaincodes = new Map<string, DeployedChaincode>();
        network.deployed.set(definition.name, chaincodes);
        for (const cc of definition.chaincodes) {
          const contracts = options.chaincodes?.[cc.name];
          let implementation = implementations.get(cc.name);
          if (contracts && !implementation) {
            implementation = new ContractChaincode(cc.name, cc.version, contracts);
            implementations.set(cc.name, implementation);
          }
          const collections = new Map<string, DeployedCollection>(
            cc.collections.map((c) => [
              c.name,
              {
                name: c.name,
                members: new Set(consortium.collectionMembers(definition.name, cc.name, c.name)),
                memberOnlyRead: c.memberOnlyRead,
                memberOnlyWrite: c.memberOnlyWrite,
                ...(c.endorsementPolicy
                  ? { endorsementPolicy: resolveEndorsementPolicy(c.endorsementPolicy, definition.members) }
                  : {}),
              },
            ]),
          );
          chaincodes.set(cc.name, {
            name: cc.name,
            version: cc.version,
            endorsementPolicy: consortium.endorsementPolicy(definition.name, cc.name),
            collections,
            implementation,
          });
        }
        let ledger: ChannelLedger;
        try {
          ledger = await ChannelLedger.open(join(dataDir, 'ledgers', definition.name), definition.name);
        } catch (error) {
          // One damaged channel must not take the others down; it answers UnavailableError.
          if (!(error instanceof LedgerStoreError)) throw error;
          network.refused.set(definition.name, error);
          continue;
        }
        const runtime: ChannelRuntime = {
          name: definition.name,
          members: new Set(definition.members),
          ledger,
          identities,
          transientStore: new TransientStore(),
          chaincode: (name) => chaincodes.get(name),
        };
        const events = new BlockEventHub(
          definition.name,
          (n) => ledger.getBlock(n),
          () => ledger.height,
        );
        const committer = new ChannelCommitter(runtime, events);
        await committer.resume();
        network.channels.set(definition.name, { runtime, committer, events });
        orderer.addChannel(definition.name, ledger.height, ledger.previousHeaderHash, (block) => {
          void committer.deliver(block);
        });
        if (ledger.height === 0) {
          const genesis = buildGenesisEnvelope(
            {
              channel: definition,
              msps: Object.fromEntries(
                definition.members.map((m) => [m, crypto.organization(m).ca.certificatePem]),
              ),
            },
            ordererNode.identity,
            new Date(),
          );
          await committer.deliver(orderer.orderNow(definition.name, [genesis]));
          if (committer.error) throw committer.error;
        }
      }
    } catch (error) {
      await network.stop();
      throw error;
    }
    return network;
  }

  private runtime(name: string): ChannelRuntime | undefined {
    return this.channels.get(name)?.runtime;
  }

  private channel(name: string): Channel {
    if (this.stopped) throw new UnavailableError('the embedded network is stopped');
    const refusal = this.refused.get(name);
    if (refusal) throw refusal;
    const channel = this.channels.get(name);
    if (!channel) throw new NotFoundError(`channel ${name} does not exist`);
    return channel;
  }

  /** A channel's chaincode definitions: configuration, so known even while its store is refused. */
  private definitions(name: string): Map<string, DeployedChaincode> {
    if (this.stopped) throw new UnavailableError('the embedded network is stopped');
    const definitions = this.deployed.get(name);
    if (!definitions) throw new NotFoundError(`channel ${name} does not exist`);
    return definitions;
  }

  /** The channels being served; a refused channel is not among them (see {@link health}). */
  channelNames(): string[] {
    return [...this.channels.keys()];
  }

  /** The chaincodes defined on a channel and whether each is installed. */
  chaincodes(channel: string): Array<{ name: string; version: string; installed: boolean }> {
    const definitions = this.definitions(channel);
    return this.consortium.channel(channel).chaincodes.map((cc) => ({
      name: cc.name,
      version: cc.version,
      installed: !!definitions.get(cc.name)?.implementation,
    }));
  }

  /** Contract metadata (what `org.hyperledger.fabric:GetMetadata` returns) of an installed chaincode. */
  chaincodeMetadata(channel: string, chaincode: string): Record<string, unknown> {
    const implementation = this.definitions(channel).get(chaincode)?.implementation;
    if (!implementation)
      throw new NotFoundError(`chaincode ${chaincode} is not installed on channel ${channel}`);
    return implementation.metadata;
  }

  /** Endorse, order and wait for commit; resolves only for a valid transaction. */
  submit(identity: Signer, request: TransactionRequest, options?: EndorseOptions): Promise<SubmitResult> {
    this.channel(request.channel);
    return this.whileRunning(this.client.submit(identity, request, options));
  }

  /** Run a query on one peer; nothing is ordered. */
  evaluate(identity: Signer, request: TransactionRequest): Promise<Buffer> {
    this.channel(request.channel);
    return this.whileRunning(this.client.evaluate(identity, request));
  }

  /** First half of a submit, for callers that want to inspect or hold endorsed transactions. */
  endorse(
    identity: Signer,
    request: TransactionRequest,
    options?: EndorseOptions,
  ): Promise<EndorsedTransaction> {
    this.channel(request.channel);
    return this.whileRunning(this.client.endorse(identity, request, options));
  }

  submitEndorsed(endorsed: EndorsedTransaction): Promise<SubmitResult> {
    this.channel(endorsed.channel);
    return this.whileRunning(this.client.submitEndorsed(endorsed));
  }

  /**
   * Work caught by `stop()` fails with whatever the closing store throws; callers get one clear
   * `UnavailableError` instead, as they would from a peer that went away.
   */
  private async whileRunning<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (this.stopped && !(error instanceof UnavailableError)) {
        throw new UnavailableError(`the embedded network stopped: ${(error as Error).message}`);
      }
      throw error;
    }
  }

  height(channel: string): number {
    return this.channel(channel).runtime.ledger.height;
  }

  /**
   * Block and chaincode events from `fromBlock` (replayed) onwards (live); returns an unsubscribe
   * function. A refused channel delivers no events, like a peer that is down, rather than throwing:
   * subscribers that follow every channel (the IoT bridge) keep serving the others, and bringing
   * the channel back takes a restore and a restart anyway.
   */
  subscribe(channel: string, listener: BlockListener, options: { fromBlock?: number } = {}): () => void {
    if (!this.stopped && this.refused.has(channel)) return () => {};
    return this.channel(channel).events.subscribe(options.fromBlock, listener);
  }

  async getBlock(channel: string, blockNumber: number): Promise<common.Block | undefined> {
    return this.channel(channel).runtime.ledger.getBlock(blockNumber);
  }

  async describeBlock(channel: string, blockNumber: number): Promise<CommittedBlock | undefined> {
    const block = await this.getBlock(channel, blockNumber);
    return block ? describeStoredBlock(channel, block) : undefined;
  }

  /** Each orderer signature on a block, checked against the channel's MSPs (and consenter set). */
  async blockSignatures(channel: string, block: common.Block): Promise<OrdererSignature[]> {
    const { runtime } = this.channel(channel);
    return describeBlockSignatures(block, runtime.identities, (n) => runtime.ledger.getBlock(n));
  }

  async getTransaction(channel: string, txId: string): Promise<TransactionDetails | undefined> {
    return describeTransaction(this.channel(channel).runtime.ledger, txId);
  }

  /** Every committed change of a chaincode's key, newest first. */
  async getHistory(channel: string, chaincode: string, key: string): Promise<HistoryEntry[]> {
    return this.channel(channel).runtime.ledger.getHistory(chaincode, key);
  }

  /** Verifies a channel's chain; with `signer` (an MSP ID), also lists the blocks its orderers did not sign. */
  async verifyChain(channel: string, options: { signer?: string } = {}): Promise<ChainVerification> {
    const { runtime, committer } = this.channel(channel);
    await committer.idle();
    const verification = await verifyChain(runtime.ledger, runtime.identities, options);
    if (verification.ok) this.failedVerifications.delete(channel);
    else {
      const { firstBadBlock, reason } = verification;
      this.failedVerifications.set(channel, { firstBadBlock, reason });
    }
    return verification;
  }

  /** Direct access to a channel's ledger, for operators' tools and tests. */
  ledger(channel: string): ChannelLedger {
    return this.channel(channel).runtime.ledger;
  }

  /** Every channel of the consortium, served or refused, in the consortium's order. */
  health(): ChannelHealth[] {
    return [...this.deployed.keys()].map((name): ChannelHealth => {
      const refusal = this.refused.get(name);
      const served = this.channels.get(name);
      if (refusal || !served) {
        return { channel: name, height: 0, refusal: refusal?.message ?? 'not started', verified: false };
      }
      const failure = this.failedVerifications.get(name);
      const error = served.committer.error;
      return {
        channel: name,
        height: served.runtime.ledger.height,
        ...(error ? { error: error.message } : {}),
        verified: !failure,
        ...(failure ? { verificationFailure: failure } : {}),
      };
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.orderer.stop();
    await Promise.all(this.runners.map((runner) => runner.close()));
    for (const { runtime, committer } of this.channels.values()) {
      await committer.idle();
      committer.abandon(
        new UnavailableError('the embedded network stopped before the transaction was committed'),
      );
      await runtime.ledger.close();
    }
  }
}

/** The installed chaincodes a worker loads, with their versions from the consortium definition. */
function workerModules(consortium: Consortium, options: EmbeddedNetworkOptions): ChaincodeModule[] {
  const versions = new Map(
    consortium.definition.channels.flatMap((channel) =>
      channel.chaincodes.map((cc) => [cc.name, cc.version]),
    ),
  );
  return Object.entries(options.chaincodeWorkers ?? {})
    .filter(([name]) => options.chaincodes?.[name] && versions.has(name))
    .map(([name, location]) => ({ name, version: versions.get(name)!, ...location }));
}
