/**
 * What benchmarks share, importable as `@cityledger/network/bench`: this machine's ECDSA rates
 * (so figures from different machines compare), the statistics every bench prints, and the report
 * of headline figures against their goals that `npm run bench` summarises.
 */
export { type BenchFigure, BenchReport, type Goal, atLeast, atMost, formatFigure } from './bench-report';
export { type CryptoBaseline, measureCryptoBaseline } from './crypto-baseline';
export { formatRate, percentile } from './statistics';
