import { TelemetryContract } from './telemetry-contract';

export { TelemetryContract } from './telemetry-contract';
export * from './records';

/** Loaded by `fabric-chaincode-node start` and by the embedded network. */
export const contracts = [TelemetryContract];
