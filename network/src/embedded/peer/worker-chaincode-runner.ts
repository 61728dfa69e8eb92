import { peer } from '@hyperledger/fabric-protos';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ChaincodeRunner } from './chaincode-runner';
import type { ChaincodeInvocation, ChaincodeOutcome, ContractChaincode } from './contract-chaincode';
import type { PeerSide } from './shim-handler';
import { type PublicWrite, type ShimMessage, encodeReply } from './shim-messages';

/** A chaincode package a worker can load: `require(module)[exportName]` is its contract list. */
export interface ChaincodeModule {
  name: string;
  version: string;
  module: string;
  /** Default `contracts`, as chaincode packages export them for fabric-chaincode-node. */
  exportName?: string;
}

/** Fabric's default `chaincode.executetimeout`. */
export const DEFAULT_EXECUTE_TIMEOUT_MS = 30_000;

interface Invocation {
  /** The worker running it: when that worker ends, this invocation fails. */
  worker: Worker;
  peerSide: PeerSide;
  /** The execute timeout, armed once the worker has loaded its chaincode. */
  timer?: NodeJS.Timeout;
  resolve: (outcome: ChaincodeOutcome) => void;
  reject: (error: Error) => void;
}

/**
 * Runs an organisation's chaincode in a worker thread of its own, so the organisations endorse in
 * parallel and the gateway's event loop does not execute chaincode. The worker speaks the shim
 * protocol to this thread, where the peer's side (state reads, the read/write set) stays.
 */
export class WorkerChaincodeRunner implements ChaincodeRunner {
  private worker: Worker;
  private readonly invocations = new Map<number, Invocation>();
  /** Workers that have loaded their chaincode. */
  private readonly ready = new WeakSet<Worker>();
  private nextId = 0;
  private closed: Error | undefined;

  constructor(
    readonly organization: string,
    private readonly chaincodes: ChaincodeModule[],
    /** How long an invocation may run, as a peer's `chaincode.executetimeout`. */
    private readonly executeTimeoutMs = DEFAULT_EXECUTE_TIMEOUT_MS,
  ) {
    this.worker = this.start();
  }

  /** A crashed or stuck worker is replaced by a new one, as a peer relaunches a chaincode that died. */
  private start(): Worker {
    const worker = new Worker(join(__dirname, 'chaincode-worker.js'), {
      workerData: { chaincodes: this.chaincodes },
    });
    let crash: Error | undefined;
    worker.on('message', (message: ShimMessage) => this.receive(message, worker));
    worker.on('error', (error) => (crash = error));
    worker.on('exit', (code) => {
      if (this.closed) return;
      // What was running in the dead worker is lost, as on a peer whose chaincode crashed: those
      // endorsements fail and their clients may retry; the next invocation gets a new worker.
      this.abandon(
        worker,
        new Error(
          `the chaincode worker of ${this.organization} stopped (exit ${code})${crash ? `: ${crash.message}` : ''}`,
        ),
      );
      if (this.worker === worker) this.worker = this.start();
    });
    // Only a worker with invocations running keeps the process alive, like any pending I/O.
    worker.unref();
    return worker;
  }

  invoke(
    chaincode: ContractChaincode,
    invocation: ChaincodeInvocation,
    peerSide: PeerSide,
  ): Promise<ChaincodeOutcome> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.worker.ref();
      const running: Invocation = { worker: this.worker, peerSide, resolve, reject };
      this.invocations.set(id, running);
      if (this.ready.has(this.worker)) this.arm(id, running);
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

  private arm(id: number, invocation: Invocation): void {
    invocation.timer = setTimeout(() => this.timedOut(id), this.executeTimeoutMs).unref();
  }

  private receive(message: ShimMessage, worker: Worker): void {
    switch (message.type) {
      case 'ready':
        this.ready.add(worker);
        for (const [id, invocation] of this.invocations) {
          if (invocation.worker === worker) this.arm(id, invocation);
        }
        return;
      case 'call':
        void this.answer(message, worker);
        return;
      case 'outcome': {
        const invocation = this.invocations.get(message.id);
        if (invocation && message.writes) this.record(invocation, message.writes);
        this.take(message.id);
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

  /** Answers a shim call on the worker that made it, which may have been replaced meanwhile. */
  private async answer(message: Extract<ShimMessage, { type: 'call' }>, worker: Worker): Promise<void> {
    const invocation = this.invocations.get(message.id);
    try {
      if (!invocation) throw new Error(`invocation ${message.id} is not running`);
      if (message.writes) this.record(invocation, message.writes);
      const handler = invocation.peerSide[message.method] as (...args: unknown[]) => Promise<unknown>;
      const value = await handler.apply(invocation.peerSide, message.args);
      worker.postMessage({
        type: 'reply',
        callId: message.callId,
        value: encodeReply(message.method, value),
      });
    } catch (error) {
      worker.postMessage({ type: 'refusal', callId: message.callId, message: (error as Error).message });
    }
  }

  /** Public-state writes the worker acknowledged itself: recorded in the order the chaincode made them. */
  private record(invocation: Invocation, writes: PublicWrite[]): void {
    for (const { method, args } of writes) {
      const handler = invocation.peerSide[method] as (...args: unknown[]) => Promise<void>;
      // Synchronous up to its first await, which a public write never reaches: the set is complete now.
      void handler.apply(invocation.peerSide, args);
    }
  }

  /** Removes a finished invocation; its worker stops holding the process once it runs nothing. */
  private take(id: number): Invocation | undefined {
    const invocation = this.invocations.get(id);
    if (!invocation) return undefined;
    clearTimeout(invocation.timer);
    this.invocations.delete(id);
    if (!this.runsAnything(invocation.worker)) invocation.worker.unref();
    return invocation;
  }

  private runsAnything(worker: Worker): boolean {
    for (const invocation of this.invocations.values()) if (invocation.worker === worker) return true;
    return false;
  }

  /**
   * The peer's answer to a chaincode that ran past the execute timeout. A worker whose chaincode
   * never returns may be stuck in a loop that no message can reach, so it is replaced; what else
   * it was running fails with it.
   */
  private timedOut(id: number): void {
    const invocation = this.take(id);
    if (!invocation) return;
    invocation.reject(new Error('timeout expired while executing transaction'));
    if (invocation.worker === this.worker) this.worker = this.start();
    void invocation.worker.terminate();
  }

  /** Fails the invocations `worker` was running, or all of them. */
  private abandon(worker: Worker | undefined, error: Error): void {
    for (const [id, invocation] of this.invocations) {
      if (!worker || invocation.worker === worker) this.take(id)?.reject(error);
    }
  }

  async close(): Promise<void> {
    this.closed ??= new Error(`the chaincode worker of ${this.organization} was stopped`);
    this.abandon(undefined, this.closed);
    await this.worker.terminate();
  }
}
