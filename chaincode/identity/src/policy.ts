/**
 * Who may register which device and issue which credential. Documented in docs/contracts/identity.md.
 */
import { MSP, ROLE, type CallerRule } from '@cityledger/chaincode-common';
import type { DidType } from './records';

/** Device kind → the org whose operators register such devices. */
export const DEVICE_KIND_OWNERS: Readonly<Record<string, string>> = {
  'smart-meter': MSP.Utility,
  'ev-charger': MSP.Utility,
  'air-quality-sensor': MSP.City,
  'water-level-sensor': MSP.City,
  'noise-sensor': MSP.City,
  'traffic-counter': MSP.City,
};
export const DEVICE_KINDS = Object.keys(DEVICE_KIND_OWNERS);

export interface CredentialPolicy {
  issuer: { mspId: string; role: string };
  subjectTypes: readonly DidType[];
}

export const CREDENTIAL_POLICIES: Readonly<Record<string, CredentialPolicy>> = {
  resident: { issuer: { mspId: MSP.City, role: ROLE.Registrar }, subjectTypes: ['person'] },
  'eligible-voter': { issuer: { mspId: MSP.City, role: ROLE.Registrar }, subjectTypes: ['person'] },
  'property-owner': {
    issuer: { mspId: MSP.City, role: ROLE.Registrar },
    subjectTypes: ['person', 'organisation'],
  },
  prosumer: { issuer: { mspId: MSP.Utility, role: ROLE.Operator }, subjectTypes: ['person', 'organisation'] },
};
export const CREDENTIAL_TYPES = Object.keys(CREDENTIAL_POLICIES);

export const CITY_REGISTRAR: CallerRule = { mspIds: [MSP.City], roles: [ROLE.Registrar] };
/** Orgs that register devices; the device kind then narrows it to one org. */
export const DEVICE_OPERATORS: CallerRule = { mspIds: [MSP.City, MSP.Utility], roles: [ROLE.Operator] };
/** Orgs that may have an organisation DID registered by their admin or registrar. The auditor writes nothing. */
export const ORGANISATION_REGISTRARS: CallerRule = {
  mspIds: [MSP.City, MSP.Utility, MSP.Community],
  roles: [ROLE.Admin, ROLE.Registrar],
};
export const CREDENTIAL_ISSUERS: CallerRule[] = Object.values(CREDENTIAL_POLICIES)
  .map((p) => ({ mspIds: [p.issuer.mspId], roles: [p.issuer.role] }))
  .filter(
    (rule, i, all) =>
      all.findIndex((r) => r.mspIds[0] === rule.mspIds[0] && r.roles[0] === rule.roles[0]) === i,
  );

/** Who may deactivate a DID of each type (then only for DIDs the caller's org controls). */
export const DEACTIVATORS: Readonly<Record<DidType, CallerRule>> = {
  person: CITY_REGISTRAR,
  organisation: ORGANISATION_REGISTRARS,
  device: DEVICE_OPERATORS,
};

/** Name of the City's private data collection (network/consortium.yaml). */
export const PERSONAL_DATA_COLLECTION = 'CityPersonalData';
/** Transient map key carrying a person's data. */
export const PERSON_TRANSIENT_KEY = 'person';
