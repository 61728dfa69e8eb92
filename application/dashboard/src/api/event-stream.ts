import { API_BASE } from './gateway-client';

/** A chaincode event as the gateway streams it (`event: chaincode`). */
export interface ChaincodeEvent {
  channel: string;
  blockNumber: number;
  txIndex: number;
  txId: string;
  chaincode: string;
  event: string;
  payload: unknown;
}

/** A block commit (`event: block`), after the block's chaincode events. */
export interface BlockCommit {
  channel: string;
  blockNumber: number;
  transactions: Array<{ txIndex: number; txId: string; validationCode: string; chaincode?: string }>;
}

export type StreamMessage =
  { kind: 'chaincode'; id: string; data: ChaincodeEvent } | { kind: 'block'; id: string; data: BlockCommit };

export type StreamStatus =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'retrying'; inMs: number; reason: string }
  | { state: 'refused'; status: number; message: string };

/**
 * Server-sent events of one channel, read with fetch rather than EventSource because the gateway
 * wants the token in the Authorization header (EventSource cannot send headers). It behaves like
 * EventSource: one long-lived request, reconnection after the server's `retry:` delay (growing
 * while the gateway stays away), and `Last-Event-ID` so a reconnect resumes exactly after the
 * last event seen — no polling.
 */
export class ChannelEventStream {
  private controller: AbortController | undefined;
  private lastEventId: string | undefined;
  private retryMs = 2000;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly token: string,
    readonly channel: string,
    private readonly fromBlock: number | undefined,
    private readonly onMessage: (message: StreamMessage) => void,
    private readonly onStatus: (status: StreamStatus) => void,
  ) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.controller = new AbortController();
    this.onStatus({ state: 'connecting' });
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'text/event-stream',
    };
    if (this.lastEventId) headers['last-event-id'] = this.lastEventId;
    const query = this.fromBlock === undefined ? '' : `?fromBlock=${this.fromBlock}`;
    try {
      const response = await fetch(
        `${API_BASE}/channels/${encodeURIComponent(this.channel)}/events${query}`,
        {
          headers,
          signal: this.controller.signal,
          cache: 'no-store',
        },
      );
      if (response.status === 401 || response.status === 403 || response.status === 404) {
        const body = (await response.json().catch(() => undefined)) as
          { error?: { message?: string } } | undefined;
        this.onStatus({
          state: 'refused',
          status: response.status,
          message: body?.error?.message ?? `HTTP ${response.status}`,
        });
        return;
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      this.failures = 0;
      this.onStatus({ state: 'open' });
      await this.read(response.body);
      this.scheduleReconnect('the stream ended');
    } catch (error) {
      if (this.stopped) return;
      this.scheduleReconnect(error instanceof Error ? error.message : String(error));
    }
  }

  private scheduleReconnect(reason: string): void {
    if (this.stopped) return;
    this.failures += 1;
    const inMs = Math.min(30_000, this.retryMs * 2 ** Math.min(this.failures - 1, 4));
    this.onStatus({ state: 'retrying', inMs, reason });
    setTimeout(() => void this.connect(), inMs);
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        this.dispatch(frame);
      }
    }
  }

  private dispatch(frame: string): void {
    let id: string | undefined;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    }
    if (id !== undefined) this.lastEventId = id;
    if ((event !== 'chaincode' && event !== 'block') || data.length === 0 || id === undefined) return;
    try {
      const parsed = JSON.parse(data.join('\n')) as ChaincodeEvent & BlockCommit;
      this.onMessage(
        event === 'chaincode' ? { kind: 'chaincode', id, data: parsed } : { kind: 'block', id, data: parsed },
      );
    } catch {
      // A frame that is not JSON is not one of the gateway's; skip it rather than stop the stream.
    }
  }
}
