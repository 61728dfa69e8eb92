import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract';
import { JSONSerializer } from 'fabric-contract-api';

/** A contract class as exported by a chaincode package (`export const contracts = [...]`). */
export type ContractClass = new (...args: never[]) => object;

export interface ChaincodeResponse {
  status: number;
  message: string;
  payload: Buffer;
}

/** Fabric's shim treats statuses from 400 up as errors; the peer does not endorse them. */
export const ERROR_THRESHOLD = 400;

/**
 * A chaincode implementation routed by the real fabric-contract-api machinery, the same code
 * path `fabric-chaincode-node start` uses on a peer.
 */
export class ContractChaincode {
  private readonly router: ChaincodeFromContract;

  constructor(
    readonly name: string,
    readonly version: string,
    contracts: ReadonlyArray<ContractClass>,
  ) {
    const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } };
    // The router appends its system contract to the array it is given, so hand it a copy.
    this.router = new ChaincodeFromContract([...contracts], serializers, {}, name, version);
  }

  /** The contract metadata, as `org.hyperledger.fabric:GetMetadata` returns it. */
  get metadata(): Record<string, unknown> {
    return this.router.metadata;
  }

  async invoke(stub: unknown): Promise<ChaincodeResponse> {
    const response = await this.router.Invoke(stub);
    return {
      status: response.status,
      message: response.message ?? '',
      payload: Buffer.from(response.payload ?? new Uint8Array(0)),
    };
  }
}
