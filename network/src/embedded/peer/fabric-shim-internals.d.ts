// fabric-shim's stub, iterators and contract router are internal modules without type
// declarations; we pin fabric-shim's exact version and declare only what the embedded peer uses.
declare module 'fabric-shim/lib/stub' {
  class ChaincodeStub {
    constructor(
      handler: unknown,
      channelId: string,
      txId: string,
      chaincodeInput: unknown,
      signedProposal: unknown,
    );
    chaincodeEvent?: import('@hyperledger/fabric-protos').peer.ChaincodeEvent;
  }
  export = ChaincodeStub;
}

declare module 'fabric-shim/lib/iterators' {
  export class StateQueryIterator {
    constructor(handler: unknown, channelId: string, txId: string, response: unknown);
  }
  export class HistoryQueryIterator {
    constructor(handler: unknown, channelId: string, txId: string, response: unknown);
  }
}

declare module 'fabric-shim/lib/contract-spi/chaincodefromcontract' {
  class ChaincodeFromContract {
    constructor(
      contracts: unknown[],
      serializers: unknown,
      metadata: unknown,
      title: string,
      version: string,
    );
    metadata: Record<string, unknown>;
    /** Creates the parameter marshaller of each contract; called from the constructor. */
    _dataMarshall(requestedSerializer: string): { ajv: object; components: Record<string, unknown> };
    Invoke(stub: unknown): Promise<{ status: number; message?: string; payload?: Uint8Array }>;
  }
  export = ChaincodeFromContract;
}
