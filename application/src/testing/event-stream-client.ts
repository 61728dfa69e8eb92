export interface ServerSentEvent {
  id?: string;
  event?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers loosely
  data: any;
}

/**
 * Reads a server-sent event stream over fetch until `until` says enough (or the timeout), then
 * closes it. Returns the events received.
 */
export async function readEvents(
  url: string,
  options: {
    headers?: Record<string, string>;
    until: (events: ServerSentEvent[]) => boolean;
    timeoutMs?: number;
  },
  onOpen?: () => Promise<void> | void,
): Promise<{ status: number; events: ServerSentEvent[] }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 8000);
  const events: ServerSentEvent[] = [];
  try {
    const response = await fetch(url, { headers: options.headers, signal: controller.signal });
    if (response.status !== 200 || !response.body) return { status: response.status, events };
    if (onOpen) await onOpen();
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: ServerSentEvent = { data: undefined };
        for (const line of frame.split('\n')) {
          if (line.startsWith('id: ')) event.id = line.slice(4);
          else if (line.startsWith('event: ')) event.event = line.slice(7);
          else if (line.startsWith('data: ')) event.data = JSON.parse(line.slice(6));
        }
        if (event.event) events.push(event);
      }
      if (options.until(events)) break;
    }
    return { status: 200, events };
  } catch (error) {
    if ((error as Error).name === 'AbortError') return { status: 200, events };
    throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
