import { common } from '@hyperledger/fabric-protos';
import {
  type PolicySigner,
  type SignaturePolicy,
  evaluateSignaturePolicy,
} from '../../consortium/signature-policy';
import type { ChannelRuntime } from '../channel-runtime';
import type { BlockCommit } from '../ledger/channel-ledger';
import type { VersionedValue } from '../ledger/record-codec';
import { chaincodeEventOf } from '../protocol/chaincode-event';
import { endorsementMessage } from '../protocol/endorsement';
import {
  type KeyRead,
  type TxReadWriteSet,
  type Version,
  deserializeReadWriteSet,
  serializePrivateWrites,
  sha256,
} from '../protocol/read-write-set';
import { type DecodedTransaction, decodeTransactionEnvelope } from '../protocol/transaction-envelope';
import { computeTransactionId } from '../protocol/transaction-id';
import { BlockStateView } from './block-state-view';
import { PolicyResolutionError, applicablePolicies } from './applicable-policies';
import { TxValidationCode } from './validation-codes';

/** One transaction of a block after validation. */
export interface ValidatedTransaction {
  index: number;
  txId: string;
  code: number;
  chaincode?: string;
  /** Chaincode event, delivered only when the transaction is valid. */
  event?: { chaincode: string; name: string; payload: Buffer };
  /** Chaincode response payload (the transaction's result). */
  result?: Buffer;
  timestamp: Date;
}

export interface ValidatedBlock {
  commit: BlockCommit;
  transactions: ValidatedTransaction[];
}

/** What the parallel first pass learned about one transaction. */
interface Prechecked {
  tx?: DecodedTransaction;
  failure?: number;
  config?: boolean;
  rwset?: TxReadWriteSet;
  signers?: PolicySigner[];
}

class InvalidTransaction extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function sameVersion(a: Version | null | undefined, b: Version | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.blockNum === b.blockNum && a.txNum === b.txNum;
}

/**
 * Validates every transaction of a block the way a Fabric committing peer does (creator and
 * endorsement signatures, endorsement policy or state-based policy, MVCC versions, phantom
 * reads) and produces the atomic set of ledger changes of the valid ones.
 */
export class BlockValidator {
  constructor(private readonly channel: ChannelRuntime) {}

  async validate(block: common.Block): Promise<ValidatedBlock> {
    const blockNum = block.getHeader()!.getNumber();
    const view = new BlockStateView(this.channel.ledger);
    const envelopes = block.getData()?.getDataList_asU8() ?? [];
    const commit: BlockCommit = {
      blockNumber: blockNum,
      blockBytes: new Uint8Array(0),
      headerHash: Buffer.alloc(0),
      state: [],
      privateHashes: [],
      privateData: [],
      history: [],
      transactions: [],
    };
    // Like a Fabric committer: signatures of all transactions are checked in parallel (they do
    // not depend on each other), then policies and MVCC are checked in block order.
    const prechecked = await Promise.all(envelopes.map((envelope) => this.precheck(envelope, blockNum)));
    const transactions: ValidatedTransaction[] = [];
    const seenInBlock = new Set<string>();
    for (let index = 0; index < prechecked.length; index++) {
      transactions.push(
        await this.validateInOrder(prechecked[index]!, blockNum, index, view, commit, seenInBlock),
      );
    }
    for (const tx of transactions) {
      if (tx.txId)
        commit.transactions.push({
          txId: tx.txId,
          location: { blockNumber: blockNum, txIndex: tx.index, validationCode: tx.code },
        });
    }
    return { commit, transactions };
  }

  /** The checks that need nothing but the transaction itself: structure and every signature. */
  private async precheck(envelope: Uint8Array, blockNum: number): Promise<Prechecked> {
    let tx: DecodedTransaction;
    try {
      tx = decodeTransactionEnvelope(envelope);
    } catch {
      return { failure: TxValidationCode.BAD_PAYLOAD };
    }
    if (tx.type === common.HeaderType.CONFIG) {
      return blockNum === 0
        ? { tx, config: true }
        : { tx, failure: TxValidationCode.INVALID_CONFIG_TRANSACTION };
    }
    if (tx.type !== common.HeaderType.ENDORSER_TRANSACTION || !tx.endorserTransaction) {
      return { tx, failure: TxValidationCode.UNKNOWN_TX_TYPE };
    }
    if (tx.channel !== this.channel.name) return { tx, failure: TxValidationCode.TARGET_CHAIN_NOT_FOUND };
    if (!(await this.creatorSigned(tx))) return { tx, failure: TxValidationCode.BAD_CREATOR_SIGNATURE };
    if (computeTransactionId(tx.nonce, tx.creator) !== tx.txId) {
      return { tx, failure: TxValidationCode.BAD_PROPOSAL_TXID };
    }
    let rwset: TxReadWriteSet;
    try {
      rwset = deserializeReadWriteSet(tx.endorserTransaction.action.getResults_asU8());
    } catch {
      return { tx, failure: TxValidationCode.BAD_RWSET };
    }
    return { tx, rwset, signers: await this.verifiedEndorsers(tx) };
  }

