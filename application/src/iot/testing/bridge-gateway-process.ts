// A gateway with the IoT bridge as its own process, for tests that kill it (-9) and restart it.
// Environment: IOT_TEST_DATA_DIR (required), IOT_TEST_SETTINGS (JSON of the bridge settings),
// EMBEDDED_CHAINCODE_RUNTIME (`worker` or, by default here, `in-process`).
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL || 'critical';
import { sizeThreadPool } from '../../server/thread-pool-size';
// As main.ts does, before anything starts libuv's thread pool.
sizeThreadPool();

import { startBridgeGateway } from './bridge-gateway';

async function main(): Promise<void> {
  const dataDir = process.env.IOT_TEST_DATA_DIR;
  if (!dataDir) throw new Error('IOT_TEST_DATA_DIR is not set');
  const gateway = await startBridgeGateway({
    dataDir,
    iot: JSON.parse(process.env.IOT_TEST_SETTINGS ?? '{}'),
    chaincodeRuntime: process.env.EMBEDDED_CHAINCODE_RUNTIME === 'worker' ? 'worker' : 'in-process',
  });
  process.stdout.write(`${JSON.stringify({ url: gateway.url, mqttPort: gateway.bridge.mqttPort })}\n`);
  process.on('SIGTERM', () => {
    gateway.stop({ keepData: true }).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
