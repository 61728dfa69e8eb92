import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';

export interface FrontDoorOptions {
  host: string;
  port: number;
  backlog: number;
  keepAliveTimeoutMs: number;
  /** The gateway's private socket, where every relayed request goes. */
  upstreamSocket: string;
  /** Kept-alive connections to the gateway; with all of them busy, a request is refused (429). */
  upstreamConnections: number;
}

export type FrontDoorCommand = 'close' | 'close-all';
export type FrontDoorReport = { listening: number } | { closed: true } | { error: string };

export interface FrontDoor {
  /** The port clients connect to. */
  port: number;
  /** Stops accepting and waits for requests in flight; `force` cuts them off. */
  close(force?: Promise<unknown>): Promise<void>;
}

/** sun_path holds 108 bytes on Linux, 104 on macOS, the terminating zero included. */
const MAX_SOCKET_PATH_BYTES = 103;

/**
 * Where the gateway's private socket lives: in its data directory, which only this gateway uses,
 * so a socket left by a gateway that was killed is removed with the directory (or replaced at the
 * next start) instead of piling up in the system's temporary folder; there when the data
 * directory's path is too long for a socket address.
 */
export function privateSocketPath(dataDir: string): string {
  const inDataDir = join(dataDir, 'gateway.sock');
  if (Buffer.byteLength(inDataDir) <= MAX_SOCKET_PATH_BYTES) {
    // A socket here was left by a gateway killed with SIGKILL: this one already holds the locks of
    // the directory's stores, which a live gateway would not have let it take.
    rmSync(inDataDir, { force: true });
    return inDataDir;
  }
  return join(tmpdir(), `cityledger-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
}

/**
 * Clients connect to a thread of their own, not to the gateway's event loop. libuv accepts one
 * connection per turn of an event loop, and a gateway that endorses, validates and commits turns
 * its loop every 20–100 ms under load: a thousand clients connecting at once waited up to 20 s in
 * the kernel's accept queue, unseen by the admission control (docs/performance.md, "Overload").
 * The front door accepts on an idle loop and relays requests over a bounded pool of kept-alive
 * connections, which the gateway accepts once; when every one is busy it refuses at once (429)
 * rather than queue where the gateway's admission control cannot see.
 */
export async function openFrontDoor(options: FrontDoorOptions): Promise<FrontDoor> {
  const worker = new Worker(join(__dirname, 'front-door-worker.js'), { workerData: options });
  const closed = new Promise<void>((resolve) =>
    worker.on('message', (report: FrontDoorReport) => 'closed' in report && resolve()),
  );
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', () => reject(new Error('the front door thread exited')));
      worker.on('message', (report: FrontDoorReport) => {
        if ('listening' in report) resolve(report.listening);
        else if ('error' in report) reject(new Error(report.error));
      });
    });
  } catch (error) {
    await worker.terminate();
    throw new Error(
      `the gateway cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`,
    );
  }
  let closing: Promise<void> | undefined;
  return {
    port,
    close: (force) =>
      (closing ??= (async () => {
        worker.postMessage('close' satisfies FrontDoorCommand);
        void force?.then(() => worker.postMessage('close-all' satisfies FrontDoorCommand));
        await closed;
        await worker.terminate();
        rmSync(options.upstreamSocket, { force: true });
      })()),
  };
}
