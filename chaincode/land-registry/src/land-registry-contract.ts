import { pageViaIndex, parseId, parseSha256Hex, requireJson } from '@cityledger/chaincode-common';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { anchorDocument } from './documents';
import { registerEncumbrance, releaseEncumbrance } from './encumbrances';
import { KEY } from './keys';
import { changeLandUse, registerParcel } from './parcels';
import { getProvenance } from './provenance';
import {
  Encumbrance,
  LandDocument,
  LandDocumentPage,
  LandParcel,
  LandTitle,
  ParcelHoldingPage,
  ParcelTransfer,
  ParcelTransferPage,
  ProvenanceEntry,
} from './records';
import {
  getOpenTransfer,
  listEncumbrances,
  listOpenTransfers,
  listParcelsOfOwner,
  listTransfersOfParcel,
} from './registry-queries';
import {
  documentKey,
  encumbranceKey,
  requireParcel,
  requireTitle,
  requireTransfer,
  transferView,
} from './registry-state';
import { mergeParcels, subdivideParcel } from './subdivision-and-merge';
import {
  acceptTransfer,
  approveTransfer,
  consentToTransfer,
  proposeTransfer,
  rejectTransfer,
  withdrawTransfer,
} from './transfers';

/**
 * The land registry of channel `civic`. Each transaction delegates to the module of its concept;
 * who may call what, and why, is in docs/contracts/land-registry.md.
 */
@Info({
  title: 'CityLedger land registry',
  description:
    'Parcels, titles with shared ownership, transfers as an endorsed workflow, mortgages, liens and easements, subdivision and merge, documents anchored by hash, provenance',
})
export class LandRegistryContract extends Contract {
  constructor() {
    super('land-registry');
  }

  // ---------------------------------------------------------------- parcels

  /**
   * Registers a parcel with its first title. `locationJson`: `{"geometry": <GeoJSON Polygon>}` or
   * `{"geometryHash", "geometryRef"}`; `ownersJson`: `[{"did", "shares"}]` adding up to 10,000.
   */
  @Transaction()
  @Returns('LandParcel')
  async RegisterParcel(
    ctx: Context,
    parcelId: string,
    locationJson: string,
    areaM2: string,
    landUse: string,
    zoning: string,
    ownersJson: string,
    documentHash: string,
  ): Promise<LandParcel> {
    return registerParcel(ctx, parcelId, locationJson, areaM2, landUse, zoning, ownersJson, documentHash);
  }

  /** Changes a parcel's land use and zoning (a plan change or permit, evidenced by `documentHash`). */
  @Transaction()
  @Returns('LandParcel')
  async ChangeLandUse(
    ctx: Context,
    parcelId: string,
    landUse: string,
    zoning: string,
    documentHash: string,
  ): Promise<LandParcel> {
    return changeLandUse(ctx, parcelId, landUse, zoning, documentHash);
  }

  // ---------------------------------------------------------------- transfers

  /**
   * An owner proposes to transfer shares to buyers. `sellersJson` '' means every owner sells its
   * whole part; otherwise `[{"did", "shares"}]` of owners and the parts each gives (the caller among
   * them). `buyersJson` `[{"did", "shares"}]` receives the same total. `price` in minor currency units.
   */
  @Transaction()
  @Returns('ParcelTransfer')
  async ProposeTransfer(
    ctx: Context,
    transferId: string,
    parcelId: string,
    sellersJson: string,
    buyersJson: string,
    price: string,
    currency: string,
    documentHash: string,
  ): Promise<ParcelTransfer> {
    return proposeTransfer(ctx, transferId, parcelId, sellersJson, buyersJson, price, currency, documentHash);
  }

  /** A buyer accepts the proposed transfer. */
  @Transaction()
  @Returns('ParcelTransfer')
  async AcceptTransfer(ctx: Context, transferId: string): Promise<ParcelTransfer> {
    return acceptTransfer(ctx, transferId);
  }

  /**
   * A co-selling owner, or the lender or lien holder of an open encumbrance on the parcel (or one of
   * its ancestors), consents to the transfer. Records every consent the caller still owes.
   */
  @Transaction()
  @Returns('ParcelTransfer')
  async ConsentToTransfer(ctx: Context, transferId: string): Promise<ParcelTransfer> {
    return consentToTransfer(ctx, transferId);
  }

