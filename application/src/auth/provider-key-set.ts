import { type ProviderSigningKey, providerSigningKeyOf } from './provider-signing-key';

export interface ProviderKeySetOptions {
  /** The provider's JWK set, e.g. Keycloak's `<realm>/protocol/openid-connect/certs`. */
  url: string;
  /** Milliseconds since the epoch; tests pass a clock they move. */
  now?: () => number;
  /** A token with an unknown `kid` fetches the set again at most this often. */
  refreshCooldownMs?: number;
  /** How long a fetched set is used when its answer has no `Cache-Control: max-age`. */
  refreshIntervalMs?: number;
  /** Longest `max-age` honoured: a rotation is noticed through the unknown `kid` anyway. */
  maxRefreshIntervalMs?: number;
  fetchTimeoutMs?: number;
  fetch?: typeof fetch;
}

export const DEFAULT_REFRESH_COOLDOWN_MS = 30_000;
export const DEFAULT_REFRESH_INTERVAL_MS = 10 * 60_000;
const DEFAULT_MAX_REFRESH_INTERVAL_MS = 24 * 60 * 60_000;
const DEFAULT_FETCH_TIMEOUT_MS = 5_000;
/** A JWK set holds a handful of keys; anything this large is not one. */
const MAX_KEY_SET_BYTES = 1024 * 1024;

/**
 * The identity provider's signing keys, fetched from its JWKS endpoint and kept by `kid`.
 *
 * The cache is read synchronously on every request ({@link cachedKey}); only a token naming a
 * `kid` the cache lacks waits, for at most one fetch per cooldown however many such tokens arrive
 * ({@link keyAfterRefresh}), so forged `kid`s cannot make the gateway hammer the provider. A set
 * past its lifetime is fetched again in the background while the old keys keep answering. A
 * failed fetch keeps the keys already loaded and is retried after the cooldown: a provider that
 * is down at start does not stop the gateway, whose token checks answer 503 until keys arrive.
 *
 * @example
 * const keys = new ProviderKeySet({ url: 'https://id.city.example/realms/city/protocol/openid-connect/certs' });
 * void keys.refresh(); // load at start, without waiting
 * const key = keys.cachedKey(kid) ?? (await keys.keyAfterRefresh(kid));
 */
export class ProviderKeySet {
  readonly url: string;
  private keys = new Map<string, ProviderSigningKey>();
  private readonly now: () => number;
  private readonly cooldownMs: number;
  private readonly intervalMs: number;
  private readonly maxIntervalMs: number;
  private readonly timeoutMs: number;
  private readonly fetchKeySet: typeof fetch;
  private lastFetchAt = Number.NEGATIVE_INFINITY;
  private staleAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private loadedOnce = false;
  private problem: string | undefined;
  private fetchCount = 0;

  constructor(options: ProviderKeySetOptions) {
    this.url = options.url;
    this.now = options.now ?? Date.now;
    this.cooldownMs = options.refreshCooldownMs ?? DEFAULT_REFRESH_COOLDOWN_MS;
    this.intervalMs = options.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS;
    this.maxIntervalMs = options.maxRefreshIntervalMs ?? DEFAULT_MAX_REFRESH_INTERVAL_MS;
    this.timeoutMs = options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
    this.fetchKeySet = options.fetch ?? fetch;
  }

  /** Whether a key set has been loaded at least once. */
  get loaded(): boolean {
    return this.loadedOnce;
  }

  /** Why the last fetch failed; undefined after a good one. */
  get lastProblem(): string | undefined {
    return this.problem;
  }

  /** How many times the set has been fetched. */
  get fetches(): number {
    return this.fetchCount;
  }

  get refreshCooldownMs(): number {
    return this.cooldownMs;
  }

  /** The kids currently cached. */
  kids(): string[] {
    return [...this.keys.keys()];
  }

  /**
   * The key for `kid` from the cache, without waiting. A stale set starts a refresh in the
   * background; this request is answered with the keys at hand.
   */
  cachedKey(kid: string): ProviderSigningKey | undefined {
    if (this.now() >= this.staleAt && this.mayFetch()) void this.refresh();
    return this.keys.get(kid);
  }

  /**
   * The key for a `kid` the cache lacked: joins the fetch in flight, or starts one when the last
   * fetch is at least a cooldown ago, then looks again. Undefined when the set still lacks it.
   */
  async keyAfterRefresh(kid: string): Promise<ProviderSigningKey | undefined> {
    if (this.mayFetch()) void this.refresh();
    if (this.inFlight) await this.inFlight;
    return this.keys.get(kid);
  }

  /** Fetches the set now (or joins the fetch in flight). Never rejects: a failure is kept in {@link lastProblem}. */
  refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private mayFetch(): boolean {
    return !this.inFlight && this.now() - this.lastFetchAt >= this.cooldownMs;
  }

  private async load(): Promise<void> {
    this.lastFetchAt = this.now();
    this.fetchCount += 1;
    try {
      const response = await this.fetchKeySet(this.url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const text = await response.text();
      if (text.length > MAX_KEY_SET_BYTES) throw new Error(`the answer is over ${MAX_KEY_SET_BYTES} bytes`);
      this.keys = this.signingKeysOf(JSON.parse(text) as unknown);
      this.loadedOnce = true;
      this.problem = undefined;
      this.staleAt = this.now() + this.lifetimeOf(response.headers.get('cache-control'));
    } catch (error) {
      this.problem = describeFetchFailure(error, this.timeoutMs);
      this.staleAt = this.now() + this.cooldownMs;
    }
  }

  private signingKeysOf(document: unknown): Map<string, ProviderSigningKey> {
    const jwks = (document as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(jwks)) throw new Error('the answer is not a JWK set ({"keys": [...]})');
    const keys = new Map<string, ProviderSigningKey>();
    const ignored: string[] = [];
    for (const jwk of jwks) {
      const key = providerSigningKeyOf(jwk);
      if ('ignored' in key) ignored.push(key.ignored);
      else keys.set(key.kid, key);
    }
    if (keys.size === 0) {
      throw new Error(
        `no RS256, PS256 or ES256 signing key with a kid in the set${ignored.length ? ` (${ignored.join('; ')})` : ''}`,
      );
    }
    return keys;
  }

  private lifetimeOf(cacheControl: string | null): number {
    const maxAge = /(?:^|,)\s*max-age=(\d+)/i.exec(cacheControl ?? '')?.[1];
    if (maxAge === undefined) return this.intervalMs;
    return Math.min(Math.max(Number(maxAge) * 1000, this.cooldownMs), this.maxIntervalMs);
  }
}

function describeFetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (error instanceof SyntaxError) return 'the answer is not JSON';
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const detail = cause?.code ?? cause?.message;
  const message = error instanceof Error ? error.message : String(error);
  return detail ? `${message} (${detail})` : message;
}
