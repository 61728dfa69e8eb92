/**
 * Mortgages, liens and easements. The registrar registers them; only the holder releases them.
 * They burden the land rather than a parcel id: subdivision and merge carry them to the new parcels
 * (see lineageOf in registry-state.ts), and open mortgages and liens block transfers until their
 * holder consents.
 */
import {
  AccessDeniedError,
  compositeKey,
  ConflictError,
  emitEvent,
  getJson,
  InvalidArgumentError,
  parseDid,
  parseEnum,
  parseId,
  parseOptionalString,
  parsePositiveInteger,
  parseSha256Hex,
  putIndex,
  putJson,
  requireCaller,
  requireControlledCallerDid,
  requireJson,
  txTimeIso,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { KEY } from './keys';
import { parseCurrency } from './land-arguments';
import { REGISTRAR, requireActiveHolder } from './party';
import { ENCUMBRANCE_KINDS, type DocumentType, type Encumbrance, type EncumbranceKind } from './records';
import { encumbranceKey, linkDocument, requireActiveParcel } from './registry-state';

const DOCUMENT_OF_ENCUMBRANCE: Readonly<Record<EncumbranceKind, DocumentType>> = {
  mortgage: 'mortgage-deed',
  lien: 'lien-notice',
  easement: 'easement-deed',
};

export async function registerEncumbrance(
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
  const money = parseSecuredAmount(type, amount, currency);
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

export async function releaseEncumbrance(
  ctx: Context,
  encumbranceId: string,
  documentHash: string,
): Promise<Encumbrance> {
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

function parseSecuredAmount(
  kind: EncumbranceKind,
  amount: string,
  currency: string,
): { amount?: number; currency?: string } {
  if (kind === 'easement') {
    if (amount !== '' || currency !== '') {
      throw new InvalidArgumentError(amount !== '' ? 'amount' : 'currency', 'must be empty for an easement');
    }
    return {};
  }
  if (kind === 'lien' && amount === '' && currency === '') {
    return {};
  }
  return { amount: parsePositiveInteger('amount', amount), currency: parseCurrency('currency', currency) };
}