  /** A seller or a buyer withdraws the transfer before the registrar decides. */
  @Transaction()
  @Returns('ParcelTransfer')
  async WithdrawTransfer(ctx: Context, transferId: string, reason: string): Promise<ParcelTransfer> {
    return withdrawTransfer(ctx, transferId, reason);
  }

  /** The registrar rejects the transfer, with a reason. */
  @Transaction()
  @Returns('ParcelTransfer')
  async RejectTransfer(ctx: Context, transferId: string, reason: string): Promise<ParcelTransfer> {
    return rejectTransfer(ctx, transferId, reason);
  }

  /**
   * The registrar approves: only now does the title change. Needs the consent of every seller and
   * buyer and of the holder of every open mortgage or lien; buyers must still be able to hold land.
   */
  @Transaction()
  @Returns('ParcelTransfer')
  async ApproveTransfer(ctx: Context, transferId: string): Promise<ParcelTransfer> {
    return approveTransfer(ctx, transferId);
  }

  // ---------------------------------------------------------------- encumbrances

  /**
   * Registers a mortgage, lien or easement on an active parcel. `amount` (minor currency units) and
   * `currency` are required for a mortgage, optional for a lien and must be '' for an easement.
   */
  @Transaction()
  @Returns('Encumbrance')
  async RegisterEncumbrance(
    ctx: Context,
    encumbranceId: string,
    parcelId: string,
    kind: string,
    holderDid: string,
    amount: string,
    currency: string,
    description: string,
    documentHash: string,
  ): Promise<Encumbrance> {
    return registerEncumbrance(
      ctx,
      encumbranceId,
      parcelId,
      kind,
      holderDid,
      amount,
      currency,
      description,
      documentHash,
    );
  }

  /** The holder (lender, lien holder, easement beneficiary) releases its encumbrance. `documentHash` '' = none. */
  @Transaction()
  @Returns('Encumbrance')
  async ReleaseEncumbrance(ctx: Context, encumbranceId: string, documentHash: string): Promise<Encumbrance> {
    return releaseEncumbrance(ctx, encumbranceId, documentHash);
  }

  // ---------------------------------------------------------------- subdivision and merge

  /**
   * Splits a parcel. `childrenJson`: `[{"parcelId", "areaM2", "location", "landUse"?, "zoning"?}]`,
   * areas adding up to the parent's. The children take the parent's title; the parent is retired;
   * the parent's encumbrances burden every child.
   */
  @Transaction()
  @Returns('LandParcel[]')
  async SubdivideParcel(
    ctx: Context,
    parcelId: string,
    childrenJson: string,
    documentHash: string,
  ): Promise<LandParcel[]> {
    return subdivideParcel(ctx, parcelId, childrenJson, documentHash);
  }

  /**
   * Merges adjacent parcels of the same owners into a new parcel whose area is their sum.
   * `parentIdsJson`: JSON array of 2..20 parcel ids; `locationJson` as in RegisterParcel.
   */
  @Transaction()
  @Returns('LandParcel')
  async MergeParcels(
    ctx: Context,
    parcelId: string,
    parentIdsJson: string,
    locationJson: string,
    landUse: string,
    zoning: string,
    documentHash: string,
  ): Promise<LandParcel> {
    return mergeParcels(ctx, parcelId, parentIdsJson, locationJson, landUse, zoning, documentHash);
  }

  // ---------------------------------------------------------------- documents

  /**
   * Anchors a deed, survey, court order or other document by its SHA-256 hash and links it to
   * parcels (`parcelIdsJson`, JSON array, may be empty). Anchoring a known hash again only adds links.
   */
  @Transaction()
  @Returns('LandDocument')
  async AnchorDocument(
    ctx: Context,
    documentHash: string,
    documentType: string,
    reference: string,
    parcelIdsJson: string,
  ): Promise<LandDocument> {
    return anchorDocument(ctx, documentHash, documentType, reference, parcelIdsJson);
  }

