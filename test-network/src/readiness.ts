import { setTimeout as sleep } from 'node:timers/promises';

/** Thrown by a probe when waiting longer cannot help. */
export class NodeExitedError extends Error {}

/** Polls `probe` until it returns true; the error names what was awaited and how long. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const started = Date.now();
  let lastError: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      if (await probe()) return;
    } catch (error) {
      if (error instanceof NodeExitedError) throw error;
      lastError = error;
    }
    await sleep(250);
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${reason}`);
}

/** A node's operations service answers `/healthz` with 200 once every checker passes. */
export async function isHealthy(operationsEndpoint: string): Promise<boolean> {
  const response = await fetch(`http://${operationsEndpoint}/healthz`, { signal: AbortSignal.timeout(2000) });
  return response.status === 200;
}

/** Prometheus samples of one metric from a node's operations service, as label text → value. */
export async function metricSamples(
  operationsEndpoint: string,
  metric: string,
): Promise<Map<string, number>> {
  const response = await fetch(`http://${operationsEndpoint}/metrics`, { signal: AbortSignal.timeout(2000) });
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (!line.startsWith(metric)) continue;
    const match = /^(\S+?)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (match && match[1] === metric) samples.set(match[2] ?? '', Number(match[3]));
  }
  return samples;
}
