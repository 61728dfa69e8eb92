import { canonicalJson } from '@cityledger/chaincode-common';
import type { DeviceReading } from './reading-schema';

/**
 * The bytes a device signs: the canonical JSON (keys sorted, no whitespace, UTF-8) of the
 * reading without `signature`. The chaincodes and any auditor recompute exactly these bytes.
 */
export function signedBytesOf(reading: Omit<DeviceReading, 'signature'> | DeviceReading): Buffer {
  const { signature: _signature, ...signed } = reading as DeviceReading;
  return Buffer.from(canonicalJson(signed), 'utf8');
}
