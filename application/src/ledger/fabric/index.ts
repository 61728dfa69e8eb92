/**
 * The gateway's Fabric connection pieces, importable as `@cityledger/application/fabric` so a
 * bare Fabric Gateway client (the Fabric benchmark) connects exactly the way the gateway does.
 */
export { type GatewayCredentials, gatewayCredentialsOf } from './gateway-identity';
export { PeerConnections } from './peer-connections';
