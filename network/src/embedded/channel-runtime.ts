import type { SignaturePolicy } from '../consortium/signature-policy';
import type { ChannelLedger } from './ledger/channel-ledger';
import type { CollectionPrivateWriteSet } from './protocol/read-write-set';
import type { IdentityDeserializer } from './protocol/signer';
import type { ContractChaincode } from './peer/contract-chaincode';
import type { CollectionPolicy } from './peer/simulation-handler';

export interface DeployedCollection extends CollectionPolicy {
  name: string;
  /** Collection-level endorsement policy; when absent the chaincode's applies. */
  endorsementPolicy?: SignaturePolicy;
}

/** A chaincode definition approved on a channel, and its implementation when installed. */
export interface DeployedChaincode {
  name: string;
  version: string;
  endorsementPolicy: SignaturePolicy;
  collections: ReadonlyMap<string, DeployedCollection>;
  implementation?: ContractChaincode;
}

/**
 * Private write sets wait here between endorsement and commit, as in a peer's transient store;
 * only the committer moves them to the private data store of member organisations.
 */
export class TransientStore {
  private readonly entries = new Map<string, CollectionPrivateWriteSet[]>();

  put(txId: string, writes: CollectionPrivateWriteSet[]): void {
    if (writes.length > 0) this.entries.set(txId, writes);
  }

  take(txId: string): CollectionPrivateWriteSet[] | undefined {
    const writes = this.entries.get(txId);
    this.entries.delete(txId);
    return writes;
  }
}

/** What the peers, the orderer and the committer of one channel share in-process. */
export interface ChannelRuntime {
  readonly name: string;
  readonly members: ReadonlySet<string>;
  readonly ledger: ChannelLedger;
  readonly identities: IdentityDeserializer;
  readonly transientStore: TransientStore;
  chaincode(name: string): DeployedChaincode | undefined;
}
