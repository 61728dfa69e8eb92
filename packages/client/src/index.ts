/**
 * @cityledger/client — a typed client of the CityLedger gateway's REST API, generated from the
 * OpenAPI document the gateway serves at `/openapi.json`. Runs in Node 20 and in browsers.
 *
 * @example
 * import { GatewayClient, answerOf } from '@cityledger/client';
 *
 * const client = new GatewayClient({ baseUrl: 'http://localhost:3000', token });
 * const { channels } = await answerOf(client.api.GET('/api/v1/channels'));
 */
export { GatewayClient, answerOf, type ApiAnswer, type GatewayClientOptions } from './gateway-client';
export { GatewayError, UndocumentedRouteError } from './gateway-error';
export { documentedOperation, type HttpMethod } from './documented-operation';
export { OPERATIONS } from './operations';
export type { components, operations, paths } from './gateway-api';
