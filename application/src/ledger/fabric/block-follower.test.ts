import { common } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { type BlockStream, followBlocks } from './block-follower';

function blockNumbered(number: number): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(number);
  const block = new common.Block();
  block.setHeader(header);
  return block;
}

/** A stream of the given block numbers that fails (or ends) after them. */
function streamOf(numbers: number[], end: 'fail' | 'end' | 'hang'): BlockStream {
  let closed = false;
  return {
    close: () => (closed = true),
    async *[Symbol.asyncIterator]() {
      for (const n of numbers) {
        if (closed) return;
        yield blockNumbered(n);
      }
      if (end === 'fail') throw new Error('14 UNAVAILABLE: Connection dropped');
      while (end === 'hang' && !closed) await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('following a channel’s blocks across stream failures', () => {
  it('resumes from the next block after a failure, never delivering one twice or skipping one', async () => {
    const opened: Array<bigint | undefined> = [];
    const scripts = [
      streamOf([3, 4, 5], 'fail'),
      streamOf([5, 6], 'end'), // the peer repeats block 5, then closes the stream
      streamOf([8], 'fail'), // jumps past 7: dropped, not delivered
      streamOf([7, 8, 9], 'hang'),
    ];
    const delivered: number[] = [];
    const errors: string[] = [];
    const stop = followBlocks(
      async (start) => {
        opened.push(start);
        return scripts.shift()!;
      },
      (block) => void delivered.push(block.getHeader()!.getNumber()),
      { fromBlock: 3, reconnectDelayMs: () => 1, onError: (e) => errors.push((e as Error).message) },
    );
    await until(() => delivered.length >= 7);
    stop();
    expect(delivered).to.deep.equal([3, 4, 5, 6, 7, 8, 9]);
    expect(opened).to.deep.equal([3n, 6n, 7n, 7n]);
    expect(errors).to.have.length(3);
    expect(errors[2]).to.match(/block 8 when block 7 was due/);
  });

  it('starts at the next commit when no block is asked for, and resumes after the last delivered', async () => {
    const opened: Array<bigint | undefined> = [];
    const scripts = [streamOf([41], 'fail'), streamOf([42], 'hang')];
    const delivered: number[] = [];
    const stop = followBlocks(
      async (start) => {
        opened.push(start);
        return scripts.shift()!;
      },
      (block) => void delivered.push(block.getHeader()!.getNumber()),
      { reconnectDelayMs: () => 1 },
    );
    await until(() => delivered.length >= 2);
    stop();
    expect(opened).to.deep.equal([undefined, 42n]);
    expect(delivered).to.deep.equal([41, 42]);
  });

  it('delivers nothing once stopped and closes the stream', async () => {
    let closed = false;
    const delivered: number[] = [];
    const stop = followBlocks(
      async () => {
        const stream = streamOf([0, 1, 2], 'hang');
        return { ...stream, close: () => ((closed = true), stream.close()) };
      },
      (block) => {
        delivered.push(block.getHeader()!.getNumber());
        if (delivered.length === 1) stop();
      },
    );
    await until(() => closed);
    expect(closed).to.equal(true);
    expect(delivered).to.deep.equal([0]);
  });
});
