import type { ChaincodeInvocation, ChaincodeOutcome, ContractChaincode } from './contract-chaincode';
import type { PeerSide } from './shim-handler';

/**
 * Where an organisation's chaincode runs. On a Fabric peer each chaincode is a process of its own
 * that talks to the peer over the shim protocol; the embedded network runs it either on the
 * caller's thread or in the organisation's worker thread (worker-chaincode-runner.ts).
 */
export interface ChaincodeRunner {
  invoke(
    chaincode: ContractChaincode,
    invocation: ChaincodeInvocation,
    peerSide: PeerSide,
  ): Promise<ChaincodeOutcome>;
  close(): Promise<void>;
}

/** Runs chaincode on the calling thread. */
export const inProcessRunner: ChaincodeRunner = {
  invoke: (chaincode, invocation, peerSide) => chaincode.invoke(invocation, peerSide),
  close: async () => {},
};
