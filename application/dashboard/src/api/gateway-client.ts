/**
 * The gateway's REST API as the dashboard uses it, through `@cityledger/client`: bearer token on
 * every request, paths checked against the gateway's OpenAPI document (typed where the path is
 * fixed), and refusals as {@link GatewayError} so panels can say what the gateway refused and why.
 */
import { GatewayClient as ApiClient, GatewayError, answerOf, type operations } from '@cityledger/client';

export { GatewayError };

export interface ChannelSummary {
  name: string;
  height: number;
  chaincodes: Array<{ name: string; version: string; installed: boolean }>;
}

/** The JSON of an operation's 200 answer, as the gateway's OpenAPI document describes it. */
export type AnswerOf<Operation extends keyof operations> = operations[Operation]['responses'] extends {
  200: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;

export const API_BASE = '/api/v1';

export class GatewayClient {
  private readonly client: ApiClient;

  constructor(readonly token: string) {
    // Same origin: the gateway serves this page.
    this.client = new ApiClient({ baseUrl: '', token });
  }

  request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return this.client.send<T>(method, `${API_BASE}${path}`, body);
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
    const answer = await answerOf(
      this.client.api.POST('/api/v1/channels/{channel}/chaincodes/{chaincode}/queries', {
        params: { path: { channel, chaincode } },
        body: { function: fn, args: args.map(String) },
      }),
    );
    return answer.result as T;
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
    const answer = (await answerOf(this.client.api.GET('/api/v1/channels'))) as {
      channels: ChannelSummary[];
    };
    return answer.channels;
  }
}
