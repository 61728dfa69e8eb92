import type { LedgerConnector } from '../ledger/ledger-connector';
import { ChannelIndex } from './channel-index';

/** How long a listing waits for the index to reach the ledger's height before answering what it has. */
export const CATCH_UP_MS = 5_000;

/** An index and the heights a listing reports. */
export interface IndexAtHeight {
  index: ChannelIndex;
  /** Blocks in the index; below `ledgerHeight` only when catching up outlasted the wait. */
  indexedHeight: number;
  ledgerHeight: number;
}

/**
 * The explorer's indexes of every channel, kept in memory and rebuilt from the chain at each start
 * (docs/architecture.md, "Explorer index", has the measured cost): each follows its channel from
 * block 0 through the ledger connector's block subscription, replayed then live, so it holds every
 * committed block without a request ever scanning the chain.
 */
export class ExplorerIndexes {
  private readonly indexes = new Map<string, ChannelIndex>();
  private readonly following = new Map<string, () => void>();
  private readonly problems = new Map<string, string>();
  private closed = false;

  constructor(
    private readonly ledger: LedgerConnector,
    private readonly catchUpMs = CATCH_UP_MS,
  ) {}

  /** Starts following each channel; one that cannot be followed now is tried again when asked for. */
  start(channels: readonly string[]): void {
    for (const channel of channels) this.follow(channel);
  }

  /** The channel's index once it reached the ledger's current height, or after the catch-up wait. */
  async atHeight(channel: string): Promise<IndexAtHeight> {
    const ledgerHeight = await this.ledger.height(channel);
    this.follow(channel);
    const index = this.indexOf(channel);
    await index.reached(ledgerHeight, this.catchUpMs);
    return { index, indexedHeight: index.height, ledgerHeight };
  }

  /** Why a channel's index is not following, if it is not. */
  problem(channel: string): string | undefined {
    return this.problems.get(channel);
  }

  close(): void {
    this.closed = true;
    for (const stop of this.following.values()) stop();
    this.following.clear();
  }

  private indexOf(channel: string): ChannelIndex {
    let index = this.indexes.get(channel);
    if (!index) this.indexes.set(channel, (index = new ChannelIndex()));
    return index;
  }

  private follow(channel: string): void {
    if (this.closed || this.following.has(channel)) return;
    const index = this.indexOf(channel);
    try {
      const stop = this.ledger.subscribe(
        channel,
        (block) => {
          try {
            index.add(block);
          } catch (error) {
            // A gap (a block lost in delivery): follow again from the first missing block.
            this.problems.set(channel, (error as Error).message);
            this.following.get(channel)?.();
            this.following.delete(channel);
            queueMicrotask(() => this.follow(channel));
          }
        },
        { fromBlock: index.height },
      );
      this.following.set(channel, stop);
      this.problems.delete(channel);
    } catch (error) {
      this.problems.set(channel, (error as Error).message);
    }
  }
}
