export interface BatchSize {
  batchTimeoutMs: number;
  maxMessageCount: number;
  absoluteMaxBytes: number;
  preferredMaxBytes: number;
}

/**
 * Fabric's block cutting rules: a batch is cut at maxMessageCount, before a message that would push
 * it past preferredMaxBytes (an oversized message gets a batch of its own), or batchTimeout after
 * its first message arrived.
 */
export class BlockCutter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly size: BatchSize,
    private readonly onBatch: (envelopes: Uint8Array[]) => void,
  ) {}

  /** Throws when the message can never fit in a block. */
  enqueue(envelope: Uint8Array): void {
    if (envelope.length > this.size.absoluteMaxBytes) {
      throw new Error(
        `message of ${envelope.length} bytes exceeds the channel's absolute maximum of ${this.size.absoluteMaxBytes} bytes`,
      );
    }
    if (envelope.length > this.size.preferredMaxBytes) {
      this.cut();
      this.onBatch([envelope]);
      return;
    }
    if (this.pendingBytes + envelope.length > this.size.preferredMaxBytes) this.cut();
    this.pending.push(envelope);
    this.pendingBytes += envelope.length;
    if (this.pending.length >= this.size.maxMessageCount) {
      this.cut();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.cut(), this.size.batchTimeoutMs);
    }
  }

  cut(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.onBatch(batch);
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.pendingBytes = 0;
  }
}
