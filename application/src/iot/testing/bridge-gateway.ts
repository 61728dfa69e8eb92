import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConsortium } from '@cityledger/network';
import { resolveJwtKeys } from '../../auth/jwt-keys';
import { issueToken } from '../../auth/token-issuer';
import { loadGatewayConfig } from '../../config/gateway-config';
import { createGateway } from '../../server/create-gateway';
import { EmbeddedLedgerConnector } from '../../ledger/embedded-connector';
import { installedChaincodeModules, installedChaincodes } from '../../ledger/installed-chaincodes';
import type { LedgerConnector } from '../../ledger/ledger-connector';
import { createJsonLogger } from '../../observability/logger';
import type { HttpAnswer } from '../../testing/test-gateway';
import type { IotBridge } from '../iot-bridge';
import { type IotBridgeSettings, iotBridgeConfigSchema } from '../iot-config';

export interface BridgeGateway {
  url: string;
  dataDir: string;
  bridge: IotBridge;
  ledger: LedgerConnector;
  token(sub: string, org: string, role: string): string;
  request(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<HttpAnswer>;
  /** Stops everything; the data directory is removed unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export interface BridgeGatewayOptions {
  /** Default: a new temporary directory. */
  dataDir?: string;
  port?: number;
  iot?: IotBridgeSettings;
  /** Puts something between the bridge and the ledger (e.g. a simulated outage). */
  wrapLedger?: (ledger: LedgerConnector) => LedgerConnector;
  logLevel?: 'silent' | 'debug' | 'info' | 'warn' | 'error';
  /** Default `in-process`, quicker to start for tests; the bench runs the gateway's default, `worker`. */
  chaincodeRuntime?: 'worker' | 'in-process';
}

/** A JWT secret for tests only: the child process and the test must mint the same tokens. */
export const TEST_JWT_SECRET = 'iot-bridge-tests-only-secret-0123456789abcdef';

/**
 * The gateway as the lead wires it, with the IoT bridge: the embedded network, the gateway's
 * express app, and the bridge's router mounted at /api/v1/iot ahead of token authentication,
 * on 127.0.0.1 (port 0 unless given). The embedded MQTT broker listens on an ephemeral port.
 */
export async function startBridgeGateway(options: BridgeGatewayOptions = {}): Promise<BridgeGateway> {
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cityledger-iot-'));
  const logLevel = options.logLevel ?? 'silent';
  const config = loadGatewayConfig({
    CITYLEDGER_DATA_DIR: dataDir,
    PORT: String(options.port ?? 0),
    HOST: '127.0.0.1',
    LOG_LEVEL: logLevel,
    JWT_SECRET: TEST_JWT_SECRET,
    RATE_LIMIT_PER_MINUTE: '0',
  });
  const logger = createJsonLogger(logLevel, (line) => process.stderr.write(line));
  const consortium = loadConsortium(config.consortiumFile);
  const jwtKeys = resolveJwtKeys(config);
  const embedded = await EmbeddedLedgerConnector.start({
    consortium,
    dataDir,
    chaincodes: installedChaincodes(),
    ...(options.chaincodeRuntime === 'worker' ? { chaincodeWorkers: installedChaincodeModules() } : {}),
    submissions: config.submissions,
  });
  const ledger = options.wrapLedger ? options.wrapLedger(embedded) : embedded;
  config.iot = iotBridgeConfigSchema.parse({
    ...config.iot,
    ...options.iot,
    mqtt: { ...config.iot.mqtt, port: 0, host: '127.0.0.1', ...options.iot?.mqtt },
  });
  // The gateway mounts its own bridge at /api/v1/iot, ahead of token authentication.
  const gateway = createGateway({ config, consortium, ledger, jwtKeys, logger });
  const bridge = gateway.iot;
  await bridge.start();
  const app = gateway.app;
  const server: Server = app.listen(config.port, config.host);
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const readerToken = issueToken(jwtKeys, { userId: 'audrey', mspId: 'AuditorMSP', role: 'auditor' }, 3600);

  return {
    url,
    dataDir,
    bridge,
    ledger,
    token: (sub, org, role) => issueToken(jwtKeys, { userId: sub, mspId: org, role }, 3600),
    async request(method, path, requestOptions = {}) {
      const headers: Record<string, string> = {};
      // Reading lookups need a token; an auditor's is used when a test names none.
      const token = requestOptions.token ?? readerToken;
      headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (requestOptions.body !== undefined) {
        body =
          typeof requestOptions.body === 'string' ? requestOptions.body : JSON.stringify(requestOptions.body);
        headers['content-type'] = 'application/json';
      }
      const response = await fetch(`${url}${path}`, { method, headers, body });
      const text = await response.text();
      const parsed: unknown = (response.headers.get('content-type') ?? '').includes('json')
        ? JSON.parse(text)
        : text;
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async stop(stopOptions = {}) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      gateway.closeEventStreams();
      server.closeAllConnections();
      await closed;
      await bridge.stop();
      await embedded.close();
      if (temporary && !stopOptions.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
