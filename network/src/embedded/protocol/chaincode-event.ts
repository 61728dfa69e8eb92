import { peer } from '@hyperledger/fabric-protos';

/** A chaincode event as listeners see it. */
export interface ChaincodeEventRecord {
  chaincode: string;
  name: string;
  payload: Buffer;
}

/** The event a chaincode action carries, if it set one. */
export function chaincodeEventOf(action: peer.ChaincodeAction): ChaincodeEventRecord | undefined {
  const bytes = action.getEvents_asU8();
  if (bytes.length === 0) return undefined;
  const event = peer.ChaincodeEvent.deserializeBinary(bytes);
  return {
    chaincode: event.getChaincodeId(),
    name: event.getEventName(),
    payload: Buffer.from(event.getPayload_asU8()),
  };
}
