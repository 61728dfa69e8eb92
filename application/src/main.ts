// Contract routing logs every decorator at info level; keep the chaincode shim quiet unless asked.
// Set before any chaincode module loads (the imports below load them).
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL || 'warning';
import { sizeThreadPool } from './server/thread-pool-size';
// Before anything starts libuv's thread pool.
sizeThreadPool();

import { ConfigError, loadGatewayConfig } from './config/gateway-config';
import { createJsonLogger } from './observability/logger';
import { startGatewayServer } from './server/gateway-server';

// fabric-shim's logger, loaded with the embedded network's chaincode runtime, logs uncaught
// exceptions and lets the process go on (winston `handleExceptions`, `exitOnError: false`). A
// gateway in a state nobody foresaw stops instead, for its supervisor to restart it: whatever it
// acknowledged is already on disk.
process.on('uncaughtException', (error) => {
  process.stderr.write(`the gateway stopped on an uncaught exception: ${error.stack ?? String(error)}\n`);
  process.exit(1);
});

async function main(): Promise<void> {
  let config;
  try {
    config = loadGatewayConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee docs/operations.md for every variable.\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createJsonLogger(config.logLevel);
  const running = await startGatewayServer({ config, logger });
  const { url, jwtKeys, ledger } = running;
  const readiness = ledger.readiness();

  if (jwtKeys.secretFile?.created) {
    logger.warn('JWT_SECRET is not set: generated an HS256 secret for this data directory', {
      file: jwtKeys.secretFile.path,
    });
  } else if (jwtKeys.secretFile) {
    logger.info('JWT_SECRET is not set: using the generated secret of this data directory', {
      file: jwtKeys.secretFile.path,
    });
  }
  logger.info('gateway started', {
    url,
    dataDir: config.dataDir,
    ...(jwtKeys.kind === 'provider' ? { jwksUrl: jwtKeys.keySet.url } : { jwtAlgorithm: jwtKeys.algorithm }),
    channels: readiness.channels,
    ...(readiness.ready ? {} : { notReady: readiness.problems }),
  });
  process.stdout.write(
    [
      '',
      `CityLedger gateway on ${url}`,
      `  API       ${url}/api/v1   (Authorization: Bearer <token>)`,
      `  OpenAPI   ${url}/openapi.json`,
      `  Docs      ${url}/docs     (API walkthrough: docs/api.md)`,
      `  Dashboard ${url}/`,
      `  Health    ${url}/healthz  ${url}/readyz  ${url}/metrics`,
      `  Devices   POST ${url}/api/v1/iot/readings` +
        (running.gateway.iot.mqttPort ? `   MQTT port ${running.gateway.iot.mqttPort} (docs/iot.md)` : ''),
      `  Token     npm run token -- --sub alice --org CityMSP --role registrar`,
      `  Data      ${config.dataDir}`,
      '',
    ].join('\n') + '\n',
  );

  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) {
      logger.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    logger.info('shutting down', { signal });
    running.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `the gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