  // ---------------------------------------------------------------- queries

  @Transaction(false)
  @Returns('LandParcel')
  async GetParcel(ctx: Context, parcelId: string): Promise<LandParcel> {
    return requireParcel(ctx, parseId('parcelId', parcelId));
  }

  /** The current title; for a retired parcel, its last title. */
  @Transaction(false)
  @Returns('LandTitle')
  async GetTitle(ctx: Context, parcelId: string): Promise<LandTitle> {
    return requireTitle(ctx, parseId('parcelId', parcelId));
  }

  /** Active parcels in which `ownerDid` holds a part, with their titles. */
  @Transaction(false)
  @Returns('ParcelHoldingPage')
  async ListParcelsOfOwner(
    ctx: Context,
    ownerDid: string,
    pageSize: string,
    bookmark: string,
  ): Promise<ParcelHoldingPage> {
    return listParcelsOfOwner(ctx, ownerDid, pageSize, bookmark);
  }

  @Transaction(false)
  @Returns('ParcelTransfer')
  async GetTransfer(ctx: Context, transferId: string): Promise<ParcelTransfer> {
    return transferView(ctx, await requireTransfer(ctx, parseId('transferId', transferId)));
  }

  /** The parcel's open transfer, `NOT_FOUND` when it has none. */
  @Transaction(false)
  @Returns('ParcelTransfer')
  async GetOpenTransfer(ctx: Context, parcelId: string): Promise<ParcelTransfer> {
    return getOpenTransfer(ctx, parcelId);
  }

  /** Every open transfer of the registry (the registrar's work queue), by parcel id. */
  @Transaction(false)
  @Returns('ParcelTransferPage')
  async ListOpenTransfers(ctx: Context, pageSize: string, bookmark: string): Promise<ParcelTransferPage> {
    return listOpenTransfers(ctx, pageSize, bookmark);
  }

  /** Every transfer ever proposed for a parcel, by transfer id. */
  @Transaction(false)
  @Returns('ParcelTransferPage')
  async ListTransfersOfParcel(
    ctx: Context,
    parcelId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<ParcelTransferPage> {
    return listTransfersOfParcel(ctx, parcelId, pageSize, bookmark);
  }

  @Transaction(false)
  @Returns('Encumbrance')
  async GetEncumbrance(ctx: Context, encumbranceId: string): Promise<Encumbrance> {
    const id = parseId('encumbranceId', encumbranceId);
    return requireJson<Encumbrance>(ctx, encumbranceKey(ctx, id), `encumbrance ${id}`);
  }

  /**
   * Encumbrances burdening a parcel: its own and its ancestors' (they survive subdivision and
   * merge). `includeReleased` 'true' adds released ones; default 'false'.
   */
  @Transaction(false)
  @Returns('Encumbrance[]')
  async ListEncumbrances(ctx: Context, parcelId: string, includeReleased: string): Promise<Encumbrance[]> {
    return listEncumbrances(ctx, parcelId, includeReleased);
  }

  @Transaction(false)
  @Returns('LandDocument')
  async GetDocument(ctx: Context, documentHash: string): Promise<LandDocument> {
    const hash = parseSha256Hex('documentHash', documentHash);
    return requireJson<LandDocument>(ctx, documentKey(ctx, hash), `document ${hash}`);
  }

  @Transaction(false)
  @Returns('LandDocumentPage')
  async ListDocumentsOfParcel(
    ctx: Context,
    parcelId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<LandDocumentPage> {
    const pid = parseId('parcelId', parcelId);
    return pageViaIndex<LandDocument>(ctx, KEY.documentByParcel, [pid], pageSize, bookmark, (a) =>
      documentKey(ctx, a[1]),
    );
  }

  /**
   * Every committed version of the parcel's, its ancestors' and their encumbrances' records, oldest
   * first: registration, every title (each transfer, split, merge), every encumbrance registered
   * and released, retirement.
   */
  @Transaction(false)
  @Returns('ProvenanceEntry[]')
  async GetProvenance(ctx: Context, parcelId: string): Promise<ProvenanceEntry[]> {
    return getProvenance(ctx, parcelId);
  }
}
