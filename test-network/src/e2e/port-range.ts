import { createServer } from 'node:net';

/** True when every port in [base, base + span) can be bound on 127.0.0.1 right now. */
async function rangeIsFree(base: number, span: number): Promise<boolean> {
  for (let port = base; port < base + span; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

/** A base port whose whole network layout (300 ports) is free, so a test never meets a running network. */
export async function freeBasePort(from = 27000, span = 300): Promise<number> {
  for (let base = from; base + span < 60000; base += 1000) {
    if (await rangeIsFree(base, span)) return base;
  }
  throw new Error(`no free range of ${span} ports from ${from}`);
}
