import type { common } from '@hyperledger/fabric-protos';

/** A Deliver stream of a channel's blocks, as `Network.getBlockEvents` (or its filtered kin) opens it. */
export interface BlockStream<B = common.Block> extends AsyncIterable<B> {
  close(): void;
}

/** Opens a stream starting at `startBlock`, or at the next block to commit when undefined. */
export type BlockStreamOpener<B = common.Block> = (startBlock: bigint | undefined) => Promise<BlockStream<B>>;

export interface FollowOptions<B = common.Block> {
  /** The block's number; default: a full block's header number. */
  numberOf?: (block: B) => number | undefined;
  /** First block wanted; undefined = the next block to commit. */
  fromBlock?: number;
  /** Told about every stream failure before the follower reconnects. */
  onError?: (error: unknown) => void;
  /** Delay before reconnect attempt `n` (0-based); default 100 ms doubling up to 5 s. */
  reconnectDelayMs?: (attempt: number) => number;
}

const defaultDelay = (attempt: number) => Math.min(5000, 100 * 2 ** attempt);

/**
 * Delivers a channel's blocks in order from `fromBlock`, replayed then live, each exactly once.
 * The position of the next wanted block is the checkpoint: when the stream fails or ends (peer
 * restart, network cut) it is opened again from there, blocks already delivered are skipped and a
 * stream that jumps past the next block is dropped and reopened rather than leaving a gap.
 *
 * @returns the function that stops following; no block is delivered after it returns.
 */
export function followBlocks<B = common.Block>(
  open: BlockStreamOpener<B>,
  onBlock: (block: B) => void | Promise<void>,
  options: FollowOptions<B> = {},
): () => void {
  let next: number | undefined = options.fromBlock;
  let active = true;
  let stream: BlockStream<B> | undefined;
  const numberOf =
    options.numberOf ?? ((block: B) => (block as unknown as common.Block).getHeader()?.getNumber());
  let wake: (() => void) | undefined;
  const delay = options.reconnectDelayMs ?? defaultDelay;

  void (async () => {
    for (let failures = 0; active;) {
      try {
        stream = await open(next === undefined ? undefined : BigInt(next));
        if (!active) break;
        for await (const block of stream) {
          if (!active) break;
          const number = numberOf(block);
          if (number === undefined) throw new Error('the peer delivered a block without a header');
          if (next !== undefined && number < next) continue;
          if (next !== undefined && number > next) {
            throw new Error(`the peer delivered block ${number} when block ${next} was due`);
          }
          next = number + 1;
          failures = 0;
          await onBlock(block);
        }
        if (active) throw new Error('the block stream ended');
      } catch (error) {
        if (!active) break;
        options.onError?.(error);
      } finally {
        stream?.close();
      }
      if (!active) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, delay(failures++)).unref();
      });
    }
  })();

  return () => {
    active = false;
    stream?.close();
    wake?.();
  };
}
