/**
 * What benchmarks share, importable as `@cityledger/network/bench`: this machine's ECDSA rates
 * (so figures from different machines compare) and the statistics every bench prints.
 */
export { type CryptoBaseline, measureCryptoBaseline } from './crypto-baseline';
export { formatRate, percentile } from './statistics';
