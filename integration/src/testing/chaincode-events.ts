import type { CommittedBlock, EmbeddedNetwork } from '@cityledger/network';

/** A chaincode event as a client sees it once its transaction committed. */
export interface ChaincodeEventSeen {
  name: string;
  payload: string;
}

/**
 * Collects the chaincode events committed on some channels of a network, by transaction id.
 * Block listeners run after `submit` resolves, so a test awaits the event of the transaction it
 * just submitted rather than reading it at once.
 *
 * @example
 * ```ts
 * const events = ChaincodeEvents.follow(network, ['civic']);
 * const { txId } = await network.submit(user, request);
 * expect((await events.of(txId)).name).to.equal('PersonRegistered');
 * events.stop();
 * ```
 */
export class ChaincodeEvents {
  private readonly seen = new Map<string, ChaincodeEventSeen>();
  private readonly waiting = new Map<string, Array<(event: ChaincodeEventSeen) => void>>();
  private readonly unsubscribers: Array<() => void>;

  private constructor(network: EmbeddedNetwork, channels: readonly string[]) {
    this.unsubscribers = channels.map((channel) =>
      network.subscribe(channel, (block: CommittedBlock) => {
        for (const tx of block.transactions) {
          if (tx.event) this.record(tx.txId, { name: tx.event.name, payload: tx.event.payload.toString() });
        }
      }),
    );
  }

  static follow(network: EmbeddedNetwork, channels: readonly string[]): ChaincodeEvents {
    return new ChaincodeEvents(network, channels);
  }

  /** Whether an event of `txId` has been delivered so far. */
  has(txId: string): boolean {
    return this.seen.has(txId);
  }

  /** The event of `txId`, once delivered; rejects naming the transaction if none comes in time. */
  of(txId: string, timeoutMs = 5000): Promise<ChaincodeEventSeen> {
    const delivered = this.seen.get(txId);
    if (delivered) return Promise.resolve(delivered);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const waiters = this.waiting.get(txId) ?? [];
        const remaining = waiters.filter((waiter) => waiter !== deliver);
        if (remaining.length > 0) this.waiting.set(txId, remaining);
        else this.waiting.delete(txId);
        reject(new Error(`no chaincode event was delivered for ${txId} within ${timeoutMs} ms`));
      }, timeoutMs);
      const deliver = (event: ChaincodeEventSeen) => {
        clearTimeout(timer);
        resolve(event);
      };
      this.waiting.set(txId, [...(this.waiting.get(txId) ?? []), deliver]);
    });
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
  }

  private record(txId: string, event: ChaincodeEventSeen): void {
    this.seen.set(txId, event);
    for (const deliver of this.waiting.get(txId) ?? []) deliver(event);
    this.waiting.delete(txId);
  }
}
