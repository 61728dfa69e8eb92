/**
 * The metadata a peer serves for a chaincode (`org.hyperledger.fabric:GetMetadata`), built the way
 * the peer builds it: by fabric-shim from the contracts' decorators. Building it also proves the
 * decorators are complete, because fabric-shim throws on a type it cannot describe.
 */
import { JSONSerializer, type Contract } from 'fabric-contract-api';

// Not part of fabric-shim's public API, but the only way to build exactly what the peer serves.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract');

export interface TransactionMetadata {
  name: string;
  /** `SUBMIT` for `@Transaction()`, `EVALUATE` for `@Transaction(false)`. */
  tag: string[];
  parameters?: { name: string; schema: { type?: string } }[];
  returns?: unknown;
}

export interface ContractMetadata {
  info: { title: string; version?: string };
  transactions: TransactionMetadata[];
}

export interface ChaincodeMetadata {
  contracts: Record<string, ContractMetadata>;
  components: { schemas: Record<string, { properties: Record<string, unknown> }> };
}

/** The metadata of a chaincode made of `contracts` (a chaincode package's exported `contracts`). */
export function chaincodeMetadata(contracts: readonly (new () => Contract)[]): ChaincodeMetadata {
  const chaincode = new ChaincodeFromContract(
    [...contracts],
    { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
    {},
    'title',
    '0.1.0',
  );
  return chaincode.metadata as ChaincodeMetadata;
}