  private async validateInOrder(
    checked: Prechecked,
    blockNum: number,
    index: number,
    view: BlockStateView,
    commit: BlockCommit,
    seenInBlock: Set<string>,
  ): Promise<ValidatedTransaction> {
    const { tx } = checked;
    if (!tx) return { index, txId: '', code: checked.failure!, timestamp: new Date(0) };
    const base = { index, txId: tx.txId, timestamp: tx.timestamp };
    if (checked.config) return { ...base, code: TxValidationCode.VALID };
    const chaincode = tx.endorserTransaction?.chaincode;
    try {
      if (checked.failure !== undefined) throw new InvalidTransaction(checked.failure, 'precheck');
      if (seenInBlock.has(tx.txId) || (await this.channel.ledger.getTransactionLocation(tx.txId))) {
        throw new InvalidTransaction(TxValidationCode.DUPLICATE_TXID, tx.txId);
      }
      seenInBlock.add(tx.txId);
      const { action } = tx.endorserTransaction!;
      const rwset = checked.rwset!;
      await this.checkEndorsementPolicies(chaincode!, rwset, checked.signers!, view);
      await this.checkReadConflicts(rwset, view);
      await this.apply(tx, rwset, { blockNum, txNum: index }, view, commit);
      const event = chaincodeEventOf(action);
      return {
        ...base,
        code: TxValidationCode.VALID,
        chaincode,
        event,
        result: Buffer.from(action.getResponse()?.getPayload_asU8() ?? new Uint8Array(0)),
      };
    } catch (error) {
      // A transaction that does not commit must not leave its private data behind either.
      this.channel.transientStore.take(tx.txId);
      const code = error instanceof InvalidTransaction ? error.code : TxValidationCode.INVALID_OTHER_REASON;
      return { ...base, code, chaincode };
    }
  }

  private async creatorSigned(tx: DecodedTransaction): Promise<boolean> {
    try {
      const creator = this.channel.identities.deserialize(tx.creator);
      return (
        this.channel.members.has(creator.mspId) && (await creator.verifyAsync(tx.payloadBytes, tx.signature))
      );
    } catch {
      return false;
    }
  }

  /** Endorsements whose identity or signature does not verify are ignored, as Fabric does. */
  private async verifiedEndorsers(tx: DecodedTransaction): Promise<PolicySigner[]> {
    const { responsePayload, endorsements } = tx.endorserTransaction!;
    const checked = await Promise.all(
      endorsements.map(async ({ endorser, signature }) => {
        try {
          const identity = this.channel.identities.deserialize(endorser);
          const valid = await identity.verifyAsync(endorsementMessage(responsePayload, endorser), signature);
          const signer: PolicySigner = {
            mspId: identity.mspId,
            role: identity.role,
            id: identity.certificatePem,
          };
          return valid ? signer : undefined;
        } catch {
          // An unknown or expired endorser simply does not count towards the policy.
          return undefined;
        }
      }),
    );
    return checked.filter((signer): signer is PolicySigner => signer !== undefined);
  }

  private async checkEndorsementPolicies(
    invoked: string,
    rwset: TxReadWriteSet,
    signers: PolicySigner[],
    view: BlockStateView,
  ): Promise<void> {
    let required: SignaturePolicy[];
    try {
      required = await applicablePolicies(this.channel, invoked, rwset, view);
    } catch (error) {
      if (error instanceof PolicyResolutionError) {
        throw new InvalidTransaction(TxValidationCode.ENDORSEMENT_POLICY_FAILURE, error.message);
      }
      throw error;
    }
    for (const policy of required) {
      if (!evaluateSignaturePolicy(policy, signers)) {
        throw new InvalidTransaction(
          TxValidationCode.ENDORSEMENT_POLICY_FAILURE,
          'endorsement policy not satisfied',
        );
      }
    }
  }

