import { join } from 'node:path';
import express, { type Express } from 'express';
import type { Consortium } from '@cityledger/network';
import { authenticate } from '../auth/authenticate';
import { ChannelAccess } from '../auth/channel-access';
import type { JwtKeys } from '../auth/jwt-keys';
import { createTokenVerifier } from '../auth/token-verifier';
import { ChaincodeInvoker } from '../chaincode-api/chaincode-invoker';
import { addChaincodeRoutes } from '../chaincode-api/chaincode-routes';
import { BookmarkSeal, PageBookmarks, bookmarkKey } from '../chaincode-api/page-bookmarks';
import { TransactionStatusBook } from '../chaincode-api/transaction-status';
import type { GatewayConfig } from '../config/gateway-config';
import { DOMAIN_MODULES } from '../domain/domain-modules';
import { LedgerResources } from '../domain/ledger-resource';
import { NotFoundError } from '../errors/gateway-errors';
import { addEventRoutes } from '../events/event-routes';
import { EventStreams } from '../events/ledger-event-stream';
import { DurableRecordStore } from '../idempotency/durable-records';
import { IdempotencyStore } from '../idempotency/idempotency-store';
import { ExplorerIndexes } from '../explorer/explorer-index';
import { addExplorerRoutes } from '../explorer/explorer-routes';
import type { LedgerConnector } from '../ledger/ledger-connector';
import { GatewayMetrics } from '../observability/gateway-metrics';
import type { Logger } from '../observability/logger';
import { createDashboardRouter } from '../dashboard-host/dashboard-routes';
import { buildOpenApiDocument } from '../openapi/openapi-document';
import { ApiRouter } from '../http/api-router';
import { type IotBridge, createIotBridge } from '../iot/iot-bridge';
import { addBallotBoxRoutes } from '../voting-booth/ballot-box-routes';
import { errorResponder } from '../http/error-response';
import { operationsRoutes } from '../http/operations-routes';
import { rateLimit } from '../http/rate-limit';
import { requestLogging } from '../http/request-logging';

export interface GatewayDependencies {
  config: GatewayConfig;
  consortium: Consortium;
  ledger: LedgerConnector;
  jwtKeys: JwtKeys;
  logger: Logger;
  version?: string;
}

export interface Gateway {
  app: Express;
  metrics: GatewayMetrics;
  /** Device readings over HTTP and MQTT; started and stopped with the server. */
  iot: IotBridge;
  /** Closes the store of idempotent answers and transaction statuses, once no request runs. */
  closeRecords(): Promise<void>;
  /**
   * Ends open event streams, which would otherwise keep the HTTP server from closing, and the
   * explorer index's block subscriptions, before the ledger closes under them.
   */
  closeEventStreams(): void;
}

/**
 * Builds the gateway's express app over a ledger connector; the caller decides where it listens
 * (tests use port 0). Request flow: logging → rate limit → token → JSON body → channel membership →
 * validated operation → invoker → ledger connector; every error ends in the one error responder.
 */
export function createGateway(deps: GatewayDependencies): Gateway {
  const { config, consortium, ledger, logger } = deps;
  const channels = consortium.channelNames();
  const metrics = new GatewayMetrics(ledger, channels);
  const access = new ChannelAccess(consortium);
  // Kept in the data directory, so that a restarted gateway still replays answers and statuses.
  const records = new DurableRecordStore(join(config.dataDir, 'gateway-records'), {
    retentionMs: config.http.idempotencyRetentionMs,
    now: Date.now,
  });
  const statuses = new TransactionStatusBook(records.records('transaction-status'), ledger);
  const invoker = new ChaincodeInvoker(ledger, access, metrics, statuses);
  const bookmarkSeal = new BookmarkSeal(
    bookmarkKey({ secret: config.http.bookmarkSecret, dataDir: config.dataDir }),
  );
  const bookmarks = new PageBookmarks(bookmarkSeal, (channel) => ledger.chaincodes(channel));
  const streams = new EventStreams(ledger, config.http.sseKeepAliveMs, (channel, delta) =>
    metrics.eventStreams.inc({ channel }, delta),
  );
  const peerOrganizations = new Set(consortium.peerOrganizations().map((org) => org.mspId));
  const verifyToken = createTokenVerifier(deps.jwtKeys, peerOrganizations, [config.iot.serviceUserId]);
  const iot = createIotBridge({
    ledger,
    dataDir: config.dataDir,
    config: config.iot,
    consortium,
    logger,
    metrics,
  });

  const api = new ApiRouter({
    basePath: '/api/v1',
    access,
    authenticate: authenticate(verifyToken),
    rateLimit: rateLimit(config.http.rateLimitPerMinute),
    bodyLimitBytes: config.http.bodyLimitBytes,
    idempotency: new IdempotencyStore(records.records('idempotency')),
  });
  addChaincodeRoutes(api, { invoker, ledger, access, statuses, bookmarks });
  addEventRoutes(api, { streams });
  const explorerIndexes = new ExplorerIndexes(ledger);
  explorerIndexes.start(channels);
  addExplorerRoutes(api, { ledger, access, indexes: explorerIndexes, bookmarkSeal });
  iot.addRoutes(api);
  addBallotBoxRoutes(api, invoker);
  const installed = new Set(
    channels.flatMap((c) =>
      ledger
        .chaincodes(c)
        .filter((cc) => cc.installed)
        .map((cc) => cc.name),
    ),
  );
  for (const module of DOMAIN_MODULES) {
    if (installed.has(module.chaincode)) {
      module.register(new LedgerResources(api, invoker, bookmarks, module.chaincode, module.tag));
    }
  }

  let openApi: unknown;
  const openApiDocument = () =>
    (openApi ??= buildOpenApiDocument({
      title: 'CityLedger gateway',
      version: deps.version ?? '0.1.0',
      operations: api.operations,
      chaincodesByChannel: Object.fromEntries(channels.map((c) => [c, ledger.chaincodes(c)])),
    }));

  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogging(logger, metrics, ['/api/v1/ballot-box/']));
  app.use(operationsRoutes({ ledger, metrics, openApiDocument }));
  app.use(createDashboardRouter());
  app.use('/api/v1', api.router);
  app.use((req, _res, next) =>
    next(new NotFoundError(`no route ${req.method} ${req.path}`, 'UNKNOWN_ROUTE')),
  );
  app.use(errorResponder(logger, config.http.bodyLimitBytes));

  return {
    app,
    metrics,
    iot,
    closeRecords: () => records.close(),
    closeEventStreams: () => {
      streams.closeAll();
      explorerIndexes.close();
    },
  };
}
