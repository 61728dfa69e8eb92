import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody } from './error-response';

/** A request line this long is what overflowed Node's header limit, rather than a header. */
const LONG_REQUEST_LINE = 8 * 1024;

function rawResponse(status: number, reason: string, body: ErrorBody): string {
  const json = JSON.stringify(body);
  return (
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\n` +
    `content-length: ${Buffer.byteLength(json)}\r\nconnection: close\r\n\r\n${json}`
  );
}

/**
 * Node refuses a request whose request line and headers exceed its limit (16 KB,
 * `--max-http-header-size`) before express sees it, with a bare 431. This answers such requests
 * with the gateway's error envelope instead: `414 URI_TOO_LONG` when the request line is what is
 * too long (a huge `?key=` on the explorer's history), `431 HEADERS_TOO_LARGE` otherwise.
 */
export function answerOversizedRequests(server: Server): void {
  const answered = new WeakSet<Duplex>();
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    // The parser reports each further chunk of an answered request again: the answer is on its way.
    if (answered.has(socket)) return;
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    if (error.code !== 'HPE_HEADER_OVERFLOW') {
      // What Node answers itself when nobody listens for client errors.
      const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      answered.add(socket);
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`);
      return;
    }
    answered.add(socket);
    const raw = error.rawPacket?.toString('latin1') ?? '';
    const lineEnd = raw.indexOf('\r\n');
    const requestLine = /^[A-Z]+ \S/.test(raw) ? (lineEnd === -1 ? raw.length : lineEnd) : 0;
    socket.end(
      requestLine >= LONG_REQUEST_LINE
        ? rawResponse(414, 'URI Too Long', {
            error: {
              code: 'URI_TOO_LONG',
              message:
                'the request line is too long; explorer keys are at most 2048 characters, larger queries belong in a body',
            },
          })
        : rawResponse(431, 'Request Header Fields Too Large', {
            error: { code: 'HEADERS_TOO_LARGE', message: 'the request headers are larger than 16 KB' },
          }),
    );
  });
}
