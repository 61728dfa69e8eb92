import {
  AccessDeniedError,
  compositeKey,
  ConflictError,
  emitEvent,
  getJson,
  InvalidArgumentError,
  NotFoundError,
  pageViaIndex,
  parseBookmark,
  parseDid,
  parseEnum,
  parseId,
  parseNonNegativeInteger,
  parseOptionalString,
  parsePageSize,
  parsePositiveInteger,
  parseSha256Hex,
  parseString,
  putIndex,
  putJson,
  queryAll,
  queryPage,
  readHistory,
  requireCaller,
  requireControlledCallerDid,
  requireJson,
  txTimeIso,
} from '@cityledger/chaincode-common';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { KEY } from './keys';
import {
  MAX_MERGE_PARCELS,
  parseCurrency,
  parseLandUse,
  parseLocation,
  parseParcelIds,
  parseReason,
  parseShareList,
  parseSubdivisionParts,
  parseZoning,
  polygonOf,
} from './land-arguments';
import { planMerge, requireAreaConserved } from './parcel-lineage';
import { REGISTRAR, requireActiveHolder, requireEligibleOwner } from './party';
import {
  DOCUMENT_TYPES,
  ENCUMBRANCE_KINDS,
  Encumbrance,
  LandDocument,
  LandDocumentPage,
  LandParcel,
  LandTitle,
  ParcelHoldingPage,
  ParcelTransfer,
  ParcelTransferPage,
  ProvenanceEntry,
  TransferConsent,
  type DocumentType,
  type EncumbranceKind,
} from './records';
import {
  asParty,
  consentsOf,
  consentStatus,
  partyConsentStatus,
  documentKey,
  encumbranceKey,
  encumbrancesOfLineage,
  lineageOf,
  linkDocument,
  openEncumbrancesBurdening,
  openTransferKey,
  parcelKey,
  removeFromOwnerIndex,
  requireActiveParcel,
  requireNewParcelId,
  requireOpenTransfer,
  requireParcel,
  requireTitle,
  requireTransfer,
  titleKey,
  transferKey,
  transferView,
  writeConsent,
  writeTitle,
  type StoredTransfer,
} from './registry-state';
import { applyTransfer, requireWholeTitle, totalShares } from './shares';
import { pendingConsents, requiredConsents, type ConsentParty } from './transfer-consents';

