import { GatewayClient, GatewayError, type HttpMethod } from '@cityledger/client';
import type { JwtKeys } from '../auth/jwt-keys';
import { issueToken } from '../auth/token-issuer';

/** A person or service of the story, as the gateway knows them: a token's claims. */
export interface DemoUser {
  userId: string;
  org: string;
  role: string;
  did?: string;
}

/** The gateway refused a step: the status and its JSON error, so the narration can say why. */
export class DemoStepError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${path} answered ${status}: ${JSON.stringify(body)}`);
    this.name = 'DemoStepError';
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the story reads answers loosely
type Answer = any;

/**
 * REST calls to the gateway as one user, with a token minted from the gateway's own keys. They go
 * through `@cityledger/client`, which refuses a route its OpenAPI document does not have: every
 * demo run checks the story's calls against the API contract.
 */
export class UserSession {
  private readonly client: GatewayClient;

  constructor(
    baseUrl: string,
    keys: JwtKeys,
    readonly user: DemoUser,
  ) {
    const token = issueToken(
      keys,
      { userId: user.userId, mspId: user.org, role: user.role, ...(user.did ? { did: user.did } : {}) },
      3600,
    );
    this.client = new GatewayClient({ baseUrl, token });
  }

  get = (path: string): Promise<Answer> => this.call('GET', path);
  post = (path: string, body: unknown = {}): Promise<Answer> => this.call('POST', path, body);
  put = (path: string, body: unknown): Promise<Answer> => this.call('PUT', path, body);

  /** Like {@link get}, but a 404 answers undefined instead of failing. */
  async find(path: string): Promise<Answer | undefined> {
    try {
      return await this.get(path);
    } catch (error) {
      if (error instanceof DemoStepError && error.status === 404) return undefined;
      throw error;
    }
  }

  private async call(method: HttpMethod, path: string, body?: unknown): Promise<Answer> {
    try {
      return await this.client.send(method, `/api/v1${path}`, body);
    } catch (error) {
      if (error instanceof GatewayError && error.status !== 0) {
        throw new DemoStepError(method, path, error.status, error.body ?? null);
      }
      throw error;
    }
  }
}

/** The gateway the story runs against, and how to speak to it as anyone. */
export class DemoGateway {
  constructor(
    readonly baseUrl: string,
    private readonly keys: JwtKeys,
  ) {}

  as(user: DemoUser): UserSession {
    return new UserSession(this.baseUrl, this.keys, user);
  }
}
