import type { DomainModule } from './ledger-resource';
import { identityResources } from './identity/identity-resources';
import { telemetryResources } from './telemetry/telemetry-resources';

/**
 * The chaincodes with REST resources. A chaincode's module is only mounted when the chaincode is
 * installed on some channel; the generic API covers every installed chaincode either way.
 */
export const DOMAIN_MODULES: readonly DomainModule[] = [identityResources, telemetryResources];
