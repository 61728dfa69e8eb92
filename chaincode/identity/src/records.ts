/**
 * Ledger records and results of the identity contract. The `@Object` classes make the contract
 * metadata describe the API; their names are global in a chaincode process, hence the specific names.
 */
import { Object as DataType, Property } from 'fabric-contract-api';

export const DID_TYPES = ['person', 'organisation', 'device'] as const;
export type DidType = (typeof DID_TYPES)[number];
export type DidStatus = 'active' | 'deactivated';

@DataType()
export class VerificationKey {
  /** `<did>#key-<n>`, n counting from 1. */
  @Property() keyId!: string;
  /** SPKI PEM of a P-256 public key. */
  @Property() publicKeyPem!: string;
  @Property() validFrom!: string;
  /** Absent while the key is current; set when the key is rotated out or the DID deactivated. */
  @Property('validUntil', 'string') validUntil?: string;
}

@DataType()
export class PersonProfile {
  /** SHA-256 (hex) of the canonical JSON of the personal data kept in the CityPersonalData collection. */
  @Property() personalDataHash!: string;
}

@DataType()
export class OrganisationProfile {
  @Property() mspId!: string;
  @Property() name!: string;
}

@DataType()
export class DeviceProfile {
  @Property() kind!: string;
  @Property() ownerDid!: string;
  @Property('metrics', 'string[]') metrics!: string[];
  @Property() feedId!: string;
}

@DataType()
export class DidDocument {
  @Property() did!: string;
  /** person, organisation or device. */
  @Property() didType!: string;
  /** The MSP ID whose members may change this DID. */
  @Property() controller!: string;
  /** active or deactivated. */
  @Property() status!: string;
  @Property('verificationKeys', 'VerificationKey[]') verificationKeys!: VerificationKey[];
  @Property() created!: string;
  @Property() updated!: string;
  @Property('deactivatedAt', 'string') deactivatedAt?: string;
  @Property('deactivationReason', 'string') deactivationReason?: string;
  @Property('person', 'PersonProfile') person?: PersonProfile;
  @Property('organisation', 'OrganisationProfile') organisation?: OrganisationProfile;
  @Property('device', 'DeviceProfile') device?: DeviceProfile;
}

@DataType()
export class DidDocumentPage {
  @Property('records', 'DidDocument[]') records!: DidDocument[];
  @Property() bookmark!: string;
  @Property() fetchedRecordsCount!: number;
}

@DataType()
export class DidHistoryEntry {
  @Property() txId!: string;
  @Property() timestamp!: string;
  @Property() isDelete!: boolean;
  @Property('value', 'DidDocument') value?: DidDocument | null;
}

@DataType()
export class DidValidity {
  @Property() valid!: boolean;
  /** unknown-did or did-deactivated. */
  @Property('reason', 'string') reason?: string;
  @Property('didType', 'string') didType?: string;
  @Property('controller', 'string') controller?: string;
}

/** Personal data of a citizen: only in the City's private data collection, never on the public ledger. */
@DataType()
export class PersonalData {
  @Property() name!: string;
  /** YYYY-MM-DD */
  @Property() birthDate!: string;
  @Property() address!: string;
  /** 16..64 random bytes as hex, chosen by the registrar, so the public hash cannot be found by guessing. */
  @Property() salt!: string;
}

@DataType()
export class PersonalDataCheck {
  @Property() did!: string;
  @Property() matches!: boolean;
}

/** What StorePersonalData wrote: the hash RegisterPerson / UpdatePersonalData then record publicly. */
@DataType()
export class StoredPersonalData {
  @Property() did!: string;
  /** SHA-256 (hex) of the stored bytes, equal to the collection's on-ledger hash. */
  @Property() personalDataHash!: string;
}

@DataType()
export class Credential {
  @Property() credentialId!: string;
  @Property() credentialType!: string;
  @Property() subjectDid!: string;
  @Property() issuerMsp!: string;
  @Property() validFrom!: string;
  @Property() validUntil!: string;
  /** Extra public claims (e.g. a district); never personal data. */
  @Property('claims', 'Map<string, string>') claims!: Record<string, string>;
  /** active or revoked. */
  @Property() status!: string;
  @Property() issuedAt!: string;
  @Property('revokedAt', 'string') revokedAt?: string;
  @Property('revocationReason', 'string') revocationReason?: string;
}

@DataType()
export class CredentialPage {
  @Property('records', 'Credential[]') records!: Credential[];
  @Property() bookmark!: string;
  @Property() fetchedRecordsCount!: number;
}

@DataType()
export class CredentialHistoryEntry {
  @Property() txId!: string;
  @Property() timestamp!: string;
  @Property() isDelete!: boolean;
  @Property('value', 'Credential') value?: Credential | null;
}

@DataType()
export class CredentialValidity {
  @Property() valid!: boolean;
  /** unknown-did, did-deactivated, no-credential, revoked, expired or not-yet-valid. */
  @Property('reason', 'string') reason?: string;
  @Property('credentialId', 'string') credentialId?: string;
}
