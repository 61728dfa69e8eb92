/**
 * Test support for code that runs on the embedded network, importable as
 * `@cityledger/network/dist/embedded/testing`.
 */
export { startConsortiumNetwork, type ConsortiumNetwork } from './consortium-harness';
export { rejectionOf } from './test-helpers';
export { seedCryptoMaterial } from './shared-crypto';
