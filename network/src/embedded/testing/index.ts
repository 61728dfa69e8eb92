/**
 * Test support for code that runs on the embedded network, importable as
 * `@cityledger/network/testing`.
 */
export { startConsortiumNetwork, type ConsortiumNetwork } from './consortium-harness';
export { rejectionOf } from './test-helpers';
// A clock for the network's `now` option that moves only when the test moves it.
export { ManualClock } from './manual-clock';
// A small test consortium and a contract exercising every stub API, for tests of the network's clients.
export { AssetContract, assetContracts } from './asset-contract';
export { TEST_CONSORTIUM_YAML, startTestNetwork, testConsortium } from './test-network';
// Offline checks of a stopped network's data directory (crash tests): open a channel's ledger and
// compare its stored world state with the state its blocks replay to.
export { ChannelLedger } from '../ledger/channel-ledger';
export { type StateDifference, compareStateWithReplay } from '../audit/state-replay';
// One generation of each consortium's crypto material per process, copied into each data directory.
export { seedCryptoMaterial } from './shared-crypto';
