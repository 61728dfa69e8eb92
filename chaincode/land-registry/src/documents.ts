/**
 * Anchoring of deeds, surveys, court orders and other documents by their SHA-256 hash. The
 * documents themselves stay off the ledger; the hash proves later that a copy is the one registered.
 */
import {
  ConflictError,
  emitEvent,
  getJson,
  parseEnum,
  parseSha256Hex,
  parseString,
  requireCaller,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { parseParcelIds } from './land-arguments';
import { REGISTRAR } from './party';
import { DOCUMENT_TYPES, type LandDocument } from './records';
import { documentKey, linkDocument, requireParcel } from './registry-state';

export async function anchorDocument(
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
