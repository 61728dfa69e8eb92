/**
 * The gateway's REST API as the dashboard uses it: bearer token on every request, JSON errors
 * `{error: {code, message}}` turned into {@link GatewayRequestError} so panels can say what the
 * gateway refused and why.
 */
export class GatewayRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayRequestError';
  }

  /** The gateway (or the chaincode behind it) does not let this user see it. */
  get refused(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export interface ChannelSummary {
  name: string;
  height: number;
  chaincodes: Array<{ name: string; version: string; installed: boolean }>;
}

export const API_BASE = '/api/v1';

export class GatewayClient {
  constructor(readonly token: string) {}

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${API_BASE}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new GatewayRequestError(0, 'UNREACHABLE', `the gateway cannot be reached (${String(error)})`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new GatewayRequestError(
        response.status,
        error?.code ?? `HTTP_${response.status}`,
        error?.message ?? (response.statusText || `HTTP ${response.status}`),
      );
    }
    return parsed as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** Evaluates a chaincode query through the generic API and returns its parsed result. */
  async query<T>(
    channel: string,
    chaincode: string,
    fn: string,
    args: Array<string | number> = [],
  ): Promise<T> {
    const answer = await this.request<{ result: T }>(
      'POST',
      `/channels/${encodeURIComponent(channel)}/chaincodes/${encodeURIComponent(chaincode)}/queries`,
      { function: fn, args: args.map(String) },
    );
    return answer.result;
  }

  /** Every record of a paginated query (`{records, bookmark}`), up to `limit`. */
  async queryAll<T>(
    channel: string,
    chaincode: string,
    fn: string,
    args: string[] = [],
    limit = 1000,
  ): Promise<T[]> {
    const records: T[] = [];
    let bookmark = '';
    do {
      const page = await this.query<{ records: T[]; bookmark: string }>(channel, chaincode, fn, [
        ...args,
        '200',
        bookmark,
      ]);
      records.push(...page.records);
      bookmark = page.bookmark;
    } while (bookmark && records.length < limit);
    return records;
  }

  async channels(): Promise<ChannelSummary[]> {
    return (await this.get<{ channels: ChannelSummary[] }>('/channels')).channels;
  }
}
