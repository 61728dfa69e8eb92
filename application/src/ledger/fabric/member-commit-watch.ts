import type { FabricPeer } from '@cityledger/network';
import { followBlocks, type BlockStreamOpener } from './block-follower';

/** How long a submission waits for the other member peers to commit its block. */
export const MEMBER_COMMIT_WAIT_MS = 3_000;

interface PeerProgress {
  /** Blocks committed so far (the next block's number); undefined until the stream delivers one. */
  height?: number;
  /** Missed a wait: not waited for again until it has caught up. */
  lagging: boolean;
}

/**
 * Fabric acknowledges a transaction when the gateway peer commits it; the other members' peers
 * commit the same block a few milliseconds later, or later still after a restart or a partition.
 * A client that submits the next step at once may be endorsed by a peer that has not yet seen the
 * first, and be told that what it just created does not exist. This watch follows every member
 * peer's own Deliver stream (filtered blocks: numbers only) so that a submission can return once
 * the block is committed on every member peer that keeps up — the read-your-writes a REST client
 * expects — without letting one slow or unreachable peer hold every submission up: a peer that
 * misses one wait is not waited for again until it has caught up.
 */
export class MemberCommitWatch {
  private readonly progress = new Map<string, PeerProgress>();
  private readonly waiters = new Set<() => void>();
  private readonly stops: Array<() => void> = [];
  private closed = false;

  constructor(private readonly waitMs = MEMBER_COMMIT_WAIT_MS) {}

  /** Follows `peer` on `channel` from `fromBlock` (the block before the current height, so it is known at once). */
  follow(
    channel: string,
    peer: FabricPeer,
    open: BlockStreamOpener<{ getNumber(): number }>,
    fromBlock: number,
  ): void {
    const key = keyOf(channel, peer.hostname);
    this.progress.set(key, { lagging: false });
    this.stops.push(
      followBlocks(
        open,
        (block) => {
          const progress = this.progress.get(key)!;
          progress.height = block.getNumber() + 1;
          if (progress.lagging && progress.height >= this.highest(channel)) progress.lagging = false;
          for (const wake of this.waiters) wake();
        },
        { fromBlock: Math.max(0, fromBlock), numberOf: (block) => block.getNumber() },
      ),
    );
  }

  /** Resolves once every followed, keeping-up peer of `channel` has committed `blockNumber`. */
  async committedEverywhere(channel: string, blockNumber: number): Promise<void> {
    const pending = () =>
      this.closed
        ? []
        : this.peersOf(channel).filter(([, p]) => !p.lagging && (p.height ?? 0) <= blockNumber);
    if (pending().length === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const [, progress] of pending()) progress.lagging = true;
        done();
      }, this.waitMs);
      timer.unref();
      const check = () => {
        if (pending().length === 0) done();
      };
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  /** Peers not waited for right now, for diagnostics. */
  lagging(channel: string): string[] {
    return this.peersOf(channel)
      .filter(([, p]) => p.lagging)
      .map(([key]) => key.split('\u0000')[1]);
  }

  /** Stops following; waits in progress return at once. */
  close(): void {
    this.closed = true;
    for (const stop of this.stops) stop();
    this.stops.length = 0;
    for (const wake of this.waiters) wake();
  }

  private peersOf(channel: string): Array<[string, PeerProgress]> {
    return [...this.progress].filter(([key]) => key.startsWith(`${channel}\u0000`));
  }

  private highest(channel: string): number {
    return Math.max(0, ...this.peersOf(channel).map(([, p]) => p.height ?? 0));
  }
}

function keyOf(channel: string, hostname: string): string {
  return `${channel}\u0000${hostname}`;
}
