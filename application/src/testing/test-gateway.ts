import { generateKeyPairSync } from 'node:crypto';
import { type ContractClass, loadConsortium } from '@cityledger/network';
import { seedCryptoMaterial } from '@cityledger/network/testing';
import { issueToken } from '../auth/token-issuer';
import type { RunningGateway } from '../server/gateway-server';
import { startScratchGateway } from '../server/scratch-gateway';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers loosely
export interface HttpAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestGateway {
  url: string;
  running: RunningGateway;
  dataDir: string;
  /** A valid token for a user of an organisation with a role (and the DID they act for). */
  token(sub: string, org: string, role: string, did?: string): string;
  /** Real HTTP to the gateway; a string body is sent as is, anything else as JSON. */
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<HttpAnswer>;
  stop(): Promise<void>;
}

/**
 * A gateway on the embedded network in its own temporary data directory, on 127.0.0.1 port 0,
 * with the consortium's crypto material generated once per process ({@link seedCryptoMaterial}).
 * One per test file (in `before`) keeps the suite fast.
 */
export async function startTestGateway(
  env: Record<string, string> = {},
  chaincodes?: Record<string, ReadonlyArray<ContractClass>>,
  /** The clock the gateway stamps proposals with: a `ManualClock`'s `now` lets a test skip time. */
  now?: () => number,
): Promise<TestGateway> {
  const { running, dataDir, stop } = await startScratchGateway('gateway', {
    // Test brokers listen on loopback only, like the gateway itself.
    env: { MQTT_HOST: '127.0.0.1', ...env },
    chaincodes,
    now,
    prepareDataDir: (config) =>
      seedCryptoMaterial(loadConsortium(config.consortiumFile).definition, config.dataDir),
  });
  const url = running.url;
  return {
    url,
    running,
    dataDir,
    token: (sub, org, role, did) =>
      issueToken(running.jwtKeys, { userId: sub, mspId: org, role, ...(did ? { did } : {}) }, 3600),
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${url}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      if ((response.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
      return { status: response.status, headers: response.headers, body: parsed };
    },
    stop,
  };
}

/** A fresh P-256 device key as SPKI PEM. */
export function devicePublicKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
}

/** Personal data as the identity contract takes it. */
export function personalDataOf(name: string) {
  return {
    name,
    birthDate: '1990-04-01',
    address: '1 Harbour Street',
    salt: '0123456789abcdef0123456789abcdef',
  };
}

/**
 * Registers a person holding an eligible-voter credential (what voting asks of a voter) and
 * answers their DID. `registrarToken` must carry the CityMSP `registrar` role.
 */
export async function registerEligibleVoter(gateway: TestGateway, registrarToken: string): Promise<string> {
  const civic = '/api/v1/channels/civic';
  const id = uniqueId('voter');
  const voterDid = `did:cityledger:civic:${id}`;
  const expectCreated = (answer: HttpAnswer, what: string) => {
    if (answer.status !== 201)
      throw new Error(`eligible voter ${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  expectCreated(
    await gateway.request('POST', `${civic}/persons`, {
      token: registrarToken,
      body: { id, personalData: personalDataOf(id) },
    }),
    'person',
  );
  expectCreated(
    await gateway.request('POST', `${civic}/credentials`, {
      token: registrarToken,
      body: {
        credentialId: uniqueId('ev'),
        subjectDid: voterDid,
        credentialType: 'eligible-voter',
        validUntil: '2099-01-01T00:00:00Z',
      },
    }),
    'credential',
  );
  return voterDid;
}

/**
 * Registers a new organisation DID on the civic channel for the caller's organisation (one per
 * organisation; the first call wins) and answers it. `organiserToken` acts for the organisation.
 */
export async function registerOrganisation(
  gateway: TestGateway,
  organiserToken: string,
  name: string,
): Promise<string> {
  const id = uniqueId('org');
  const answer = await gateway.request('POST', '/api/v1/channels/civic/organisations', {
    token: organiserToken,
    body: { id, name },
  });
  if (answer.status !== 201) throw new Error(`organisation: ${answer.status} ${JSON.stringify(answer.body)}`);
  return `did:cityledger:civic:${id}`;
}

let counter = 0;
/** A unique id for records created by a test. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}
