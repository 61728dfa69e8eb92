import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';

/** A shared HS256 secret for the child gateways of a test: tokens stay valid across restarts. */
export const CHILD_JWT_SECRET = 'reliability-tests-secret-0123456789abcdef0123456789';

export interface ChildGateway {
  url: string;
  process: ChildProcess;
  /** Everything the child wrote on stderr, for failure messages. */
  stderr(): string;
  /** kill -9: no shutdown hook runs, nothing is flushed. */
  crash(): Promise<void>;
  /** SIGTERM: the graceful shutdown of docs/operations.md. */
  stop(): Promise<void>;
}

export function childToken(sub: string, org: string, role: string): string {
  return jwt.sign({ sub, org, role }, CHILD_JWT_SECRET, { algorithm: 'HS256', expiresIn: 3600 });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Runs the real gateway (`application/dist/main.js`, what `npm start` runs) as a child process on
 * 127.0.0.1 and a free port, over a data directory, and resolves once it prints its URL. With
 * `viaNpmStart` the child is `npm start`, the process a supervisor may be given.
 */
export async function startChildGateway(
  dataDir: string,
  env: Record<string, string> = {},
  options: { viaNpmStart?: boolean } = {},
): Promise<ChildGateway> {
  // `npm start` as an operator runs it, without its prestart build (the tree is built already).
  const [command, args] = options.viaNpmStart
    ? ['npm', ['start', '--ignore-scripts', '--silent']]
    : [process.execPath, [join(__dirname, '..', 'main.js')]];
  const child = spawn(command, args, {
    cwd: join(__dirname, '..', '..', '..'),
    env: {
      ...process.env,
      CITYLEDGER_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      JWT_SECRET: CHILD_JWT_SECRET,
      RATE_LIMIT_PER_MINUTE: '0',
      MQTT_PORT: '0',
      MQTT_HOST: '127.0.0.1',
      CORE_CHAINCODE_LOGGING_LEVEL: 'critical',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /CityLedger gateway on (http:\/\/\S+)/.exec(stdout);
      if (match) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) =>
      reject(new Error(`the gateway exited before it was ready (${code ?? signal}): ${stderr}`)),
    );
  });
  return {
    url,
    process: child,
    stderr: () => stderr,
    async crash() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

export async function call(
  url: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers loosely
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}
