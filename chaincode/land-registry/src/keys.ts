/**
 * Composite key object types. Every record and every index entry has its own key, so that
 * transactions on different parcels, transfers, consents and owners never write the same key (see
 * "Design against hot keys" in docs/contracts/land-registry.md).
 */
export const KEY = {
  /** [parcelId] → LandParcel */
  parcel: 'parcel',
  /** [parcelId] → LandTitle: its history is the parcel's chain of title. */
  title: 'title',
  /** [ownerDid, parcelId] → index entry, for active parcels only. */
  parcelByOwner: 'parcel~owner',
  /** [transferId] → ParcelTransfer without its consents */
  transfer: 'transfer',
  /** [parcelId, transferId] → index entry */
  transferByParcel: 'transfer~parcel',
  /** [parcelId] → { transferId }: present while the parcel has an open transfer (at most one). */
  openTransfer: 'open-transfer',
  /** [transferId, capacity, did or encumbranceId] → TransferConsent, one key per consenting party. */
  consent: 'transfer-consent',
  /** [encumbranceId] → Encumbrance */
  encumbrance: 'encumbrance',
  /** [parcelId, encumbranceId] → index entry (kept after release, for provenance). */
  encumbranceByParcel: 'encumbrance~parcel',
  /** [documentHash] → LandDocument */
  document: 'document',
  /** [parcelId, documentHash] → index entry */
  documentByParcel: 'document~parcel',
} as const;
