/**
 * The front door's thread (see front-door.ts): accepts client connections on its own event loop and
 * relays each request to the gateway over a pool of kept-alive connections on a private socket.
 */
import {
  Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
  createServer,
  request,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { answerOversizedRequests } from '../http/oversized-request';
import { DrainRate, ReturnSchedule } from '../http/return-schedule';
import type { FrontDoorCommand, FrontDoorOptions, FrontDoorReport } from './front-door';

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1): never relayed. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((token) => token.trim().toLowerCase()),
  );
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !named.has(name)),
  );
}

/** The client's address as the gateway's rate limit and logs key it; appended as proxies do. */
function forwardedFor(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? 'unknown';
  const earlier = req.headers['x-forwarded-for'];
  return earlier ? `${String(earlier)}, ${address}` : address;
}

const options = workerData as FrontDoorOptions;
const port = parentPort!;
const upstream = new Agent({ keepAlive: true, maxSockets: options.upstreamConnections });
/** An event stream holds its connection for as long as the client listens: never from the pool. */
const streams = new Agent({ keepAlive: false });

function isEventStream(req: IncomingMessage): boolean {
  return (
    req.method === 'GET' &&
    (String(req.headers.accept ?? '').includes('text/event-stream') || /\/events(\?|$)/.test(req.url ?? ''))
  );
}

/** Requests relayed and not yet answered, event streams aside. */
let relaying = 0;
/** How fast pooled connections free up: refused clients get return times spread at that rate. */
const answered = new DrainRate(Date.now);
const returns = new ReturnSchedule(answered, Date.now);

/**
 * Every pooled connection is busy: the gateway holds as much as it can take. Queuing here would
 * hide the surplus from its admission control and make every caller wait; refusing costs this
 * thread only. Each refused client is told its own return time, as the submission limiter does.
 */
function refuseBusy(res: ServerResponse): void {
  const retryAfter = returns.retryAfterSeconds(0);
  const body = JSON.stringify({
    error: {
      code: 'SATURATED',
      message: `the gateway is answering ${relaying} requests at once; retry in ${retryAfter} s`,
    },
  });
  res.writeHead(429, {
    'content-type': 'application/json; charset=utf-8',
    'retry-after': String(retryAfter),
  });
  res.end(body);
}

const server = createServer((req, res) => {
  const eventStream = isEventStream(req);
  if (!eventStream) {
    if (relaying >= options.upstreamConnections) {
      req.resume();
      refuseBusy(res);
      return;
    }
    relaying++;
    res.once('close', () => {
      relaying--;
      answered.completed();
    });
  }
  const relay = request(
    {
      socketPath: options.upstreamSocket,
      method: req.method,
      path: req.url,
      headers: { ...endToEnd(req.headers), 'x-forwarded-for': forwardedFor(req) },
      agent: eventStream ? streams : upstream,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
      // Event streams flush each event as it comes: nothing here buffers a response.
      answer.pipe(res);
    },
  );
  relay.on('error', () => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
      res.end(
        JSON.stringify({ error: { code: 'GATEWAY_UNREACHABLE', message: 'the gateway did not answer' } }),
      );
    } else {
      res.destroy();
    }
  });
  // A client that leaves (an event stream closed, a request abandoned) frees the gateway's side too.
  res.on('close', () => {
    if (!res.writableFinished) relay.destroy();
  });
  req.pipe(relay);
});
server.keepAliveTimeout = options.keepAliveTimeoutMs;
server.headersTimeout = options.keepAliveTimeoutMs + 1_000;
answerOversizedRequests(server);

port.on('message', (command: FrontDoorCommand) => {
  if (command === 'close') {
    // Stops accepting; requests in flight finish, idle kept-alive connections go now.
    server.close(() => {
      upstream.destroy();
      streams.destroy();
      port.postMessage({ closed: true } satisfies FrontDoorReport);
    });
    server.closeIdleConnections();
  } else if (command === 'close-all') {
    server.closeAllConnections();
  }
});

server.on('error', (error) => port.postMessage({ error: error.message } satisfies FrontDoorReport));
server.listen({ port: options.port, host: options.host, backlog: options.backlog }, () => {
  port.postMessage({ listening: (server.address() as AddressInfo).port } satisfies FrontDoorReport);
});
