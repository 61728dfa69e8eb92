import { contracts as donationTracking } from '@cityledger/chaincode-donation-tracking';
import { contracts as energyTrading } from '@cityledger/chaincode-energy-trading';
import { contracts as identity } from '@cityledger/chaincode-identity';
import { contracts as landRegistry } from '@cityledger/chaincode-land-registry';
import { contracts as telemetry } from '@cityledger/chaincode-telemetry';
import { contracts as voting } from '@cityledger/chaincode-voting';
import type { ContractClass } from '@cityledger/network';

/** Each chaincode by the name the consortium gives it: its package, and the contracts it exports. */
const ALL: Record<string, { module: string; contracts: ReadonlyArray<ContractClass> }> = {
  identity: { module: '@cityledger/chaincode-identity', contracts: identity },
  telemetry: { module: '@cityledger/chaincode-telemetry', contracts: telemetry },
  'energy-trading': { module: '@cityledger/chaincode-energy-trading', contracts: energyTrading },
  'land-registry': { module: '@cityledger/chaincode-land-registry', contracts: landRegistry },
  voting: { module: '@cityledger/chaincode-voting', contracts: voting },
  'donation-tracking': { module: '@cityledger/chaincode-donation-tracking', contracts: donationTracking },
};

/** A package that exports no contract yet is left out, so its chaincode shows as defined but not installed. */
const INSTALLED = Object.entries(ALL).filter(([, { contracts }]) => contracts.length > 0);

/** The chaincode packages this gateway can install on the embedded network. */
export function installedChaincodes(): Record<string, ReadonlyArray<ContractClass>> {
  return Object.fromEntries(INSTALLED.map(([name, { contracts }]) => [name, contracts]));
}

/** Where a chaincode worker loads each installed chaincode from (the package's `contracts` export). */
export function installedChaincodeModules(): Record<string, { module: string }> {
  return Object.fromEntries(INSTALLED.map(([name, { module }]) => [name, { module }]));
}
