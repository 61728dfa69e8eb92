import type { ChannelSummary } from './gateway-client';
import {
  type BlockCommit,
  type ChaincodeEvent,
  ChannelEventStream,
  type StreamMessage,
  type StreamStatus,
} from './event-stream';

/** How many blocks back a fresh page replays to rebuild its picture (parcels, recent blocks…). */
export const REPLAY_BLOCKS = 5000;

export interface LedgerEventListener {
  /** `live` is false while the stream replays blocks committed before the page opened. */
  chaincode?(event: ChaincodeEvent, live: boolean): void;
  block?(commit: BlockCommit, live: boolean): void;
  /** The channel's replay reached the height it had when the page opened. */
  caughtUp?(channel: string): void;
  status?(channel: string, status: StreamStatus): void;
}

/**
 * One event stream per channel the user is on, shared by all panels: browsers allow only six
 * connections per host, so each panel opening its own stream would starve the page's requests.
 * Each stream replays recent history first (panels rebuild their indexes from it), then stays live.
 */
export class LedgerEvents {
  private readonly listeners = new Set<LedgerEventListener>();
  private readonly streams: ChannelEventStream[] = [];
  private readonly caughtUp = new Set<string>();
  readonly heights = new Map<string, number>();

  constructor(
    private readonly token: string,
    channels: ChannelSummary[],
  ) {
    for (const channel of channels) {
      this.heights.set(channel.name, channel.height);
      const fromBlock = Math.max(0, channel.height - REPLAY_BLOCKS);
      const replayUntil = channel.height - 1;
      if (fromBlock > replayUntil) this.caughtUp.add(channel.name);
      this.streams.push(
        new ChannelEventStream(
          this.token,
          channel.name,
          fromBlock,
          (message) => this.dispatch(channel.name, message, replayUntil),
          (status) => this.listeners.forEach((l) => l.status?.(channel.name, status)),
        ),
      );
    }
  }

  subscribe(listener: LedgerEventListener): () => void {
    this.listeners.add(listener);
    for (const channel of this.caughtUp) listener.caughtUp?.(channel);
    return () => this.listeners.delete(listener);
  }

  isCaughtUp(channel: string): boolean {
    return this.caughtUp.has(channel);
  }

  start(): void {
    this.streams.forEach((s) => s.start());
  }

  stop(): void {
    this.streams.forEach((s) => s.stop());
  }

  private dispatch(channel: string, message: StreamMessage, replayUntil: number): void {
    const live = this.caughtUp.has(channel);
    if (message.kind === 'chaincode') {
      this.listeners.forEach((l) => l.chaincode?.(message.data, live));
      return;
    }
    this.heights.set(channel, Math.max(this.heights.get(channel) ?? 0, message.data.blockNumber + 1));
    this.listeners.forEach((l) => l.block?.(message.data, live));
    if (!live && message.data.blockNumber >= replayUntil) {
      this.caughtUp.add(channel);
      this.listeners.forEach((l) => l.caughtUp?.(channel));
    }
  }
}
