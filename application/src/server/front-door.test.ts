import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { expect } from 'chai';
import type { GatewayMetrics } from '../observability/gateway-metrics';
import { type TestGateway, startTestGateway } from '../testing/test-gateway';
import { startScratchGateway } from './scratch-gateway';

/**
 * A client in a process of its own: opens `connections` connections to `port` at once, sends each
 * `request`, and writes the answers' `statuses` to `resultFile` once `wanted` of them came.
 */
const CLIENT = `
const net = require('node:net');
const { renameSync, writeFileSync } = require('node:fs');
const [port, connections, request, resultFile, wanted] = [Number(process.argv[1]), Number(process.argv[2]), process.argv[3], process.argv[4], Number(process.argv[5])];
// Written whole, then renamed: the test reads the file as soon as it appears.
const report = (result) => {
  writeFileSync(resultFile + '.part', JSON.stringify(result));
  renameSync(resultFile + '.part', resultFile);
};
const statuses = [];
for (let i = 0; i < connections; i++) {
  const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
  let answer = '';
  socket.on('data', (chunk) => {
    answer += chunk;
    if (!answer.includes('\\r\\n')) return;
    statuses.push(Number(answer.split(' ')[1]));
    socket.destroy();
    if (statuses.length === wanted) report({ statuses });
  });
  socket.on('error', (error) => report({ error: error.message }));
}
`;

/**
 * Blocks this thread's event loop (as a long chaincode run or block commit would) until `file`
 * exists or `limitMs` passes; says whether it appeared.
 */
function blockUntilExists(file: string, limitMs: number): boolean {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const until = performance.now() + limitMs;
  while (performance.now() < until) {
    if (existsSync(file)) return true;
    Atomics.wait(pause, 0, 0, 20);
  }
  return false;
}

async function answersWhileBlocked(port: number, connections: number, request: string, wanted = connections) {
  const dir = mkdtempSync(join(tmpdir(), 'cityledger-front-door-'));
  const resultFile = join(dir, 'result.json');
  try {
    const client = spawn(
      process.execPath,
      ['-e', CLIENT, String(port), String(connections), request, resultFile, String(wanted)],
      {
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => client.once('exit', resolve));
    const duringBlock = blockUntilExists(resultFile, 15_000);
    if (!duringBlock) {
      // Let the gateway answer now, so the client ends; what it got is beside the point.
      await setTimeout(2_000);
    }
    client.kill();
    await exited;
    return {
      duringBlock,
      result: existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : undefined,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function openStreams(metrics: GatewayMetrics): Promise<number> {
  const { values } = await metrics.eventStreams.get();
  return values.reduce((sum, sample) => sum + sample.value, 0);
}

describe('front door: clients connect to a thread of their own', function () {
  this.timeout(60_000);
  let gateway: TestGateway;
  let port: number;

  before(async () => {
    // One pooled connection to the gateway: an event stream must not take it.
    gateway = await startTestGateway({ RATE_LIMIT_PER_MINUTE: '4', HTTP_GATEWAY_CONNECTIONS: '1' }, {});
    port = Number(new URL(gateway.url).port);
  });
  after(() => gateway.stop());

  it('relays requests and answers to the gateway', async () => {
    const response = await fetch(`${gateway.url}/healthz`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('connection')).to.equal('keep-alive');
    expect(await response.json()).to.have.property('status');
  });

  it('accepts and answers a crowd of connections while the gateway’s event loop is busy', async () => {
    // An oversized request line is answered by the front door itself (414), so every answer that
    // arrives while this thread is blocked proves the connection was accepted without it.
    const request = `GET /api/v1/channels/civic/chaincodes/x/history?key=${'k'.repeat(17_000)} HTTP/1.1\r\nhost: x\r\n\r\n`;
    const { duringBlock, result } = await answersWhileBlocked(port, 300, request);
    expect(result?.error).to.equal(undefined);
    expect(duringBlock, 'all 300 connections answered while the gateway was blocked').to.equal(true);
    expect(new Set(result.statuses)).to.deep.equal(new Set([414]));
  });

  it('refuses at once (429) what finds every connection to the gateway busy, instead of queuing it', async () => {
    // This gateway relays over one connection: while its loop is blocked, one of three requests
    // holds it and the front door answers the other two itself.
    const request = 'GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n';
    const { duringBlock, result } = await answersWhileBlocked(port, 3, request, 2);
    expect(result?.error).to.equal(undefined);
    expect(duringBlock, 'two answers while the gateway was blocked').to.equal(true);
    expect(result.statuses).to.deep.equal([429, 429]);
  });

  it('relays event streams beside the pooled connections, and ends them when the client leaves', async () => {
    const token = gateway.token('front-door-auditor', 'CityMSP', 'auditor');
    const leave = new AbortController();
    const stream = await fetch(`${gateway.url}/api/v1/channels/civic/events`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      signal: leave.signal,
    });
    expect(stream.status).to.equal(200);
    expect(stream.headers.get('content-type')).to.match(/^text\/event-stream/);
    const open = gateway.running.gateway.metrics;
    expect(
      (await fetch(`${gateway.url}/healthz`)).status,
      'answered over the one pooled connection',
    ).to.equal(200);
    expect(await openStreams(open)).to.equal(1);
    leave.abort();
    await stream.body?.cancel().catch(() => undefined);
    for (let i = 0; i < 100 && (await openStreams(open)) !== 0; i++) await setTimeout(20);
    expect(await openStreams(open)).to.equal(0);
  });

  it('rate-limits by the client’s address, whatever X-Forwarded-For it sends', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${gateway.url}/api/v1/channels/civic/blocks/1`, {
        headers: { 'x-forwarded-for': `10.0.0.${i}` },
      });
      statuses.push(response.status);
    }
    // The event stream above took one of the four.
    expect(statuses).to.deep.equal([401, 401, 401, 429, 429, 429]);
  });
});

describe('front door: the private socket lives in the data directory', function () {
  this.timeout(60_000);

  it('replaces a socket a killed gateway left there, and removes its own when it stops', async () => {
    let socket = '';
    const scratch = await startScratchGateway('socket', {
      chaincodes: {},
      prepareDataDir: async (config) => {
        socket = join(config.dataDir, 'gateway.sock');
        writeFileSync(socket, 'left by a gateway killed with SIGKILL');
      },
    });
    try {
      expect((await fetch(`${scratch.running.url}/healthz`)).status).to.equal(200);
      expect(statSync(socket).isSocket()).to.equal(true);
      await scratch.running.stop();
      expect(existsSync(socket)).to.equal(false);
    } finally {
      await scratch.stop();
    }
  });
});
