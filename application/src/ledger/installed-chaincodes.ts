import { contracts as donationTracking } from '@cityledger/chaincode-donation-tracking';
import { contracts as energyTrading } from '@cityledger/chaincode-energy-trading';
import { contracts as identity } from '@cityledger/chaincode-identity';
import { contracts as landRegistry } from '@cityledger/chaincode-land-registry';
import { contracts as telemetry } from '@cityledger/chaincode-telemetry';
import { contracts as voting } from '@cityledger/chaincode-voting';
import type { ContractClass } from '@cityledger/network';

const ALL: Record<string, ReadonlyArray<ContractClass>> = {
  identity,
  telemetry,
  'energy-trading': energyTrading,
  'land-registry': landRegistry,
  voting,
  'donation-tracking': donationTracking,
};

/**
 * The chaincode packages this gateway can install on the embedded network, by the name the
 * consortium gives them. A package that exports no contract yet is left out, so its chaincode
 * shows as defined but not installed.
 */
export function installedChaincodes(): Record<string, ReadonlyArray<ContractClass>> {
  return Object.fromEntries(Object.entries(ALL).filter(([, contracts]) => contracts.length > 0));
}
