import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContractClass } from '@cityledger/network';
import { type GatewayConfig, loadGatewayConfig } from '../config/gateway-config';
import { createJsonLogger } from '../observability/logger';
import { type RunningGateway, startGatewayServer } from './gateway-server';

export interface ScratchGateway {
  running: RunningGateway;
  dataDir: string;
  /** Stops the gateway, then deletes its data directory. */
  stop(): Promise<void>;
}

export interface ScratchGatewayOptions {
  /** Adds to or overrides the gateway's configuration. */
  env?: Record<string, string>;
  /** Default: every chaincode package that exports contracts. */
  chaincodes?: Record<string, ReadonlyArray<ContractClass>>;
  /** The clock proposals are stamped with; default the wall clock. */
  now?: () => number;
  /** Fills the gateway's data directory (`config.dataDir`) before the gateway starts on it. */
  prepareDataDir?: (config: GatewayConfig) => Promise<void>;
}

/**
 * A silent gateway on the embedded network that leaves nothing behind: its ledger lives in a
 * fresh temporary directory (named after `purpose`) that `stop` removes, and it listens on a free
 * port of 127.0.0.1, its MQTT broker on a free port too, so several can run side by side. For the
 * embedded demo and the tests.
 */
export async function startScratchGateway(
  purpose: string,
  { env = {}, chaincodes, now, prepareDataDir }: ScratchGatewayOptions = {},
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
  let running: RunningGateway;
  try {
    await prepareDataDir?.(config);
    running = await startGatewayServer({
      config,
      logger: createJsonLogger('silent'),
      ...(chaincodes ? { chaincodes } : {}),
      ...(now ? { now } : {}),
    });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    running,
    dataDir,
    async stop() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
