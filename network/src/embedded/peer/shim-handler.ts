import type { peer } from '@hyperledger/fabric-protos';
import { HistoryQueryIterator, StateQueryIterator } from 'fabric-shim/lib/iterators';
import type { SimulationHandler } from './simulation-handler';

/** The peer's side of the shim protocol as the chaincode's side reaches it: directly, or over a port. */
export type PeerSide = Pick<
  SimulationHandler,
  | 'handleGetState'
  | 'handleGetPrivateDataHash'
  | 'handlePutState'
  | 'handleDeleteState'
  | 'handlePurgeState'
  | 'handlePutStateMetadata'
  | 'handleGetStateMetadata'
  | 'handleGetStateByRange'
  | 'handleGetQueryResult'
  | 'handleGetHistoryForKey'
  | 'handleQueryStateNext'
  | 'handleQueryStateClose'
  | 'handleInvokeChaincode'
>;

/**
 * The handler fabric-shim's ChaincodeStub and query iterators call, on the chaincode's side: it
 * passes each call to the peer and wraps query responses in the shim's own iterators, which then
 * page through this handler — as fabric-shim's ChaincodeMessageHandler does over gRPC.
 */
export class ShimHandler {
  constructor(private readonly peerSide: PeerSide) {}

  handleGetState(collection: string, key: string): Promise<Buffer> {
    return this.peerSide.handleGetState(collection, key);
  }

  handleGetPrivateDataHash(collection: string, key: string): Promise<Buffer> {
    return this.peerSide.handleGetPrivateDataHash(collection, key);
  }

  handlePutState(collection: string, key: string, value: Uint8Array): Promise<void> {
    return this.peerSide.handlePutState(collection, key, value);
  }

  handleDeleteState(collection: string, key: string): Promise<void> {
    return this.peerSide.handleDeleteState(collection, key);
  }

  handlePurgeState(collection: string, key: string): Promise<void> {
    return this.peerSide.handlePurgeState(collection, key);
  }

  handlePutStateMetadata(collection: string, key: string, metakey: string, value: Uint8Array): Promise<void> {
    return this.peerSide.handlePutStateMetadata(collection, key, metakey, value);
  }

  handleGetStateMetadata(collection: string, key: string): Promise<Record<string, Buffer>> {
    return this.peerSide.handleGetStateMetadata(collection, key);
  }

  async handleGetStateByRange(
    collection: string,
    startKey: string,
    endKey: string,
    channel: string,
    txId: string,
    metadataBytes?: Uint8Array,
  ): Promise<{ iterator: StateQueryIterator; metadata?: { bookmark: string; fetchedRecordsCount: number } }> {
    const { response, metadata } = await this.peerSide.handleGetStateByRange(
      collection,
      startKey,
      endKey,
      channel,
      txId,
      metadataBytes,
    );
    const iterator = new StateQueryIterator(this, channel, txId, response);
    return metadata ? { iterator, metadata } : { iterator };
  }

  handleGetQueryResult(): Promise<never> {
    return this.peerSide.handleGetQueryResult();
  }

  async handleGetHistoryForKey(key: string, channel: string, txId: string): Promise<HistoryQueryIterator> {
    return new HistoryQueryIterator(this, channel, txId, await this.peerSide.handleGetHistoryForKey(key));
  }

  handleQueryStateNext(id: string): Promise<peer.QueryResponse> {
    return this.peerSide.handleQueryStateNext(id);
  }

  handleQueryStateClose(id: string): Promise<peer.QueryResponse> {
    return this.peerSide.handleQueryStateClose(id);
  }

  handleInvokeChaincode(chaincodeName: string, args: Array<string | Buffer>) {
    return this.peerSide.handleInvokeChaincode(chaincodeName, args);
  }
}
