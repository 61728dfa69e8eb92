import { common, peer } from '@hyperledger/fabric-protos';
import {
  type PolicySigner,
  type SignaturePolicy,
  evaluateSignaturePolicy,
} from '../../consortium/signature-policy';
import type { ChannelRuntime } from '../channel-runtime';
import type { BlockCommit } from '../ledger/channel-ledger';
import type { VersionedValue } from '../ledger/record-codec';
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
    const transactions: ValidatedTransaction[] = [];
    const seenInBlock = new Set<string>();
    for (let index = 0; index < envelopes.length; index++) {
      transactions.push(
        await this.validateOne(envelopes[index]!, blockNum, index, view, commit, seenInBlock),
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

  private async validateOne(
    envelope: Uint8Array,
    blockNum: number,
    index: number,
    view: BlockStateView,
    commit: BlockCommit,
    seenInBlock: Set<string>,
  ): Promise<ValidatedTransaction> {
    let tx: DecodedTransaction;
    try {
      tx = decodeTransactionEnvelope(envelope);
    } catch {
      return { index, txId: '', code: TxValidationCode.BAD_PAYLOAD, timestamp: new Date(0) };
    }
    const base = { index, txId: tx.txId, timestamp: tx.timestamp };
    try {
      if (tx.type === common.HeaderType.CONFIG) {
        if (blockNum !== 0)
          throw new InvalidTransaction(TxValidationCode.INVALID_CONFIG_TRANSACTION, 'config update');
        return { ...base, code: TxValidationCode.VALID };
      }
      if (tx.type !== common.HeaderType.ENDORSER_TRANSACTION || !tx.endorserTransaction) {
        throw new InvalidTransaction(TxValidationCode.UNKNOWN_TX_TYPE, `transaction type ${tx.type}`);
      }
      if (tx.channel !== this.channel.name)
        throw new InvalidTransaction(TxValidationCode.TARGET_CHAIN_NOT_FOUND, tx.channel);
      this.checkCreator(tx);
      if (seenInBlock.has(tx.txId) || (await this.channel.ledger.getTransactionLocation(tx.txId))) {
        throw new InvalidTransaction(TxValidationCode.DUPLICATE_TXID, tx.txId);
      }
      seenInBlock.add(tx.txId);
      const { action, chaincode } = tx.endorserTransaction;
      let rwset: TxReadWriteSet;
      try {
        rwset = deserializeReadWriteSet(action.getResults_asU8());
      } catch {
        throw new InvalidTransaction(TxValidationCode.BAD_RWSET, 'unreadable read/write set');
      }
      const signers = this.verifiedEndorsers(tx);
      await this.checkEndorsementPolicies(chaincode, rwset, signers, view);
      await this.checkReadConflicts(rwset, view);
      const version = { blockNum, txNum: index };
      await this.apply(tx, rwset, version, view, commit);
      const eventBytes = action.getEvents_asU8();
      let event: ValidatedTransaction['event'];
      if (eventBytes.length > 0) {
        const decoded = peer.ChaincodeEvent.deserializeBinary(eventBytes);
        event = {
          chaincode: decoded.getChaincodeId(),
          name: decoded.getEventName(),
          payload: Buffer.from(decoded.getPayload_asU8()),
        };
      }
      return {
        ...base,
        code: TxValidationCode.VALID,
        chaincode,
        event,
        result: Buffer.from(action.getResponse()?.getPayload_asU8() ?? new Uint8Array(0)),
      };
    } catch (error) {
      this.channel.transientStore.take(tx.txId);
      if (error instanceof InvalidTransaction)
        return { ...base, code: error.code, chaincode: tx.endorserTransaction?.chaincode };
      return {
        ...base,
        code: TxValidationCode.INVALID_OTHER_REASON,
        chaincode: tx.endorserTransaction?.chaincode,
      };
    }
  }

  private checkCreator(tx: DecodedTransaction): void {
    let verified = false;
    try {
      const creator = this.channel.identities.deserialize(tx.creator);
      verified = this.channel.members.has(creator.mspId) && creator.verify(tx.payloadBytes, tx.signature);
    } catch {
      verified = false;
    }
    if (!verified) throw new InvalidTransaction(TxValidationCode.BAD_CREATOR_SIGNATURE, 'creator');
    if (computeTransactionId(tx.nonce, tx.creator) !== tx.txId) {
      throw new InvalidTransaction(TxValidationCode.BAD_PROPOSAL_TXID, tx.txId);
    }
  }

  /** Endorsements whose identity or signature does not verify are ignored, as Fabric does. */
  private verifiedEndorsers(tx: DecodedTransaction): PolicySigner[] {
    const { responsePayload, endorsements } = tx.endorserTransaction!;
    const signers: PolicySigner[] = [];
    for (const { endorser, signature } of endorsements) {
      try {
        const identity = this.channel.identities.deserialize(endorser);
        if (identity.verify(endorsementMessage(responsePayload, endorser), signature)) {
          signers.push({ mspId: identity.mspId, role: identity.role, id: identity.certificatePem });
        }
      } catch {
        // An unknown or expired endorser simply does not count towards the policy.
      }
    }
    return signers;
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
        const current = await view.getStateRange(ns.namespace, range.startKey, range.endKey);
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