const DOCUMENT_OF_ENCUMBRANCE: Readonly<Record<EncumbranceKind, DocumentType>> = {
  mortgage: 'mortgage-deed',
  lien: 'lien-notice',
  easement: 'easement-deed',
};

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
    const caller = requireCaller(ctx, REGISTRAR, 'register a parcel');
    const id = parseId('parcelId', parcelId);
    const { location } = parseLocation('locationJson', locationJson);
    const area = parsePositiveInteger('areaM2', areaM2);
    const use = parseLandUse('landUse', landUse);
    const zone = parseZoning('zoning', zoning);
    const owners = parseShareList('ownersJson', ownersJson, ctx.stub.getChannelID());
    requireWholeTitle('ownersJson', owners);
    const document = parseSha256Hex('documentHash', documentHash);

    await requireNewParcelId(ctx, id);
    for (const [i, owner] of owners.entries()) {
      await requireEligibleOwner(ctx, owner.did, { field: `ownersJson[${i}].did` });
    }

    const now = txTimeIso(ctx);
    const parcel: LandParcel = {
      parcelId: id,
      location,
      areaM2: area,
      landUse: use,
      zoning: zone,
      status: 'active',
      parentIds: [],
      childIds: [],
      registeredAt: now,
      updatedAt: now,
    };
    const title: LandTitle = {
      parcelId: id,
      owners,
      acquiredBy: 'registration',
      documentHash: document,
      since: now,
      txId: ctx.stub.getTxID(),
    };
    await putJson(ctx, parcelKey(ctx, id), parcel);
    await writeTitle(ctx, title, undefined);
    await linkDocument(ctx, document, 'deed', `registration of parcel ${id}`, [id], caller.id);
    emitEvent(ctx, 'ParcelRegistered', {
      parcelId: id,
      areaM2: area,
      landUse: use,
      zoning: zone,
      geometryHash: location.geometryHash,
      owners,
      documentHash: document,
      registeredAt: now,
    });
    return parcel;
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
    const caller = requireCaller(ctx, REGISTRAR, 'change land use');
    const id = parseId('parcelId', parcelId);
    const use = parseLandUse('landUse', landUse);
    const zone = parseZoning('zoning', zoning);
    const document = parseSha256Hex('documentHash', documentHash);
    const parcel = await requireActiveParcel(ctx, id);
    if (parcel.landUse === use && parcel.zoning === zone) {
      throw new ConflictError(`parcel ${id} already has land use ${use} and zoning '${zone}'`);
    }
    const now = txTimeIso(ctx);
    const updated: LandParcel = { ...parcel, landUse: use, zoning: zone, updatedAt: now };
    await putJson(ctx, parcelKey(ctx, id), updated);
    await linkDocument(ctx, document, 'other', `land use of parcel ${id}`, [id], caller.id);
    emitEvent(ctx, 'ParcelLandUseChanged', {
      parcelId: id,
      landUse: use,
      zoning: zone,
      previousLandUse: parcel.landUse,
      previousZoning: parcel.zoning,
      documentHash: document,
      changedAt: now,
    });
    return updated;
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
    const proposer = await requireControlledCallerDid(ctx, 'propose a transfer');
    const channel = ctx.stub.getChannelID();
    const id = parseId('transferId', transferId);
    const pid = parseId('parcelId', parcelId);
    const givenSellers = sellersJson === '' ? undefined : parseShareList('sellersJson', sellersJson, channel);
    const buyers = parseShareList('buyersJson', buyersJson, channel);
    const amount = parseNonNegativeInteger('price', price);
    const money = parseCurrency('currency', currency);
    const document = parseSha256Hex('documentHash', documentHash);

    const parcel = await requireActiveParcel(ctx, pid);
    const title = await requireTitle(ctx, pid);
    const sellers = givenSellers ?? title.owners;
    if (!title.owners.some((o) => o.did === proposer)) {
      throw new AccessDeniedError(
        `${proposer} does not own parcel ${pid}; only an owner may propose its transfer`,
      );
    }
    if (!sellers.some((s) => s.did === proposer)) {
      throw new AccessDeniedError(
        `${proposer} is not among the sellers; an owner proposes only a sale of its own part`,
      );
    }
    sellers.forEach((seller, i) => {
      const held = title.owners.find((o) => o.did === seller.did)?.shares ?? 0;
      if (held === 0)
        throw new InvalidArgumentError(`sellersJson[${i}].did`, `${seller.did} does not own parcel ${pid}`);
      if (seller.shares > held) {
        throw new InvalidArgumentError(
          `sellersJson[${i}].shares`,
          `${seller.did} holds only ${held} parts of parcel ${pid}`,
        );
      }
    });
    buyers.forEach((buyer, i) => {
      if (sellers.some((s) => s.did === buyer.did)) {
        throw new InvalidArgumentError(`buyersJson[${i}].did`, `${buyer.did} is also a seller`);
      }
    });
    if (totalShares(buyers) !== totalShares(sellers)) {
      throw new InvalidArgumentError(
        'buyersJson',
        `shares must add up to the ${totalShares(sellers)} parts sold, got ${totalShares(buyers)}`,
      );
    }
    if (await getJson(ctx, transferKey(ctx, id))) {
      throw new ConflictError(`transfer ${id} already exists`);
    }
    const open = await getJson<{ transferId: string }>(ctx, openTransferKey(ctx, pid));
    if (open) {
      throw new ConflictError(`parcel ${pid} already has the open transfer ${open.transferId}`);
    }
    for (const [i, buyer] of buyers.entries()) {
      await requireEligibleOwner(ctx, buyer.did, { field: `buyersJson[${i}].did` });
    }
    const required = requiredConsents({ sellers, buyers }, await openEncumbrancesBurdening(ctx, parcel));

    const now = txTimeIso(ctx);
    const transfer: StoredTransfer = {
      transferId: id,
      parcelId: pid,
      sellers,
      buyers,
      price: amount,
      currency: money,
      documentHash: document,
      status: 'open',
      proposedBy: proposer,
      proposedAt: now,
    };
    const proposerConsent = await writeConsent(ctx, id, { capacity: 'seller', did: proposer });
    await putJson(ctx, transferKey(ctx, id), transfer);
    await putJson(ctx, openTransferKey(ctx, pid), { transferId: id });
    await putIndex(ctx, compositeKey(ctx, KEY.transferByParcel, [pid, id]));
    const pending = pendingConsents(required, [{ capacity: 'seller', did: proposer }]);
    emitEvent(ctx, 'TransferProposed', {
      transferId: id,
      parcelId: pid,
      sellers,
      buyers,
      price: amount,
      currency: money,
      documentHash: document,
      proposedBy: proposer,
      proposedAt: now,
      pendingConsents: pending,
    });
    return { ...transfer, consents: [proposerConsent], pendingConsents: pending };
  }

  /** A buyer accepts the proposed transfer. */
  @Transaction()
  @Returns('ParcelTransfer')
  async AcceptTransfer(ctx: Context, transferId: string): Promise<ParcelTransfer> {
    const buyer = await requireControlledCallerDid(ctx, 'accept a transfer');
    const id = parseId('transferId', transferId);
    const transfer = await requireOpenTransfer(ctx, id);
    if (!transfer.buyers.some((b) => b.did === buyer)) {
      throw new AccessDeniedError(`${buyer} is not a buyer in transfer ${id}`);
    }
    const status = await partyConsentStatus(ctx, transfer, buyer);
    const owed = status.owed.filter((p) => p.capacity === 'buyer');
    if (owed.length === 0) {
      throw new ConflictError(`${buyer} has already accepted transfer ${id}`);
    }
    return this.recordConsents(ctx, transfer, buyer, owed, status, 'TransferAccepted');
  }

  /**
   * A co-selling owner, or the lender or lien holder of an open encumbrance on the parcel (or one of
   * its ancestors), consents to the transfer. Records every consent the caller still owes.
   */
  @Transaction()
  @Returns('ParcelTransfer')
  async ConsentToTransfer(ctx: Context, transferId: string): Promise<ParcelTransfer> {
    const did = await requireControlledCallerDid(ctx, 'consent to a transfer');
    const id = parseId('transferId', transferId);
    const transfer = await requireOpenTransfer(ctx, id);
    const status = await partyConsentStatus(ctx, transfer, did);
    const mine = status.required.filter((p) => p.did === did && p.capacity !== 'buyer');
    if (mine.length === 0) {
      throw new AccessDeniedError(
        `${did} is neither a seller in transfer ${id} nor the holder of an open mortgage or lien on parcel ${transfer.parcelId}`,
      );
    }
    const owed = status.owed.filter((p) => p.capacity !== 'buyer');
    if (owed.length === 0) {
      throw new ConflictError(`${did} has already consented to transfer ${id}`);
    }
    return this.recordConsents(ctx, transfer, did, owed, status, 'TransferConsented');
  }

  /** A seller or a buyer withdraws the transfer before the registrar decides. */
  @Transaction()
  @Returns('ParcelTransfer')
  async WithdrawTransfer(ctx: Context, transferId: string, reason: string): Promise<ParcelTransfer> {
    const did = await requireControlledCallerDid(ctx, 'withdraw a transfer');
    const id = parseId('transferId', transferId);
    const why = parseReason('reason', reason, false);
    const transfer = await requireOpenTransfer(ctx, id);
    if (![...transfer.sellers, ...transfer.buyers].some((p) => p.did === did)) {
      throw new AccessDeniedError(`${did} is neither a seller nor a buyer in transfer ${id}`);
    }
    return this.closeTransfer(ctx, transfer, 'withdrawn', did, why, 'TransferWithdrawn');
  }

  /** The registrar rejects the transfer, with a reason. */
  @Transaction()
  @Returns('ParcelTransfer')
  async RejectTransfer(ctx: Context, transferId: string, reason: string): Promise<ParcelTransfer> {
    const caller = requireCaller(ctx, REGISTRAR, 'reject a transfer');
    const id = parseId('transferId', transferId);
    const why = parseReason('reason', reason, true);
    const transfer = await requireOpenTransfer(ctx, id);
    return this.closeTransfer(ctx, transfer, 'rejected', caller.id, why, 'TransferRejected');
  }

  /**
   * The registrar approves: only now does the title change. Needs the consent of every seller and
   * buyer and of the holder of every open mortgage or lien; buyers must still be able to hold land.
   */
  @Transaction()
  @Returns('ParcelTransfer')
  async ApproveTransfer(ctx: Context, transferId: string): Promise<ParcelTransfer> {
    const caller = requireCaller(ctx, REGISTRAR, 'approve a transfer');
    const id = parseId('transferId', transferId);
    const transfer = await requireOpenTransfer(ctx, id);
    await requireActiveParcel(ctx, transfer.parcelId);
    const { given, pending } = await consentStatus(ctx, transfer);
    if (pending.length > 0) {
      throw new ConflictError(
        `transfer ${id} still needs the consent of ${pending.map(describeParty).join(', ')}`,
      );
    }
    for (const buyer of transfer.buyers) {
      await requireEligibleOwner(ctx, buyer.did, 'conflict');
    }
    const previous = await requireTitle(ctx, transfer.parcelId);
    const owners = applyTransfer(previous.owners, transfer.sellers, transfer.buyers);

    const now = txTimeIso(ctx);
    const title: LandTitle = {
      parcelId: transfer.parcelId,
      owners,
      acquiredBy: 'transfer',
      transferId: id,
      documentHash: transfer.documentHash,
      since: now,
      txId: ctx.stub.getTxID(),
    };
    const approved: StoredTransfer = { ...transfer, status: 'approved', closedAt: now, closedBy: caller.id };
    await writeTitle(ctx, title, previous);
    await putJson(ctx, transferKey(ctx, id), approved);
    await ctx.stub.deleteState(openTransferKey(ctx, transfer.parcelId));
    await linkDocument(ctx, transfer.documentHash, 'deed', `transfer ${id}`, [transfer.parcelId], caller.id);
    emitEvent(ctx, 'TransferApproved', {
      transferId: id,
      parcelId: transfer.parcelId,
      previousOwners: previous.owners,
      owners,
      price: transfer.price,
      currency: transfer.currency,
      documentHash: transfer.documentHash,
      approvedAt: now,
    });
    return { ...approved, consents: given, pendingConsents: [] };
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
    const caller = requireCaller(ctx, REGISTRAR, 'register an encumbrance');
    const id = parseId('encumbranceId', encumbranceId);
    const pid = parseId('parcelId', parcelId);
    const type = parseEnum('kind', kind, ENCUMBRANCE_KINDS);
    const holder = parseDid('holderDid', holderDid, { channel: ctx.stub.getChannelID() }).did;
    const money = this.parseSecuredAmount(type, amount, currency);
    const text = parseOptionalString('description', description, { maxLength: 1000 }) ?? '';
    const document = parseSha256Hex('documentHash', documentHash);

    await requireActiveParcel(ctx, pid);
    if (await getJson(ctx, encumbranceKey(ctx, id))) {
      throw new ConflictError(`encumbrance ${id} already exists`);
    }
    await requireActiveHolder(ctx, 'holderDid', holder);

    const now = txTimeIso(ctx);
    const encumbrance: Encumbrance = {
      encumbranceId: id,
      parcelId: pid,
      kind: type,
      holderDid: holder,
      ...money,
      description: text,
      documentHash: document,
      status: 'open',
      registeredAt: now,
    };
    await putJson(ctx, encumbranceKey(ctx, id), encumbrance);
    await putIndex(ctx, compositeKey(ctx, KEY.encumbranceByParcel, [pid, id]));
    await linkDocument(ctx, document, DOCUMENT_OF_ENCUMBRANCE[type], `${type} ${id}`, [pid], caller.id);
    emitEvent(ctx, 'EncumbranceRegistered', {
      encumbranceId: id,
      parcelId: pid,
      kind: type,
      holderDid: holder,
      ...money,
      documentHash: document,
      registeredAt: now,
    });
    return encumbrance;
  }

  /** The holder (lender, lien holder, easement beneficiary) releases its encumbrance. `documentHash` '' = none. */
  @Transaction()
  @Returns('Encumbrance')
  async ReleaseEncumbrance(ctx: Context, encumbranceId: string, documentHash: string): Promise<Encumbrance> {
    const did = await requireControlledCallerDid(ctx, 'release an encumbrance');
    const id = parseId('encumbranceId', encumbranceId);
    const document = documentHash === '' ? undefined : parseSha256Hex('documentHash', documentHash);
    const encumbrance = await requireJson<Encumbrance>(ctx, encumbranceKey(ctx, id), `encumbrance ${id}`);
    if (encumbrance.holderDid !== did) {
      throw new AccessDeniedError(`${did} does not hold encumbrance ${id}; only its holder may release it`);
    }
    if (encumbrance.status !== 'open') {
      throw new ConflictError(`encumbrance ${id} is already ${encumbrance.status}`);
    }
    const now = txTimeIso(ctx);
    const released: Encumbrance = {
      ...encumbrance,
      status: 'released',
      releasedAt: now,
      releaseDocumentHash: document,
    };
    await putJson(ctx, encumbranceKey(ctx, id), released);
    if (document) {
      await linkDocument(
        ctx,
        document,
        'other',
        `release of ${encumbrance.kind} ${id}`,
        [encumbrance.parcelId],
        did,
      );
    }
    emitEvent(ctx, 'EncumbranceReleased', {
      encumbranceId: id,
      parcelId: encumbrance.parcelId,
      kind: encumbrance.kind,
      holderDid: did,
      documentHash: document ?? '',
      releasedAt: now,
    });
    return released;
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
    const caller = requireCaller(ctx, REGISTRAR, 'subdivide a parcel');
    const pid = parseId('parcelId', parcelId);
    const parts = parseSubdivisionParts('childrenJson', childrenJson, pid);
    const document = parseSha256Hex('documentHash', documentHash);

    const parent = await requireActiveParcel(ctx, pid);
    requireAreaConserved(
      'childrenJson',
      parent.areaM2,
      parts.map((p) => p.areaM2),
    );
    await this.requireNoOpenTransfer(ctx, pid, 'subdivided');
    for (const part of parts) {
      await requireNewParcelId(ctx, part.parcelId);
    }
    const parentTitle = await requireTitle(ctx, pid);

    const now = txTimeIso(ctx);
    const children: LandParcel[] = parts.map((part) => ({
      parcelId: part.parcelId,
      location: part.location,
      areaM2: part.areaM2,
      landUse: part.landUse ?? parent.landUse,
      zoning: part.zoning ?? parent.zoning,
      status: 'active',
      parentIds: [pid],
      childIds: [],
      registeredAt: now,
      updatedAt: now,
    }));
    await this.retire(
      ctx,
      [parent],
      [parentTitle],
      'subdivision',
      children.map((c) => c.parcelId),
    );
    await this.createFromLineage(ctx, children, parentTitle, 'subdivision', document);
    await linkDocument(
      ctx,
      document,
      'survey',
      `subdivision of parcel ${pid}`,
      [pid, ...children.map((c) => c.parcelId)],
      caller.id,
    );
    emitEvent(ctx, 'ParcelSubdivided', {
      parcelId: pid,
      children: children.map((c) => ({ parcelId: c.parcelId, areaM2: c.areaM2 })),
      owners: parentTitle.owners,
      documentHash: document,
      subdividedAt: now,
    });
    return children;
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
    const caller = requireCaller(ctx, REGISTRAR, 'merge parcels');
    const id = parseId('parcelId', parcelId);
    const parentIds = parseParcelIds('parentIdsJson', parentIdsJson, {
      minItems: 2,
      maxItems: MAX_MERGE_PARCELS,
    });
    if (parentIds.includes(id)) {
      throw new InvalidArgumentError('parcelId', 'must be a new id, not one of the merged parcels');
    }
    const { location } = parseLocation('locationJson', locationJson);
    const use = parseLandUse('landUse', landUse);
    const zone = parseZoning('zoning', zoning);
    const document = parseSha256Hex('documentHash', documentHash);

    await requireNewParcelId(ctx, id);
    const parents: LandParcel[] = [];
    const titles: LandTitle[] = [];
    for (const parentId of parentIds) {
      parents.push(await requireActiveParcel(ctx, parentId));
      titles.push(await requireTitle(ctx, parentId));
      await this.requireNoOpenTransfer(ctx, parentId, 'merged');
    }
    const plan = planMerge(
      parents.map((p, i) => ({
        parcelId: p.parcelId,
        areaM2: p.areaM2,
        owners: titles[i].owners,
        polygon: polygonOf(p.location),
      })),
    );

    const now = txTimeIso(ctx);
    const merged: LandParcel = {
      parcelId: id,
      location,
      areaM2: plan.areaM2,
      landUse: use,
      zoning: zone,
      status: 'active',
      parentIds,
      childIds: [],
      registeredAt: now,
      updatedAt: now,
    };
    await this.retire(ctx, parents, titles, 'merge', [id]);
    await this.createFromLineage(ctx, [merged], titles[0], 'merge', document);
    await linkDocument(ctx, document, 'survey', `merge into parcel ${id}`, [...parentIds, id], caller.id);
    emitEvent(ctx, 'ParcelsMerged', {
      parcelId: id,
      parentIds,
      areaM2: plan.areaM2,
      owners: titles[0].owners,
      adjacencyChecked: plan.adjacencyChecked,
      documentHash: document,
      mergedAt: now,
    });
    return merged;
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
    const caller = requireCaller(ctx, REGISTRAR, 'anchor a document');
    const hash = parseSha256Hex('documentHash', documentHash);
    const type = parseEnum('documentType', documentType, DOCUMENT_TYPES);
    const ref = parseString('reference', reference, { maxLength: 256 });
    const parcelIds = parseParcelIds('parcelIdsJson', parcelIdsJson, { minItems: 0, maxItems: 200 });
    for (const pid of parcelIds) {
      await requireParcel(ctx, pid);
    }
    const existing = await getJson<LandDocument>(ctx, documentKey(ctx, hash));
    if (existing && existing.documentType !== type) {
      throw new ConflictError(`document ${hash} is already anchored as a ${existing.documentType}`);
    }
    if (existing && parcelIds.every((pid) => existing.parcelIds.includes(pid))) {
      throw new ConflictError(`document ${hash} is already anchored with these parcels`);
    }
    const document = await linkDocument(ctx, hash, type, ref, parcelIds, caller.id);
    emitEvent(ctx, 'DocumentAnchored', {
      documentHash: hash,
      documentType: document.documentType,
      reference: document.reference,
      parcelIds: document.parcelIds,
      anchoredAt: document.anchoredAt,
    });
    return document;
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
    const owner = parseDid('ownerDid', ownerDid).did;
    const size = parsePageSize('pageSize', pageSize);
    const mark = parseBookmark('bookmark', bookmark);
    return queryPage(ctx, KEY.parcelByOwner, [owner], size, mark, async (entry) => {
      const pid = entry.attributes[1];
      const parcel = await getJson<LandParcel>(ctx, parcelKey(ctx, pid));
      const title = await getJson<LandTitle>(ctx, titleKey(ctx, pid));
      return parcel && title ? { parcel, title } : undefined;
    });
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
    const pid = parseId('parcelId', parcelId);
    await requireParcel(ctx, pid);
    const open = await getJson<{ transferId: string }>(ctx, openTransferKey(ctx, pid));
    if (!open) {
      throw new NotFoundError(`parcel ${pid} has no open transfer`);
    }
    return transferView(ctx, await requireTransfer(ctx, open.transferId));
  }

  /** Every open transfer of the registry (the registrar's work queue), by parcel id. */
  @Transaction(false)
  @Returns('ParcelTransferPage')
  async ListOpenTransfers(ctx: Context, pageSize: string, bookmark: string): Promise<ParcelTransferPage> {
    const size = parsePageSize('pageSize', pageSize);
    const mark = parseBookmark('bookmark', bookmark);
    return queryPage(ctx, KEY.openTransfer, [], size, mark, async (entry) => {
      const { transferId } = JSON.parse(Buffer.from(entry.value).toString('utf8')) as { transferId: string };
      return transferView(ctx, await requireTransfer(ctx, transferId));
    });
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
    const pid = parseId('parcelId', parcelId);
    const size = parsePageSize('pageSize', pageSize);
    const mark = parseBookmark('bookmark', bookmark);
    return queryPage(ctx, KEY.transferByParcel, [pid], size, mark, async (entry) =>
      transferView(ctx, await requireTransfer(ctx, entry.attributes[1])),
    );
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
    const pid = parseId('parcelId', parcelId);
    const withReleased =
      parseEnum('includeReleased', includeReleased === '' ? 'false' : includeReleased, ['true', 'false']) ===
      'true';
    const parcel = await requireParcel(ctx, pid);
    const all = await encumbrancesOfLineage(ctx, await lineageOf(ctx, parcel));
    return all.filter((e) => withReleased || e.status === 'open');
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
    const pid = parseId('parcelId', parcelId);
    const lineage = await lineageOf(ctx, await requireParcel(ctx, pid));
    const entries: ProvenanceEntry[] = [];
    for (const parcel of lineage) {
      const id = parcel.parcelId;
      for (const h of await readHistory<LandParcel>(ctx, parcelKey(ctx, id))) {
        if (h.value)
          entries.push({
            parcelId: id,
            recordType: 'parcel',
            txId: h.txId,
            timestamp: h.timestamp,
            parcel: h.value,
          });
      }
      for (const h of await readHistory<LandTitle>(ctx, titleKey(ctx, id))) {
        if (h.value)
          entries.push({
            parcelId: id,
            recordType: 'title',
            txId: h.txId,
            timestamp: h.timestamp,
            title: h.value,
          });
      }
      for (const index of await queryAll(ctx, KEY.encumbranceByParcel, [id])) {
        for (const h of await readHistory<Encumbrance>(ctx, encumbranceKey(ctx, index.attributes[1]))) {
          if (h.value) {
            entries.push({
              parcelId: id,
              recordType: 'encumbrance',
              txId: h.txId,
              timestamp: h.timestamp,
              encumbrance: h.value,
            });
          }
        }
      }
    }
    return entries.sort(provenanceOrder);
  }

  // ---------------------------------------------------------------- helpers

  private parseSecuredAmount(
    kind: EncumbranceKind,
    amount: string,
    currency: string,
  ): { amount?: number; currency?: string } {
    if (kind === 'easement') {
      if (amount !== '' || currency !== '') {
        throw new InvalidArgumentError(
          amount !== '' ? 'amount' : 'currency',
          'must be empty for an easement',
        );
      }
      return {};
    }
    if (kind === 'lien' && amount === '' && currency === '') {
      return {};
    }
    return { amount: parsePositiveInteger('amount', amount), currency: parseCurrency('currency', currency) };
  }

  private async requireNoOpenTransfer(ctx: Context, parcelId: string, what: string): Promise<void> {
    const open = await getJson<{ transferId: string }>(ctx, openTransferKey(ctx, parcelId));
    if (open) {
      throw new ConflictError(
        `parcel ${parcelId} has the open transfer ${open.transferId} and cannot be ${what}`,
      );
    }
  }

  /**
   * Records the caller's consents (one key each, see keys.ts) and emits one event. The other
   * parties' consents are not read, so that parties of one transfer can consent in the same block:
   * `consents` are the caller's, and `pendingConsents` counts as given only those and the
   * proposer's (recorded with the proposal). GetTransfer tells what is really still pending.
   */
  private async recordConsents(
    ctx: Context,
    transfer: StoredTransfer,
    did: string,
    parties: ConsentParty[],
    status: { required: ConsentParty[]; given: TransferConsent[] },
    eventName: 'TransferAccepted' | 'TransferConsented',
  ): Promise<ParcelTransfer> {
    const written: TransferConsent[] = [];
    for (const party of parties) {
      written.push(await writeConsent(ctx, transfer.transferId, party));
    }
    const consents = [...status.given, ...written];
    const pending = pendingConsents(status.required, [
      ...consents.map(asParty),
      { capacity: 'seller', did: transfer.proposedBy },
    ]);
    emitEvent(ctx, eventName, {
      transferId: transfer.transferId,
      parcelId: transfer.parcelId,
      did,
      consents: parties.map((p) => ({ capacity: p.capacity, encumbranceId: p.encumbranceId })),
      at: txTimeIso(ctx),
      pendingConsents: pending,
    });
    return { ...transfer, consents, pendingConsents: pending };
  }

  private async closeTransfer(
    ctx: Context,
    transfer: StoredTransfer,
    status: 'withdrawn' | 'rejected',
    closedBy: string,
    reason: string,
    eventName: 'TransferWithdrawn' | 'TransferRejected',
  ): Promise<ParcelTransfer> {
    const now = txTimeIso(ctx);
    const closed: StoredTransfer = { ...transfer, status, closedAt: now, closedBy, reason };
    await putJson(ctx, transferKey(ctx, transfer.transferId), closed);
    await ctx.stub.deleteState(openTransferKey(ctx, transfer.parcelId));
    emitEvent(ctx, eventName, {
      transferId: transfer.transferId,
      parcelId: transfer.parcelId,
      closedBy,
      reason,
      closedAt: now,
    });
    return { ...closed, consents: await consentsOf(ctx, transfer.transferId), pendingConsents: [] };
  }

  private async retire(
    ctx: Context,
    parcels: readonly LandParcel[],
    titles: readonly LandTitle[],
    retiredBy: 'subdivision' | 'merge',
    childIds: string[],
  ): Promise<void> {
    const now = txTimeIso(ctx);
    for (const [i, parcel] of parcels.entries()) {
      await putJson(ctx, parcelKey(ctx, parcel.parcelId), {
        ...parcel,
        status: 'retired',
        childIds,
        retiredBy,
        retiredAt: now,
        updatedAt: now,
      } satisfies LandParcel);
      await removeFromOwnerIndex(ctx, titles[i]);
    }
  }

  private async createFromLineage(
    ctx: Context,
    parcels: readonly LandParcel[],
    parentTitle: LandTitle,
    acquiredBy: 'subdivision' | 'merge',
    documentHash: string,
  ): Promise<void> {
    for (const parcel of parcels) {
      await putJson(ctx, parcelKey(ctx, parcel.parcelId), parcel);
      await writeTitle(
        ctx,
        {
          parcelId: parcel.parcelId,
          owners: parentTitle.owners,
          acquiredBy,
          documentHash,
          since: parcel.registeredAt,
          txId: ctx.stub.getTxID(),
        },
        undefined,
      );
    }
  }
}

function describeParty(party: ConsentParty): string {
  return party.capacity === 'encumbrance-holder'
    ? `${party.did} (holder of ${party.encumbranceId})`
    : `${party.did} (${party.capacity})`;
}

const RECORD_ORDER = ['parcel', 'title', 'encumbrance'];

/** Oldest first; within a transaction: parcel, title, encumbrance, then by parcel id. */
function provenanceOrder(a: ProvenanceEntry, b: ProvenanceEntry): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  if (a.txId !== b.txId) return a.txId < b.txId ? -1 : 1;
  const r = RECORD_ORDER.indexOf(a.recordType) - RECORD_ORDER.indexOf(b.recordType);
  if (r !== 0) return r;
  return a.parcelId < b.parcelId ? -1 : a.parcelId > b.parcelId ? 1 : 0;
}
