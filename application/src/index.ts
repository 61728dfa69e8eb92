/**
 * @cityledger/application — the gateway, to run in-process: read the configuration from an
 * environment the way `npm start` does, then start the server on it. `main.ts` is the same in
 * ten lines, with logging and signal handling.
 */
export { ConfigError, type GatewayConfig, loadGatewayConfig } from './config/gateway-config';
export { type RunningGateway, startGatewayServer } from './server/gateway-server';