  private async checkReadConflicts(rwset: TxReadWriteSet, view: BlockStateView): Promise<void> {
    for (const ns of rwset.namespaces) {
      for (const read of ns.reads) {
        const current = await view.getState(ns.namespace, read.key);
        if (!sameVersion(current?.version, read.version)) {
          throw new InvalidTransaction(TxValidationCode.MVCC_READ_CONFLICT, `${ns.namespace}/${read.key}`);
        }
      }
      for (const range of ns.rangeQueries) {
        // A range the chaincode did not read to the end is re-checked up to the last key it saw.
        const lastRead = range.reads[range.reads.length - 1];
        const endKey = range.itrExhausted || !lastRead ? range.endKey : lastRead.key + '\x00';
        const current = await view.getStateRange(ns.namespace, range.startKey, endKey);
        if (
          !sameRange(
            range.reads,
            current.map(({ key, record }) => ({ key, version: record.version })),
          )
        ) {
          throw new InvalidTransaction(
            TxValidationCode.PHANTOM_READ_CONFLICT,
            `${ns.namespace} [${range.startKey}, ${range.endKey})`,
          );
        }
      }
      for (const coll of ns.collections) {
        for (const read of coll.hashedReads) {
          const current = await view.getPrivateDataHash(ns.namespace, coll.collection, read.keyHash);
          if (!sameVersion(current?.version, read.version)) {
            throw new InvalidTransaction(
              TxValidationCode.MVCC_READ_CONFLICT,
              `${ns.namespace}/${coll.collection}`,
            );
          }
        }
      }
    }
  }

  private async apply(
    tx: DecodedTransaction,
    rwset: TxReadWriteSet,
    version: Version,
    view: BlockStateView,
    commit: BlockCommit,
  ): Promise<void> {
    const privateWrites = this.channel.transientStore.take(tx.txId) ?? [];
    for (const ns of rwset.namespaces) {
      const metadataByKey = new Map(ns.metadataWrites.map((m) => [m.key, m.entries]));
      const valueWrites = new Map(ns.writes.map((w) => [w.key, w]));
      for (const key of new Set([...valueWrites.keys(), ...metadataByKey.keys()])) {
        const write = valueWrites.get(key);
        const existing = await view.getState(ns.namespace, key);
        let record: VersionedValue | null;
        if (write?.isDelete) {
          record = null;
        } else {
          const entries = metadataByKey.get(key);
          const metadata = entries
            ? Object.fromEntries(entries.map((e) => [e.name, e.value]))
            : existing?.metadata;
          const value = write ? write.value : existing?.value;
          // Metadata for a key that has no value is dropped, as on a Fabric peer.
          record = value === undefined ? null : { value, version, ...(metadata ? { metadata } : {}) };
        }
        view.setState(ns.namespace, key, record);
        commit.state.push({ namespace: ns.namespace, key, record });
        if (write) {
          commit.history.push({
            namespace: ns.namespace,
            key,
            entry: {
              txId: tx.txId,
              timestamp: tx.timestamp,
              isDelete: write.isDelete,
              value: write.isDelete ? Buffer.alloc(0) : write.value,
              blockNum: version.blockNum,
              txNum: version.txNum,
            },
          });
        }
      }
      for (const coll of ns.collections) {
        const metadataByHash = new Map(
          coll.metadataWrites.map((m) => [m.keyHash.toString('hex'), m.entries]),
        );
        for (const write of coll.hashedWrites) {
          const existing = await view.getPrivateDataHash(ns.namespace, coll.collection, write.keyHash);
          const entries = metadataByHash.get(write.keyHash.toString('hex'));
          const metadata = entries
            ? Object.fromEntries(entries.map((e) => [e.name, e.value]))
            : existing?.metadata;
          const record = write.isDelete
            ? null
            : { value: write.valueHash, version, ...(metadata ? { metadata } : {}) };
          view.setPrivateDataHash(ns.namespace, coll.collection, write.keyHash, record);
          commit.privateHashes.push({
            namespace: ns.namespace,
            collection: coll.collection,
            keyHash: write.keyHash,
            record,
          });
        }
        const pvt = privateWrites.find(
          (p) => p.namespace === ns.namespace && p.collection === coll.collection,
        );
        // Private data is only accepted when it matches the hash the endorsers signed.
        if (!pvt || !sha256(serializePrivateWrites(pvt)).equals(coll.pvtRwSetHash)) continue;
        const members =
          this.channel.chaincode(ns.namespace)?.collections.get(coll.collection)?.members ??
          new Set<string>();
        for (const org of members) {
          if (!this.channel.members.has(org)) continue;
          for (const write of pvt.writes) {
            commit.privateData.push({
              org,
              namespace: ns.namespace,
              collection: coll.collection,
              key: write.key,
              record: write.isDelete ? null : { value: write.value, version },
            });
          }
        }
      }
    }
  }
}

function sameRange(recorded: KeyRead[], current: KeyRead[]): boolean {
  if (recorded.length !== current.length) return false;
  return recorded.every(
    (read, i) => read.key === current[i]!.key && sameVersion(read.version, current[i]!.version),
  );
}
