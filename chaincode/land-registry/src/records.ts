/**
 * Ledger records and query results of the land-registry contract. The `@Object` classes make the
 * contract metadata describe the API. fabric-contract-api keeps object types in one registry per
 * Node process (the embedded network loads every chaincode into one), so the names carry a
 * land-registry specific prefix or noun.
 */
import { Object as DataType, Property } from 'fabric-contract-api';

export const LAND_USES = [
  'residential',
  'commercial',
  'industrial',
  'mixed-use',
  'agricultural',
  'forest',
  'public',
  'recreational',
  'transport',
  'water',
] as const;
export type LandUse = (typeof LAND_USES)[number];

export type ParcelStatus = 'active' | 'retired';

export const ENCUMBRANCE_KINDS = ['mortgage', 'lien', 'easement'] as const;
export type EncumbranceKind = (typeof ENCUMBRANCE_KINDS)[number];
/** Encumbrances whose holder must consent before a title may change hands. */
export const BLOCKING_ENCUMBRANCE_KINDS: readonly EncumbranceKind[] = ['mortgage', 'lien'];

export const DOCUMENT_TYPES = [
  'deed',
  'survey',
  'court-order',
  'mortgage-deed',
  'lien-notice',
  'easement-deed',
  'other',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export type TransferStatus = 'open' | 'approved' | 'rejected' | 'withdrawn';
export type ConsentCapacity = 'seller' | 'buyer' | 'encumbrance-holder';

/** A share of a title: `shares` parts per 10,000 held by `did`. */
@DataType()
export class TitleShare {
  @Property() did: string = '';
  /** Parts per 10,000 (SHARE_DENOMINATOR); the shares of a title add up to exactly 10,000. */
  @Property() shares: number = 0;
}

/** Where a parcel lies: a GeoJSON polygon, or only its hash plus a reference to the survey holding it. */
@DataType()
export class ParcelLocation {
  /** Canonical JSON of the GeoJSON Polygon; absent when only the hash is on the ledger. */
  @Property() geometry?: string;
  /** SHA-256 (hex) of the canonical JSON of the polygon. */
  @Property() geometryHash: string = '';
  /** Where the full geometry is kept (survey number, archive reference), when it is not on the ledger. */
  @Property() geometryRef?: string;
}

@DataType()
export class LandParcel {
  /** Cadastral id. */
  @Property() parcelId: string = '';
  @Property('location', 'ParcelLocation') location: ParcelLocation = new ParcelLocation();
  /** Area in whole square metres, so that subdivision and merge conserve it exactly. */
  @Property() areaM2: number = 0;
  @Property() landUse: string = '';
  /** Zoning code of the municipal plan (e.g. R2); '' when none. */
  @Property() zoning: string = '';
  /** active, or retired by a subdivision or merge (never deleted). */
  @Property() status: string = '';
  /** Parcels this one was split or merged from. */
  @Property('parentIds', 'string[]') parentIds: string[] = [];
  /** Parcels this one was split or merged into, once retired. */
  @Property('childIds', 'string[]') childIds: string[] = [];
  /** subdivision or merge, once retired. */
  @Property() retiredBy?: string;
  @Property() retiredAt?: string;
  @Property() registeredAt: string = '';
  @Property() updatedAt: string = '';
}

@DataType()
export class LandTitle {
  @Property() parcelId: string = '';
  /** Sorted by DID; shares add up to 10,000. */
  @Property('owners', 'TitleShare[]') owners: TitleShare[] = [];
  /** registration, transfer, subdivision or merge. */
  @Property() acquiredBy: string = '';
  /** The approved transfer that produced this title. */
  @Property() transferId?: string;
  /** Deed, survey or court order behind the change. */
  @Property() documentHash: string = '';
  @Property() since: string = '';
  @Property() txId: string = '';
}

@DataType()
export class TransferConsent {
  @Property() transferId: string = '';
  /** seller, buyer or encumbrance-holder. */
  @Property() capacity: string = '';
  @Property() did: string = '';
  /** The mortgage or lien whose holder consents (encumbrance-holder only). */
  @Property() encumbranceId?: string;
  @Property() at: string = '';
  @Property() txId: string = '';
}

/** A party whose consent a transfer still needs. */
@DataType()
export class PendingConsent {
  @Property() capacity: string = '';
  @Property() did: string = '';
  @Property() encumbranceId?: string;
}

@DataType()
export class ParcelTransfer {
  @Property() transferId: string = '';
  @Property() parcelId: string = '';
  /** The owners giving shares, with the shares each gives. */
  @Property('sellers', 'TitleShare[]') sellers: TitleShare[] = [];
  /** The buyers, with the shares each receives; same total as the sellers. */
  @Property('buyers', 'TitleShare[]') buyers: TitleShare[] = [];
  /** Price in minor currency units (e.g. cents); 0 for a gift. */
  @Property() price: number = 0;
  /** ISO 4217 code. */
  @Property() currency: string = '';
  /** SHA-256 (hex) of the deed of sale. */
  @Property() documentHash: string = '';
  /** open, approved, rejected or withdrawn. */
  @Property() status: string = '';
  @Property() proposedBy: string = '';
  @Property() proposedAt: string = '';
  @Property() closedAt?: string;
  /** The DID that withdrew, or the registrar's X.509 id that approved or rejected. */
  @Property() closedBy?: string;
  @Property() reason?: string;
  /** Consents given so far (kept under their own keys; assembled when read). */
  @Property('consents', 'TransferConsent[]') consents: TransferConsent[] = [];
  /** Consents still missing for approval, given the parcel's open mortgages and liens now. */
  @Property('pendingConsents', 'PendingConsent[]') pendingConsents: PendingConsent[] = [];
}

@DataType()
export class Encumbrance {
  @Property() encumbranceId: string = '';
  /** The parcel it was registered on; it also burdens every parcel later split or merged from it. */
  @Property() parcelId: string = '';
  /** mortgage, lien or easement. */
  @Property() kind: string = '';
  /** Lender, lien holder or easement beneficiary. */
  @Property() holderDid: string = '';
  /** Secured amount in minor currency units (mortgage; lien when monetary). */
  @Property() amount?: number;
  @Property() currency?: string;
  @Property() description: string = '';
  @Property() documentHash: string = '';
  /** open or released. */
  @Property() status: string = '';
  @Property() registeredAt: string = '';
  @Property() releasedAt?: string;
  @Property() releaseDocumentHash?: string;
}

@DataType()
export class LandDocument {
  /** SHA-256 (hex) of the document's bytes. */
  @Property() documentHash: string = '';
  @Property() documentType: string = '';
  /** Archive or file reference where the document itself is kept. */
  @Property() reference: string = '';
  @Property('parcelIds', 'string[]') parcelIds: string[] = [];
  @Property() anchoredAt: string = '';
  @Property() anchoredBy: string = '';
  @Property() txId: string = '';
}

@DataType()
export class ParcelHolding {
  @Property('parcel', 'LandParcel') parcel: LandParcel = new LandParcel();
  @Property('title', 'LandTitle') title: LandTitle = new LandTitle();
}

@DataType()
export class ParcelHoldingPage {
  @Property('records', 'ParcelHolding[]') records: ParcelHolding[] = [];
  @Property() bookmark: string = '';
  @Property() fetchedRecordsCount: number = 0;
}

@DataType()
export class ParcelTransferPage {
  @Property('records', 'ParcelTransfer[]') records: ParcelTransfer[] = [];
  @Property() bookmark: string = '';
  @Property() fetchedRecordsCount: number = 0;
}

@DataType()
export class LandDocumentPage {
  @Property('records', 'LandDocument[]') records: LandDocument[] = [];
  @Property() bookmark: string = '';
  @Property() fetchedRecordsCount: number = 0;
}

/** One committed version of a parcel, title or encumbrance record of a parcel or one of its ancestors. */
@DataType()
export class ProvenanceEntry {
  /** The parcel whose record changed (the parcel asked about or an ancestor). */
  @Property() parcelId: string = '';
  /** parcel, title or encumbrance. */
  @Property() recordType: string = '';
  @Property() txId: string = '';
  @Property() timestamp: string = '';
  @Property('parcel', 'LandParcel') parcel?: LandParcel;
  @Property('title', 'LandTitle') title?: LandTitle;
  @Property('encumbrance', 'Encumbrance') encumbrance?: Encumbrance;
}
