import { resolve } from 'node:path';
import { z } from 'zod';
import { defaultConsortiumPath } from '@cityledger/network';
import { CLAIM_NAME_PATTERN, type ClaimMapping, DEFAULT_CLAIM_MAPPING } from '../auth/claim-mapping';
import { type IotBridgeConfig, iotBridgeConfigFromEnvironment, iotEnvironmentShape } from '../iot/iot-config';
import { LOG_LEVELS, type LogLevel } from '../observability/logger';

export const JWT_ALGORITHMS = ['HS256', 'ES256', 'RS256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** Everything the gateway is configured with, read once at start and passed down. */
export interface GatewayConfig {
  port: number;
  host: string;
  dataDir: string;
  consortiumFile: string;
  logLevel: LogLevel;
  jwt: {
    /** Explicit when JWT_ALGORITHM is set; otherwise HS256, or inferred from the public key. */
    algorithm?: JwtAlgorithm;
    secret?: string;
    publicKeyFile?: string;
    /** Only for the token CLI in ES256/RS256 mode. */
    privateKeyFile?: string;
    issuer?: string;
    audience?: string;
    /** The identity provider's JWK set (JWT_JWKS_URL); then issuer and audience are set too. */
    jwksUrl?: string;
    /** Where the caller's user id, org, role and DID are read from the token. */
    claims: ClaimMapping;
  };
  http: {
    bodyLimitBytes: number;
    /** Requests per minute per client address on /api/v1; 0 disables the limit. */
    rateLimitPerMinute: number;
    sseKeepAliveMs: number;
    shutdownTimeoutMs: number;
    /**
     * Connections the kernel queues until the gateway accepts them. Node's default, 511, overflows
     * when a thousand clients connect while the event loop commits a block: the dropped SYNs come
     * back after 1, 3, 7 s of TCP backoff (capped by net.core.somaxconn).
     */
    listenBacklog: number;
    /** How long the answer to an `Idempotency-Key` and an async transaction's status are kept. */
    idempotencyRetentionMs: number;
    /**
     * What page bookmarks are sealed with; gateways behind one load balancer need the same.
     * Undefined: a secret generated once into the data directory.
     */
    bookmarkSecret?: string;
    /**
     * How long an idle client connection stays open. Longer than the longest Retry-After (60 s), so
     * a refused client that comes back when told finds its connection still open.
     */
    keepAliveTimeoutMs: number;
    /**
     * `thread`: clients connect to a thread of its own that relays requests to the gateway over at
     * most `gatewayConnections` kept-alive connections, refusing what finds them all busy
     * (server/front-door.ts). `off`: clients
     * connect to the gateway's event loop directly.
     */
    frontDoor: 'thread' | 'off';
    gatewayConnections: number;
  };
  submissions: {
    maxRetries: number;
    retryBaseMs: number;
    retryMaxMs: number;
    maxConcurrent: number;
    maxQueued: number;
    /** Admit a submission only while the work held drains within this budget; 0 = off. */
    latencyBudgetMs: number;
  };
  /**
   * Which ledger the gateway runs on: the in-process embedded network, or a running Fabric network
   * described by `<networkDir>/network.json` (written by test-network/network.sh).
   */
  ledger:
    | {
        kind: 'embedded';
        /**
         * Where the embedded network runs chaincode: `worker`, a worker thread per organisation (as
         * each Fabric peer runs chaincode in a process of its own), or `in-process` on the gateway's
         * thread. Default `in-process`: on two cores the workers' messages cost more CPU per
         * transaction than their parallelism saves (docs/performance.md).
         */
        chaincodeRuntime?: 'worker' | 'in-process';
      }
    | { kind: 'fabric'; networkDir: string };
  /** Chaincodes /readyz requires installed; undefined = every chaincode the consortium defines. */
  requiredChaincodes?: string[];
  /** The IoT bridge: batching, outbox bound, MQTT. */
  iot: IotBridgeConfig;
}

/** Lists every bad environment variable at once, each with what it should be. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2 };

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const jwksUrl = optionalText.pipe(
  z
    .string()
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an http or https URL')
    .optional(),
);

const claimName = optionalText.pipe(
  z
    .string()
    .regex(CLAIM_NAME_PATTERN, 'must be a claim name or a dotted path such as realm_access.roles')
    .optional(),
);

const environmentSchema = z.object({
  ...iotEnvironmentShape,
  PORT: integer(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  CITYLEDGER_DATA_DIR: z.string().min(1).default('./.cityledger'),
  CONSORTIUM_FILE: optionalText,
  LEDGER: optionalText.pipe(z.enum(['embedded', 'fabric']).default('embedded')),
  FABRIC_NETWORK_DIR: optionalText,
  EMBEDDED_CHAINCODE_RUNTIME: optionalText.pipe(z.enum(['worker', 'in-process']).default('worker')),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  JWT_SECRET: optionalText.pipe(
    z.string().min(32, 'must be at least 32 characters (256 bits) for HS256').optional(),
  ),
  JWT_PUBLIC_KEY_FILE: optionalText,
  BOOKMARK_SECRET: optionalText.pipe(
    z.string().min(32, 'must be at least 32 characters (256 bits)').optional(),
  ),
  JWT_PRIVATE_KEY_FILE: optionalText,
  JWT_ALGORITHM: optionalText.pipe(z.enum(JWT_ALGORITHMS).optional()),
  JWT_ISSUER: optionalText,
  JWT_AUDIENCE: optionalText,
  JWT_JWKS_URL: jwksUrl,
  JWT_CLAIM_USER: claimName,
  JWT_CLAIM_ORG: claimName,
  JWT_CLAIM_ROLE: claimName,
  JWT_CLAIM_DID: claimName,
  BODY_LIMIT: z
    .string()
    .regex(/^\d+\s*(b|kb|mb)?$/i, 'must be a size such as 1mb, 512kb or 65536')
    .transform((v) => {
      const [, amount, unit] = /^(\d+)\s*(b|kb|mb)?$/i.exec(v)!;
      return Number(amount) * SIZE_UNITS[(unit ?? 'b').toLowerCase()]!;
    })
    .pipe(
      z
        .number()
        .min(1024, 'must be at least 1kb')
        .max(50 * 1024 ** 2, 'must be at most 50mb'),
    )
    .default(1024 ** 2),
  RATE_LIMIT_PER_MINUTE: integer(0, 1_000_000).default(1200),
  SSE_KEEPALIVE_MS: integer(1000, 300_000).default(15_000),
  SHUTDOWN_TIMEOUT_MS: integer(0, 300_000).default(10_000),
  LISTEN_BACKLOG: integer(1, 65_535).default(4096),
  IDEMPOTENCY_RETENTION_HOURS: integer(1, 24 * 30).default(24),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: integer(1000, 600_000).default(65_000),
  HTTP_FRONT_DOOR: z.enum(['thread', 'off'], 'must be thread or off').default('thread'),
  HTTP_GATEWAY_CONNECTIONS: integer(1, 10_000).default(256),
  SUBMIT_MAX_RETRIES: integer(0, 20).default(5),
  SUBMIT_RETRY_BASE_MS: integer(1, 10_000).default(50),
  SUBMIT_RETRY_MAX_MS: integer(1, 60_000).default(2000),
  MAX_CONCURRENT_SUBMISSIONS: integer(1, 10_000).default(64),
  MAX_QUEUED_SUBMISSIONS: integer(0, 100_000).default(512),
  SUBMIT_LATENCY_BUDGET_MS: integer(0, 600_000).default(2000),
  REQUIRED_CHAINCODES: optionalText.transform((v) =>
    v === undefined
      ? undefined
      : v
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
  ),
});

/** The ways of verifying tokens exclude each other: each pins what a token may be signed with. */
function jwtProblems(e: z.infer<typeof environmentSchema>): string[] {
  if (e.JWT_JWKS_URL) {
    const missing = (['JWT_ISSUER', 'JWT_AUDIENCE'] as const).filter((name) => !e[name]);
    const excluded = (
      ['JWT_SECRET', 'JWT_PUBLIC_KEY_FILE', 'JWT_PRIVATE_KEY_FILE', 'JWT_ALGORITHM'] as const
    ).filter((name) => e[name]);
    return [
      ...(missing.length > 0
        ? [
            `JWT_JWKS_URL needs ${missing.join(' and ')}: a provider signs tokens for many applications, ` +
              'the gateway accepts only those it issued for this one',
          ]
        : []),
      ...(excluded.length > 0
        ? [
            `JWT_JWKS_URL excludes ${excluded.join(', ')}: the provider's keys declare their algorithms ` +
              '(and the gateway signs no tokens)',
          ]
        : []),
    ];
  }
  const problems: string[] = [];
  if (e.JWT_SECRET && e.JWT_PUBLIC_KEY_FILE) {
    problems.push('JWT_SECRET and JWT_PUBLIC_KEY_FILE: set one of them, not both (the algorithm is pinned)');
  }
  if (e.JWT_ALGORITHM === 'HS256' && e.JWT_PUBLIC_KEY_FILE) {
    problems.push('JWT_ALGORITHM=HS256 needs JWT_SECRET, not JWT_PUBLIC_KEY_FILE');
  }
  if (e.JWT_ALGORITHM && e.JWT_ALGORITHM !== 'HS256' && !e.JWT_PUBLIC_KEY_FILE) {
    problems.push(`JWT_ALGORITHM=${e.JWT_ALGORITHM} needs JWT_PUBLIC_KEY_FILE`);
  }
  return problems;
}

/**
 * Reads the configuration from environment variables (unset or empty = default).
 *
 * @throws ConfigError naming each bad variable and what it must be.
 */
export function loadGatewayConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): GatewayConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '(environment)');
        return `${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = jwtProblems(e);
  if (e.SUBMIT_RETRY_MAX_MS < e.SUBMIT_RETRY_BASE_MS) {
    problems.push('SUBMIT_RETRY_MAX_MS must be at least SUBMIT_RETRY_BASE_MS');
  }
  if (e.LEDGER === 'fabric' && !e.FABRIC_NETWORK_DIR) {
    problems.push('FABRIC_NETWORK_DIR is required when LEDGER=fabric (the folder holding network.json)');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(cwd, e.CITYLEDGER_DATA_DIR),
    consortiumFile: e.CONSORTIUM_FILE ? resolve(cwd, e.CONSORTIUM_FILE) : defaultConsortiumPath(),
    logLevel: e.LOG_LEVEL,
    jwt: {
      algorithm: e.JWT_ALGORITHM,
      secret: e.JWT_SECRET,
      publicKeyFile: e.JWT_PUBLIC_KEY_FILE ? resolve(cwd, e.JWT_PUBLIC_KEY_FILE) : undefined,
      privateKeyFile: e.JWT_PRIVATE_KEY_FILE ? resolve(cwd, e.JWT_PRIVATE_KEY_FILE) : undefined,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      ...(e.JWT_JWKS_URL ? { jwksUrl: e.JWT_JWKS_URL } : {}),
      claims: {
        user: e.JWT_CLAIM_USER ?? DEFAULT_CLAIM_MAPPING.user,
        org: e.JWT_CLAIM_ORG ?? DEFAULT_CLAIM_MAPPING.org,
        role: e.JWT_CLAIM_ROLE ?? DEFAULT_CLAIM_MAPPING.role,
        did: e.JWT_CLAIM_DID ?? DEFAULT_CLAIM_MAPPING.did,
      },
    },
    http: {
      bodyLimitBytes: e.BODY_LIMIT,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      sseKeepAliveMs: e.SSE_KEEPALIVE_MS,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      listenBacklog: e.LISTEN_BACKLOG,
      idempotencyRetentionMs: e.IDEMPOTENCY_RETENTION_HOURS * 60 * 60 * 1000,
      ...(e.BOOKMARK_SECRET ? { bookmarkSecret: e.BOOKMARK_SECRET } : {}),
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      frontDoor: e.HTTP_FRONT_DOOR,
      gatewayConnections: e.HTTP_GATEWAY_CONNECTIONS,
    },
    submissions: {
      maxRetries: e.SUBMIT_MAX_RETRIES,
      retryBaseMs: e.SUBMIT_RETRY_BASE_MS,
      retryMaxMs: e.SUBMIT_RETRY_MAX_MS,
      maxConcurrent: e.MAX_CONCURRENT_SUBMISSIONS,
      maxQueued: e.MAX_QUEUED_SUBMISSIONS,
      latencyBudgetMs: e.SUBMIT_LATENCY_BUDGET_MS,
    },
    ledger:
      e.LEDGER === 'fabric'
        ? { kind: 'fabric', networkDir: resolve(cwd, e.FABRIC_NETWORK_DIR!) }
        : { kind: 'embedded', chaincodeRuntime: e.EMBEDDED_CHAINCODE_RUNTIME },
    requiredChaincodes: e.REQUIRED_CHAINCODES,
    iot: iotBridgeConfigFromEnvironment(e),
  };
}
