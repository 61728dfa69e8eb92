import type { FabricPeer } from '@cityledger/network';
import { expect } from 'chai';
import type { BlockStream } from './block-follower';
import { MemberCommitWatch } from './member-commit-watch';

/** A peer's filtered block stream, fed by the test in block order. */
class FakePeerStream {
  private readonly queue: number[] = [];
  private committed = 0;

  /** Commits every block up to and including `blockNumber`, in order. */
  commitUpTo(blockNumber: number): void {
    while (this.committed <= blockNumber) this.commit(this.committed++);
  }

  private wake?: () => void;
  private closed = false;

  commit(blockNumber: number): void {
    this.queue.push(blockNumber);
    this.wake?.();
  }

  stream(): BlockStream<{ getNumber(): number }> {
    const next = async (): Promise<IteratorResult<{ getNumber(): number }>> => {
      while (!this.closed) {
        const number = this.queue.shift();
        if (number !== undefined) return { done: false, value: { getNumber: () => number } };
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
      return { done: true, value: undefined };
    };
    return {
      close: () => {
        this.closed = true;
        this.wake?.();
      },
      [Symbol.asyncIterator]: () => ({ next }),
    };
  }
}

const peer = (hostname: string) => ({ hostname }) as FabricPeer;
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('waiting for every member peer to commit a block', () => {
  let watch: MemberCommitWatch;
  afterEach(() => watch.close());

  function watching(waitMs: number, ...names: string[]): Map<string, FakePeerStream> {
    watch = new MemberCommitWatch(waitMs);
    const peers = new Map(names.map((name) => [name, new FakePeerStream()]));
    for (const [name, fake] of peers) watch.follow('civic', peer(name), async () => fake.stream(), 0);
    return peers;
  }

  it('returns only once every member peer has committed the block', async () => {
    const peers = watching(5_000, 'city', 'community');
    let done = false;
    const waiting = watch.committedEverywhere('civic', 5).then(() => (done = true));
    peers.get('city')!.commitUpTo(5);
    await tick();
    await tick();
    expect(done, 'community has not committed block 5').to.equal(false);
    peers.get('community')!.commitUpTo(5);
    await waiting;
    expect(done).to.equal(true);
  });

  it('returns at once when every peer is already past the block', async () => {
    const peers = watching(5_000, 'city', 'community');
    peers.get('city')!.commitUpTo(7);
    peers.get('community')!.commitUpTo(7);
    await tick();
    await tick();
    let done = false;
    const waiting = watch.committedEverywhere('civic', 6).then(() => (done = true));
    await tick();
    expect(done, 'no peer is behind block 6').to.equal(true);
    await waiting;
  });

  it('stops waiting for a peer that missed one wait, until it catches up', async () => {
    const peers = watching(30, 'city', 'community');
    peers.get('city')!.commitUpTo(5);
    await watch.committedEverywhere('civic', 5); // community never answers: the wait times out
    expect(watch.lagging('civic')).to.deep.equal(['community']);
    peers.get('city')!.commitUpTo(6);
    let done = false;
    const waiting = watch.committedEverywhere('civic', 6).then(() => (done = true));
    await tick();
    await tick();
    expect(done, 'a lagging peer is not waited for').to.equal(true);
    await waiting;
    peers.get('community')!.commitUpTo(5);
    peers.get('community')!.commitUpTo(6);
    await tick();
    await tick();
    expect(watch.lagging('civic')).to.deep.equal([]);
  });

  it('does not mix channels', async () => {
    const peers = watching(5_000, 'city');
    peers.get('city')!.commitUpTo(5);
    await watch.committedEverywhere('energy', 100); // no peer followed on energy
    await watch.committedEverywhere('civic', 5);
  });

  it('lets a wait in progress return once closed', async () => {
    watching(60_000, 'city');
    const waiting = watch.committedEverywhere('civic', 5);
    watch.close();
    await waiting;
  });
});
