/**
 * Reading and writing the registry's records and index entries. Contracts read everything first
 * and write last (Fabric: a transaction does not read its own writes); these helpers never read a
 * key they have written in the same call.
 */
import {
  ConflictError,
  compositeKey,
  getJson,
  putIndex,
  putJson,
  queryAll,
  requireJson,
  txTimeIso,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { KEY } from './keys';
import type {
  ConsentCapacity,
  DocumentType,
  Encumbrance,
  LandDocument,
  LandParcel,
  LandTitle,
  ParcelTransfer,
  TransferConsent,
} from './records';
import { consentSubject, pendingConsents, requiredConsents, type ConsentParty } from './transfer-consents';

/** Lineage deeper than this is a data error rather than a real parcel's history. */
const MAX_LINEAGE = 500;

export function parcelKey(ctx: Context, parcelId: string): string {
  return compositeKey(ctx, KEY.parcel, [parcelId]);
}

export function titleKey(ctx: Context, parcelId: string): string {
  return compositeKey(ctx, KEY.title, [parcelId]);
}

export function encumbranceKey(ctx: Context, encumbranceId: string): string {
  return compositeKey(ctx, KEY.encumbrance, [encumbranceId]);
}

export function transferKey(ctx: Context, transferId: string): string {
  return compositeKey(ctx, KEY.transfer, [transferId]);
}

export function openTransferKey(ctx: Context, parcelId: string): string {
  return compositeKey(ctx, KEY.openTransfer, [parcelId]);
}

export function consentKey(
  ctx: Context,
  transferId: string,
  capacity: ConsentCapacity,
  subject: string,
): string {
  return compositeKey(ctx, KEY.consent, [transferId, capacity, subject]);
}

export function documentKey(ctx: Context, documentHash: string): string {
  return compositeKey(ctx, KEY.document, [documentHash]);
}

export function requireParcel(ctx: Context, parcelId: string): Promise<LandParcel> {
  return requireJson<LandParcel>(ctx, parcelKey(ctx, parcelId), `parcel ${parcelId}`);
}

/** The parcel, refusing one retired by a subdivision or merge. */
export async function requireActiveParcel(ctx: Context, parcelId: string): Promise<LandParcel> {
  const parcel = await requireParcel(ctx, parcelId);
  if (parcel.status !== 'active') {
    throw new ConflictError(
      `parcel ${parcelId} was retired by ${parcel.retiredBy ?? 'a change'} into ${parcel.childIds.join(', ')}`,
    );
  }
  return parcel;
}

export async function requireNewParcelId(ctx: Context, parcelId: string): Promise<void> {
  if (await getJson(ctx, parcelKey(ctx, parcelId))) {
    throw new ConflictError(`parcel ${parcelId} already exists`);
  }
}

export function requireTitle(ctx: Context, parcelId: string): Promise<LandTitle> {
  return requireJson<LandTitle>(ctx, titleKey(ctx, parcelId), `title of parcel ${parcelId}`);
}

/**
 * Writes a parcel's new title and keeps the owner index in step: entries only for DIDs that
 * appear or disappear, so an owner keeping its part is not written (and does not conflict with a
 * concurrent change of another of its parcels). `previous` undefined = a new title.
 */
export async function writeTitle(
  ctx: Context,
  title: LandTitle,
  previous: LandTitle | undefined,
): Promise<void> {
  await putJson(ctx, titleKey(ctx, title.parcelId), title);
  const before = new Set((previous?.owners ?? []).map((o) => o.did));
  const after = new Set(title.owners.map((o) => o.did));
  for (const did of before) {
    if (!after.has(did))
      await ctx.stub.deleteState(compositeKey(ctx, KEY.parcelByOwner, [did, title.parcelId]));
  }
  for (const did of after) {
    if (!before.has(did)) await putIndex(ctx, compositeKey(ctx, KEY.parcelByOwner, [did, title.parcelId]));
  }
}

/** Takes a retired parcel out of its owners' listings; its last title stays as it was. */
export async function removeFromOwnerIndex(ctx: Context, title: LandTitle): Promise<void> {
  for (const owner of title.owners) {
    await ctx.stub.deleteState(compositeKey(ctx, KEY.parcelByOwner, [owner.did, title.parcelId]));
  }
}

/** The parcel and all its ancestors (parents, their parents, ...), the parcel first, each once. */
export async function lineageOf(ctx: Context, parcel: LandParcel): Promise<LandParcel[]> {
  const lineage: LandParcel[] = [parcel];
  const seen = new Set([parcel.parcelId]);
  for (let i = 0; i < lineage.length; i += 1) {
    for (const parentId of lineage[i].parentIds) {
      if (!seen.has(parentId)) {
        if (lineage.length >= MAX_LINEAGE) {
          throw new Error(`lineage of ${parcel.parcelId} is longer than ${MAX_LINEAGE} parcels`);
        }
        seen.add(parentId);
        lineage.push(await requireParcel(ctx, parentId));
      }
    }
  }
  return lineage;
}

/** Encumbrances registered on any parcel of `lineage` (open and released). */
export async function encumbrancesOfLineage(
  ctx: Context,
  lineage: readonly LandParcel[],
): Promise<Encumbrance[]> {
  const result: Encumbrance[] = [];
  for (const parcel of lineage) {
    for (const entry of await queryAll(ctx, KEY.encumbranceByParcel, [parcel.parcelId])) {
      const encumbrance = await getJson<Encumbrance>(ctx, encumbranceKey(ctx, entry.attributes[1]));
      if (encumbrance) result.push(encumbrance);
    }
  }
  return result;
}

/** Open encumbrances that burden the parcel: its own and those of its ancestors, which survive splits and merges. */
export async function openEncumbrancesBurdening(ctx: Context, parcel: LandParcel): Promise<Encumbrance[]> {
  const all = await encumbrancesOfLineage(ctx, await lineageOf(ctx, parcel));
  return all.filter((e) => e.status === 'open');
}

export interface StoredTransfer extends Omit<ParcelTransfer, 'consents' | 'pendingConsents'> {
  consents?: never;
  pendingConsents?: never;
}

export function requireTransfer(ctx: Context, transferId: string): Promise<StoredTransfer> {
  return requireJson<StoredTransfer>(ctx, transferKey(ctx, transferId), `transfer ${transferId}`);
}

/** The id of the parcel's open transfer, if it has one. */
export async function openTransferIdOf(ctx: Context, parcelId: string): Promise<string | undefined> {
  return (await getJson<{ transferId: string }>(ctx, openTransferKey(ctx, parcelId)))?.transferId;
}

/** The transfer, refusing one that is already approved, rejected or withdrawn. */
export async function requireOpenTransfer(ctx: Context, transferId: string): Promise<StoredTransfer> {
  const transfer = await requireTransfer(ctx, transferId);
  if (transfer.status !== 'open') {
    throw new ConflictError(`transfer ${transferId} is ${transfer.status}`);
  }
  return transfer;
}

export async function consentsOf(ctx: Context, transferId: string): Promise<TransferConsent[]> {
  const entries = await queryAll(ctx, KEY.consent, [transferId]);
  return entries.map((entry) => JSON.parse(Buffer.from(entry.value).toString('utf8')) as TransferConsent);
}

export function asParty(consent: TransferConsent): ConsentParty {
  return {
    capacity: consent.capacity as ConsentCapacity,
    did: consent.did,
    encumbranceId: consent.encumbranceId,
  };
}

/** What approval needs now: the required parties given the parcel's open encumbrances, minus consents given. */
export async function consentStatus(
  ctx: Context,
  transfer: StoredTransfer,
): Promise<{ required: ConsentParty[]; given: TransferConsent[]; pending: ConsentParty[] }> {
  const parcel = await requireParcel(ctx, transfer.parcelId);
  const required = requiredConsents(transfer, await openEncumbrancesBurdening(ctx, parcel));
  const given = await consentsOf(ctx, transfer.transferId);
  return { required, given, pending: pendingConsents(required, given.map(asParty)) };
}

/**
 * What a transfer requires, and which of the requirements of `did` it has met or still owes. Only the
 * consent keys of `did` itself are read (point reads): reading the other parties' consents would
 * make the buyer, co-sellers and lenders of one transfer conflict (phantom or MVCC read) whenever
 * two of them consent in the same block.
 */
export async function partyConsentStatus(
  ctx: Context,
  transfer: StoredTransfer,
  did: string,
): Promise<{ required: ConsentParty[]; given: TransferConsent[]; owed: ConsentParty[] }> {
  const parcel = await requireParcel(ctx, transfer.parcelId);
  const required = requiredConsents(transfer, await openEncumbrancesBurdening(ctx, parcel));
  const given: TransferConsent[] = [];
  const owed: ConsentParty[] = [];
  for (const party of required.filter((p) => p.did === did)) {
    const key = consentKey(ctx, transfer.transferId, party.capacity, consentSubject(party));
    const consent = await getJson<TransferConsent>(ctx, key);
    if (consent?.did === did) given.push(consent);
    else owed.push(party);
  }
  return { required, given, owed };
}

/** A transfer as clients see it: with its consents and, while open, the consents still missing. */
export async function transferView(ctx: Context, transfer: StoredTransfer): Promise<ParcelTransfer> {
  if (transfer.status !== 'open') {
    return { ...transfer, consents: await consentsOf(ctx, transfer.transferId), pendingConsents: [] };
  }
  const { given, pending } = await consentStatus(ctx, transfer);
  return { ...transfer, consents: given, pendingConsents: pending };
}

export async function writeConsent(
  ctx: Context,
  transferId: string,
  party: ConsentParty,
): Promise<TransferConsent> {
  const consent: TransferConsent = {
    transferId,
    capacity: party.capacity,
    did: party.did,
    encumbranceId: party.encumbranceId,
    at: txTimeIso(ctx),
    txId: ctx.stub.getTxID(),
  };
  await putJson(ctx, consentKey(ctx, transferId, party.capacity, consentSubject(party)), consent);
  return consent;
}

/**
 * Anchors a document by hash (if not anchored yet) and links it to parcels. A document anchored
 * earlier keeps its type and reference; only new parcel links are added.
 */
export async function linkDocument(
  ctx: Context,
  documentHash: string,
  documentType: DocumentType,
  reference: string,
  parcelIds: readonly string[],
  anchoredBy: string,
): Promise<LandDocument> {
  const key = documentKey(ctx, documentHash);
  const existing = await getJson<LandDocument>(ctx, key);
  const known = new Set(existing?.parcelIds ?? []);
  const added = parcelIds.filter((id, i) => !known.has(id) && parcelIds.indexOf(id) === i);
  const document: LandDocument = existing
    ? { ...existing, parcelIds: [...existing.parcelIds, ...added].sort() }
    : {
        documentHash,
        documentType,
        reference,
        parcelIds: [...added].sort(),
        anchoredAt: txTimeIso(ctx),
        anchoredBy,
        txId: ctx.stub.getTxID(),
      };
  if (!existing || added.length > 0) {
    await putJson(ctx, key, document);
  }
  for (const parcelId of added) {
    await putIndex(ctx, compositeKey(ctx, KEY.documentByParcel, [parcelId, documentHash]));
  }
  return document;
}
