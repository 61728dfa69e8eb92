import { peer } from '@hyperledger/fabric-protos';
import type { ChaincodeResponse } from './contract-chaincode';
import type { PeerSide } from './shim-handler';

/** A shim message between an organisation's chaincode worker and the peer (the main thread). */
export type ShimMessage =
  | {
      type: 'invoke';
      id: number;
      chaincode: string;
      channel: string;
      txId: string;
      args: Uint8Array[];
      proposal: Uint8Array;
    }
  | { type: 'outcome'; id: number; response: ChaincodeResponse; event?: Uint8Array; writes?: PublicWrite[] }
  | { type: 'failure'; id: number; message: string }
  | { type: 'ready' }
  | {
      type: 'call';
      id: number;
      callId: number;
      method: keyof PeerSide;
      args: unknown[];
      writes?: PublicWrite[];
    }
  | { type: 'reply'; callId: number; value: unknown }
  | { type: 'refusal'; callId: number; message: string };

/** A write to the public state, which the peer records without a possible refusal. */
export interface PublicWrite {
  method: 'handlePutState' | 'handleDeleteState' | 'handlePutStateMetadata';
  args: unknown[];
}

const PUBLIC_WRITE_METHODS = new Set<keyof PeerSide>([
  'handlePutState',
  'handleDeleteState',
  'handlePutStateMetadata',
]);

/**
 * Whether a shim call is a public-state write the peer cannot refuse (a collection and an empty
 * key are the only reasons it refuses one, see SimulationHandler): the worker acknowledges those
 * itself and sends them, in order, with its next call or its outcome, saving a round trip each.
 * Reads never see the transaction's own writes in Fabric, so when the peer records them does not
 * change what any read returns.
 */
export function isPublicWrite(method: keyof PeerSide, args: unknown[]): method is PublicWrite['method'] {
  return PUBLIC_WRITE_METHODS.has(method) && args[0] === '' && typeof args[1] === 'string' && args[1] !== '';
}

const QUERY_RESPONSE_METHODS = new Set<keyof PeerSide>([
  'handleGetHistoryForKey',
  'handleQueryStateNext',
  'handleQueryStateClose',
]);

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * The peer's answer to one shim call in a form a worker receives intact: protobuf messages as
 * their bytes (the worker has its own copy of the protobuf classes), the rest as it is.
 */
export function encodeReply(method: keyof PeerSide, value: unknown): unknown {
  if (QUERY_RESPONSE_METHODS.has(method)) return (value as peer.QueryResponse).serializeBinary();
  if (method === 'handleGetStateByRange') {
    const { response, metadata } = value as { response: peer.QueryResponse; metadata?: unknown };
    return { response: response.serializeBinary(), metadata };
  }
  return value;
}

/** The inverse of {@link encodeReply}, in the worker: Buffers where the shim hands chaincode Buffers. */
export function decodeReply(method: keyof PeerSide, value: unknown): unknown {
  if (QUERY_RESPONSE_METHODS.has(method)) return peer.QueryResponse.deserializeBinary(value as Uint8Array);
  switch (method) {
    case 'handleGetStateByRange': {
      const { response, metadata } = value as { response: Uint8Array; metadata?: unknown };
      const decoded = peer.QueryResponse.deserializeBinary(response);
      return metadata ? { response: decoded, metadata } : { response: decoded };
    }
    case 'handleGetState':
    case 'handleGetPrivateDataHash':
      return asBuffer(value as Uint8Array);
    case 'handleGetStateMetadata':
      return Object.fromEntries(
        Object.entries(value as Record<string, Uint8Array>).map(([key, bytes]) => [key, asBuffer(bytes)]),
      );
    case 'handleInvokeChaincode': {
      const response = value as ChaincodeResponse;
      return { ...response, payload: asBuffer(response.payload) };
    }
    default:
      return value;
  }
}
