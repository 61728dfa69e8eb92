/**
 * An organisation's chaincode process, as a worker thread: loads the chaincode packages it is
 * given and runs each invocation through the real fabric-shim stub and contract router, sending
 * every shim call (GET_STATE, …) to the peer on the main thread and awaiting its reply — except
 * public-state writes, which the peer cannot refuse and which go along with the next message.
 */
import { peer } from '@hyperledger/fabric-protos';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { type ContractClass, ContractChaincode } from './contract-chaincode';
import type { PeerSide } from './shim-handler';
import { type PublicWrite, type ShimMessage, decodeReply, isPublicWrite } from './shim-messages';
import type { ChaincodeModule } from './worker-chaincode-runner';

const port = parentPort!;
/** Chaincode packages are named at run time, as a peer names the package it launches. */
const load = createRequire(__filename);
const send = (message: ShimMessage) => port.postMessage(message);

/** The chaincodes this worker runs, or why they could not be loaded (then every invocation fails with it). */
function loadChaincodes(): Map<string, ContractChaincode> | Error {
  try {
    return new Map(
      (workerData.chaincodes as ChaincodeModule[]).map(
        ({ name, version, module, exportName = 'contracts' }) => {
          const exported = (load(module) as Record<string, unknown>)[exportName];
          if (!Array.isArray(exported)) throw new Error(`${module} exports no contract list '${exportName}'`);
          return [name, new ContractChaincode(name, version, exported as ContractClass[])];
        },
      ),
    );
  } catch (error) {
    return new Error(`the chaincode worker could not load its chaincode: ${(error as Error).message}`);
  }
}

const chaincodes = loadChaincodes();
// Execute timeouts count from here: loading the packages is the runtime's start, not execution.
send({ type: 'ready' });

const replies = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextCallId = 0;

/** The peer's side of one invocation, reached over the port; `writes` are those not yet sent. */
function peerSideOf(invocationId: number, writes: PublicWrite[]): PeerSide {
  return new Proxy({} as PeerSide, {
    get:
      (_target, method: keyof PeerSide) =>
      (...args: unknown[]) => {
        if (isPublicWrite(method, args)) {
          writes.push({ method, args });
          return Promise.resolve();
        }
        return new Promise((resolve, reject) => {
          const callId = nextCallId++;
          replies.set(callId, { resolve: (value) => resolve(decodeReply(method, value)), reject });
          send({ type: 'call', id: invocationId, callId, method, args, ...sendingWrites(writes) });
        });
      },
  });
}

/** The writes waiting to go with the next message, taken off the list. */
function sendingWrites(writes: PublicWrite[]): { writes?: PublicWrite[] } {
  return writes.length === 0 ? {} : { writes: writes.splice(0) };
}

async function invoke(message: Extract<ShimMessage, { type: 'invoke' }>): Promise<void> {
  try {
    if (chaincodes instanceof Error) throw chaincodes;
    const chaincode = chaincodes.get(message.chaincode);
    if (!chaincode) throw new Error(`chaincode ${message.chaincode} is not installed in this worker`);
    const writes: PublicWrite[] = [];
    const { response, event } = await chaincode.invoke(
      {
        channel: message.channel,
        txId: message.txId,
        args: message.args.map((arg) => Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength)),
        signedProposal: peer.SignedProposal.deserializeBinary(message.proposal),
      },
      peerSideOf(message.id, writes),
    );
    send({
      type: 'outcome',
      id: message.id,
      response,
      ...(event ? { event: event.serializeBinary() } : {}),
      ...sendingWrites(writes),
    });
  } catch (error) {
    send({ type: 'failure', id: message.id, message: (error as Error).message });
  }
}

port.on('message', (message: ShimMessage) => {
  if (message.type === 'invoke') {
    void invoke(message);
    return;
  }
  if (message.type !== 'reply' && message.type !== 'refusal') return;
  const waiting = replies.get(message.callId);
  if (!waiting) return;
  replies.delete(message.callId);
  if (message.type === 'reply') waiting.resolve(message.value);
  else waiting.reject(new Error(message.message));
});
