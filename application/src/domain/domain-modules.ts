import type { DomainModule } from './ledger-resource';
import { donationTrackingResources } from './donation-tracking/donation-tracking-resources';
import { energyTradingResources } from './energy-trading/energy-trading-resources';
import { identityResources } from './identity/identity-resources';
import { landRegistryResources } from './land-registry/land-registry-resources';
import { telemetryResources } from './telemetry/telemetry-resources';
import { votingResources } from './voting/voting-resources';

/**
 * The chaincodes with REST resources. A chaincode's module is only mounted when the chaincode is
 * installed on some channel; the generic API covers every installed chaincode either way.
 */
export const DOMAIN_MODULES: readonly DomainModule[] = [
  identityResources,
  telemetryResources,
  energyTradingResources,
  landRegistryResources,
  votingResources,
  donationTrackingResources,
];
