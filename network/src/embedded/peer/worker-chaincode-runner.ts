import { peer } from '@hyperledger/fabric-protos';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ChaincodeRunner } from './chaincode-runner';
import type { ChaincodeInvocation, ChaincodeOutcome, ContractChaincode } from './contract-chaincode';
import type { PeerSide } from './shim-handler';
import { type ShimMessage, encodeReply } from './shim-messages';

/** A chaincode package a worker can load: `require(module)[exportName]` is its contract list. */
export interface ChaincodeModule {
  name: string;
  version: string;
  module: string;
  /** Default `contracts`, as chaincode packages export them for fabric-chaincode-node. */
  exportName?: string;
}

interface Invocation {
  peerSide: PeerSide;
  resolve: (outcome: ChaincodeOutcome) => void;
  reject: (error: Error) => void;
}

/**
 * Runs an organisation's chaincode in a worker thread of its own, so the organisations endorse in
 * parallel and the gateway's event loop does not execute chaincode. The worker speaks the shim
 * protocol to this thread, where the peer's side (state reads, the read/write set) stays.
 */
export class WorkerChaincodeRunner implements ChaincodeRunner {
  private readonly worker: Worker;
  private readonly invocations = new Map<number, Invocation>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(
    readonly organization: string,
    chaincodes: ChaincodeModule[],
  ) {
    this.worker = new Worker(join(__dirname, 'chaincode-worker.js'), { workerData: { chaincodes } });
    this.worker.on('message', (message: ShimMessage) => this.receive(message));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) =>
      this.fail(new Error(`the chaincode worker of ${organization} exited (${code})`)),
    );
    // Only a worker with invocations running keeps the process alive, like any pending I/O.
    this.worker.unref();
  }

  invoke(
    chaincode: ContractChaincode,
    invocation: ChaincodeInvocation,
    peerSide: PeerSide,
  ): Promise<ChaincodeOutcome> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.invocations.size === 0) this.worker.ref();
      this.invocations.set(id, { peerSide, resolve, reject });
      this.worker.postMessage({
        type: 'invoke',
        id,
        chaincode: chaincode.name,
        channel: invocation.channel,
        txId: invocation.txId,
        args: invocation.args,
        proposal: invocation.signedProposal.serializeBinary(),
      } satisfies ShimMessage);
    });
  }

  private receive(message: ShimMessage): void {
    switch (message.type) {
      case 'call':
        void this.answer(message);
        return;
      case 'outcome': {
        const invocation = this.take(message.id);
        const event = message.event ? peer.ChaincodeEvent.deserializeBinary(message.event) : undefined;
        const response = { ...message.response, payload: Buffer.from(message.response.payload) };
        invocation?.resolve(event ? { response, event } : { response });
        return;
      }
      case 'failure':
        this.take(message.id)?.reject(new Error(message.message));
        return;
    }
  }

  private async answer(message: Extract<ShimMessage, { type: 'call' }>): Promise<void> {
    const invocation = this.invocations.get(message.id);
    try {
      if (!invocation) throw new Error(`invocation ${message.id} is not running`);
      const handler = invocation.peerSide[message.method] as (...args: unknown[]) => Promise<unknown>;
      const value = await handler.apply(invocation.peerSide, message.args);
      this.worker.postMessage({
        type: 'reply',
        callId: message.callId,
        value: encodeReply(message.method, value),
      });
    } catch (error) {
      this.worker.postMessage({ type: 'refusal', callId: message.callId, message: (error as Error).message });
    }
  }

  private take(id: number): Invocation | undefined {
    const invocation = this.invocations.get(id);
    this.invocations.delete(id);
    if (this.invocations.size === 0) this.worker.unref();
    return invocation;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const invocation of this.invocations.values()) invocation.reject(this.failure);
    this.invocations.clear();
  }

  async close(): Promise<void> {
    this.failure ??= new Error(`the chaincode worker of ${this.organization} was stopped`);
    await this.worker.terminate();
  }
}
