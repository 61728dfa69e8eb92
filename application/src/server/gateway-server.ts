import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Consortium, type ContractClass, loadConsortium } from '@cityledger/network';
import { type JwtKeys, resolveJwtKeys } from '../auth/jwt-keys';
import type { GatewayConfig } from '../config/gateway-config';
import { type Gateway, createGateway } from './create-gateway';
import { answerOversizedRequests } from '../http/oversized-request';
import { EmbeddedLedgerConnector } from '../ledger/embedded-connector';
import { installedChaincodeModules, installedChaincodes } from '../ledger/installed-chaincodes';
import type { LedgerConnector } from '../ledger/ledger-connector';
import type { Logger } from '../observability/logger';
import { type FrontDoor, openFrontDoor, privateSocketPath } from './front-door';

export interface RunningGateway {
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  server: Server;
  gateway: Gateway;
  ledger: LedgerConnector;
  jwtKeys: JwtKeys;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), then stops the ledger. */
  stop(): Promise<void>;
}

/**
 * The configured ledger: the embedded network with every installed chaincode, or the running Fabric
 * network of FABRIC_NETWORK_DIR. The Fabric connector is loaded only then: fabric-gateway brings its
 * own copy of the Fabric protobuf classes, which must not replace the embedded network's.
 */
export async function startLedger(
  config: GatewayConfig,
  consortium: Consortium,
  logger: Logger,
  embedded: Pick<EmbeddedServerOptions, 'chaincodes' | 'now'> = {},
): Promise<LedgerConnector> {
  const { submissions, requiredChaincodes } = config;
  if (config.ledger.kind === 'fabric') {
    const { FabricLedgerConnector } = await import('../ledger/fabric/fabric-connector.js');
    return FabricLedgerConnector.start({
      consortium,
      networkDir: config.ledger.networkDir,
      submissions,
      requiredChaincodes,
      logger,
    });
  }
  // A worker loads chaincode packages by name, so only the installed packages can run in workers.
  const workers = config.ledger.chaincodeRuntime === 'worker' && !embedded.chaincodes;
  return EmbeddedLedgerConnector.start({
    consortium,
    dataDir: config.dataDir,
    chaincodes: embedded.chaincodes ?? installedChaincodes(),
    ...(workers ? { chaincodeWorkers: installedChaincodeModules() } : {}),
    submissions,
    requiredChaincodes,
    ...(embedded.now ? { now: embedded.now } : {}),
  });
}

/** What only a gateway on the embedded network takes. */
interface EmbeddedServerOptions {
  /** Default: every chaincode package that exports contracts. */
  chaincodes?: Record<string, ReadonlyArray<ContractClass>>;
  /** The clock the gateway stamps proposals with (the time chaincode sees); tests advance one. */
  now?: () => number;
}

/** Starts the configured ledger (embedded network or Fabric) and the gateway on the configured port. */
export async function startGatewayServer(
  options: { config: GatewayConfig; logger: Logger } & EmbeddedServerOptions,
): Promise<RunningGateway> {
  const { config, logger } = options;
  const consortium = loadConsortium(config.consortiumFile);
  const jwtKeys = resolveJwtKeys(config);
  const ledger = await startLedger(config, consortium, logger, options);
  let gateway: Gateway | undefined;
  let server: Server;
  let frontDoor: FrontDoor | undefined;
  const { http } = config;
  try {
    gateway = createGateway({ config, consortium, ledger, jwtKeys, logger });
    await gateway.iot.start();
    // With the front door, only it connects here (a private socket); it appends the client's
    // address as the one hop to trust, and reuses its connections indefinitely, which a
    // keep-alive timeout would race.
    const upstreamSocket = http.frontDoor === 'thread' ? privateSocketPath(config.dataDir) : undefined;
    if (upstreamSocket) {
      gateway.app.set('trust proxy', 1);
      server = gateway.app.listen(upstreamSocket);
      server.keepAliveTimeout = 0;
    } else {
      server = gateway.app.listen(config.port, config.host, http.listenBacklog);
      server.keepAliveTimeout = http.keepAliveTimeoutMs;
      server.headersTimeout = http.keepAliveTimeoutMs + 1_000;
    }
    answerOversizedRequests(server);
    await once(server, 'listening');
    if (upstreamSocket) {
      frontDoor = await openFrontDoor({
        host: config.host,
        port: config.port,
        backlog: http.listenBacklog,
        keepAliveTimeoutMs: http.keepAliveTimeoutMs,
        upstreamSocket,
        upstreamConnections: http.gatewayConnections,
      });
    }
  } catch (error) {
    await gateway?.iot.stop();
    await gateway?.closeRecords();
    await ledger.close();
    throw error;
  }
  const port = frontDoor ? frontDoor.port : (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), http.shutdownTimeoutMs).unref(),
      );
      gateway.closeEventStreams();
      // The front door first: it stops accepting and waits for its requests, which the gateway answers.
      const doorClosed = frontDoor?.close(timeout) ?? Promise.resolve();
      const closed = doorClosed.then(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          }),
      );
      if ((await Promise.race([closed, timeout])) === 'timeout') {
        logger.warn('shutdown timeout: closing connections with requests still in flight');
        server.closeAllConnections();
        await closed;
      }
      await gateway.iot.stop();
      await gateway.closeRecords();
      await ledger.close();
    })());

  return { url: `http://${host}:${port}`, server, gateway, ledger, jwtKeys, stop };
}
