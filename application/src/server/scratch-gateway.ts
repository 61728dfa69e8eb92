import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContractClass } from '@cityledger/network';
import { loadGatewayConfig } from '../config/gateway-config';
import { createJsonLogger } from '../observability/logger';
import { type RunningGateway, startGatewayServer } from './gateway-server';

export interface ScratchGateway {
  running: RunningGateway;
  dataDir: string;
  /** Stops the gateway, then deletes its data directory. */
  stop(): Promise<void>;
}

/**
 * A silent gateway on the embedded network that leaves nothing behind: its ledger lives in a
 * fresh temporary directory (named after `purpose`) that `stop` removes, and it listens on a free
 * port of 127.0.0.1, its MQTT broker on a free port too, so several can run side by side. `env`
 * adds to or overrides that configuration. For the embedded demo and the tests.
 */
export async function startScratchGateway(
  purpose: string,
  env: Record<string, string> = {},
  chaincodes?: Record<string, ReadonlyArray<ContractClass>>,
  /** The clock proposals are stamped with; default the wall clock. */
  now?: () => number,
): Promise<ScratchGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), `cityledger-${purpose}-`));
  const config = loadGatewayConfig({
    CITYLEDGER_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    MQTT_PORT: '0',
    ...env,
  });
  const running = await startGatewayServer({
    config,
    logger: createJsonLogger('silent'),
    ...(chaincodes ? { chaincodes } : {}),
    ...(now ? { now } : {}),
  });
  return {
    running,
    dataDir,
    async stop() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
