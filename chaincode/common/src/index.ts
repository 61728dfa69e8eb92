/**
 * @cityledger/chaincode-common — what every CityLedger contract shares: access control (role and DID), argument
 * validation, errors with stable codes, canonical JSON, keys and queries, transaction time, events
 * and the identity chaincode client. Test doubles live in `@cityledger/chaincode-common/testing`.
 */
export * from './errors';
export * from './access';
export * from './caller-did';
export * from './arguments';
export * from './canonical-json';
export * from './state';
export * from './queries';
export * from './time';
export * from './events';
export * from './identity-client';
