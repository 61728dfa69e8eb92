/**
 * The gateway's OpenAPI document as `@cityledger/client` is generated from it: served by a scratch
 * gateway on the embedded network with every chaincode installed, so it describes every route.
 */
import { join } from 'node:path';
import { startScratchGateway } from '../server/scratch-gateway';

/** The client's committed copy of the document (its types are generated from this file). */
export const CLIENT_OPENAPI_SNAPSHOT = join(
  __dirname,
  '..',
  '..',
  '..',
  'packages',
  'client',
  'openapi.json',
);

export async function servedOpenApiDocument(): Promise<Record<string, unknown>> {
  const gateway = await startScratchGateway('openapi');
  try {
    const response = await fetch(`${gateway.running.url}/openapi.json`);
    if (!response.ok) throw new Error(`GET /openapi.json answered ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  } finally {
    await gateway.stop();
  }
}

/** How the snapshot is written: stable, two-space JSON with a final newline (what Prettier keeps). */
export function snapshotText(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
