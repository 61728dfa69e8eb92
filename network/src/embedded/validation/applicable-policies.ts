import type { SignaturePolicy } from '../../consortium/signature-policy';
import type { ChannelRuntime } from '../channel-runtime';
import type { VersionedValue } from '../ledger/record-codec';
import type { NamespaceReadWriteSet, TxReadWriteSet } from '../protocol/read-write-set';
import { VALIDATION_PARAMETER, decodeKeyEndorsementPolicy } from './key-endorsement-policy';

/** Where key-level policies are read from: committed state, or state plus a block's earlier writes. */
export interface PolicyStateReader {
  getState(namespace: string, key: string): Promise<VersionedValue | undefined>;
  getPrivateDataHash(
    namespace: string,
    collection: string,
    keyHash: Buffer,
  ): Promise<VersionedValue | undefined>;
}

export class PolicyResolutionError extends Error {}

/**
 * The endorsement policies a transaction's writes must satisfy, by Fabric's rules: a key with a
 * state-based policy needs that policy; a private key without one needs its collection's policy
 * when the collection has one; any other write, or an invoked chaincode that wrote nothing,
 * needs the chaincode's policy. Used by the validator, and by clients to pick endorsers.
 */
export async function applicablePolicies(
  channel: ChannelRuntime,
  invoked: string,
  rwset: TxReadWriteSet,
  state: PolicyStateReader,
): Promise<SignaturePolicy[]> {
  const required: SignaturePolicy[] = [];
  const namespaces = new Map<string, NamespaceReadWriteSet>(rwset.namespaces.map((ns) => [ns.namespace, ns]));
  if (!namespaces.has(invoked)) {
    namespaces.set(invoked, {
      namespace: invoked,
      reads: [],
      rangeQueries: [],
      writes: [],
      metadataWrites: [],
      collections: [],
    });
  }
  for (const ns of namespaces.values()) {
    const chaincode = channel.chaincode(ns.namespace);
    if (!chaincode) throw new PolicyResolutionError(`unknown namespace ${ns.namespace}`);
    let needsChaincodePolicy = false;
    let writes = 0;
    const publicKeys = new Set([...ns.writes.map((w) => w.key), ...ns.metadataWrites.map((m) => m.key)]);
    for (const key of publicKeys) {
      writes++;
      const keyPolicy = (await state.getState(ns.namespace, key))?.metadata?.[VALIDATION_PARAMETER];
      if (keyPolicy) required.push(decodeKeyPolicy(keyPolicy));
      else needsChaincodePolicy = true;
    }
    for (const coll of ns.collections) {
      const collection = chaincode.collections.get(coll.collection);
      if (!collection) throw new PolicyResolutionError(`unknown collection ${coll.collection}`);
      const keyHashes = new Map<string, Buffer>();
      for (const w of [...coll.hashedWrites, ...coll.metadataWrites])
        keyHashes.set(w.keyHash.toString('hex'), w.keyHash);
      for (const keyHash of keyHashes.values()) {
        writes++;
        const keyPolicy = (await state.getPrivateDataHash(ns.namespace, coll.collection, keyHash))
          ?.metadata?.[VALIDATION_PARAMETER];
        if (keyPolicy) required.push(decodeKeyPolicy(keyPolicy));
        else if (collection.endorsementPolicy) required.push(collection.endorsementPolicy);
        else needsChaincodePolicy = true;
      }
    }
    if (needsChaincodePolicy || (writes === 0 && ns.namespace === invoked))
      required.push(chaincode.endorsementPolicy);
  }
  return required;
}

function decodeKeyPolicy(bytes: Buffer): SignaturePolicy {
  try {
    return decodeKeyEndorsementPolicy(bytes);
  } catch (error) {
    throw new PolicyResolutionError(`unreadable key-level policy: ${(error as Error).message}`);
  }
}
