/**
 * Subdivision and merge: the registrar retires parcels and registers their successors in one
 * transaction. The successors take the retired parcels' title unchanged (the rules are in
 * parcel-lineage.ts), and the retired parcels stay on the ledger, because their encumbrances
 * still burden the successors and their history is part of the successors' provenance.
 */
import {
  ConflictError,
  emitEvent,
  InvalidArgumentError,
  parseId,
  parseSha256Hex,
  putJson,
  requireCaller,
  txTimeIso,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import {
  MAX_MERGE_PARCELS,
  parseLandUse,
  parseLocation,
  parseParcelIds,
  parseSubdivisionParts,
  parseZoning,
  polygonOf,
} from './land-arguments';
import { planMerge, requireAreaConserved } from './parcel-lineage';
import { REGISTRAR } from './party';
import type { LandParcel, LandTitle } from './records';
import {
  linkDocument,
  openTransferIdOf,
  parcelKey,
  removeFromOwnerIndex,
  requireActiveParcel,
  requireNewParcelId,
  requireTitle,
  writeTitle,
} from './registry-state';

export async function subdivideParcel(
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
  await requireNoOpenTransfer(ctx, pid, 'subdivided');
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
  await retire(
    ctx,
    [parent],
    [parentTitle],
    'subdivision',
    children.map((c) => c.parcelId),
  );
  await createFromLineage(ctx, children, parentTitle, 'subdivision', document);
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

export async function mergeParcels(
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
    await requireNoOpenTransfer(ctx, parentId, 'merged');
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
  await retire(ctx, parents, titles, 'merge', [id]);
  await createFromLineage(ctx, [merged], titles[0], 'merge', document);
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

async function requireNoOpenTransfer(ctx: Context, parcelId: string, what: string): Promise<void> {
  const open = await openTransferIdOf(ctx, parcelId);
  if (open) {
    throw new ConflictError(`parcel ${parcelId} has the open transfer ${open} and cannot be ${what}`);
  }
}

async function retire(
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

async function createFromLineage(
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
