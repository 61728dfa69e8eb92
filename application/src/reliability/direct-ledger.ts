import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConsortium } from '@cityledger/network';
import { loadGatewayConfig } from '../config/gateway-config';
import type { LedgerConnector } from '../ledger/ledger-connector';
import { createJsonLogger } from '../observability/logger';
import { startLedger } from '../server/gateway-server';
import { CHILD_JWT_SECRET } from './child-gateway';

export interface DirectLedger {
  connector: LedgerConnector;
  /** Closes the connector, then deletes its data directory. */
  stop(): Promise<void>;
}

/**
 * The very ledger connector a gateway started with `env` would use, in this process over a data
 * directory of its own (named after `purpose`): a bench's connector-direct phase submits to it, so
 * that what the REST path costs shows beside the same submissions without HTTP, tokens and
 * validation. The gateway's submission limits come from `env` too, so both paths queue alike.
 */
export async function startDirectLedger(purpose: string, env: Record<string, string>): Promise<DirectLedger> {
  const dataDir = mkdtempSync(join(tmpdir(), `cityledger-${purpose}-`));
  try {
    const config = loadGatewayConfig({ ...env, JWT_SECRET: CHILD_JWT_SECRET, CITYLEDGER_DATA_DIR: dataDir });
    const connector = await startLedger(
      config,
      loadConsortium(config.consortiumFile),
      createJsonLogger('silent'),
    );
    return {
      connector,
      async stop() {
        await connector.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
