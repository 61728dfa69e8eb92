/**
 * Registration of a parcel with its first title, and changes of its land use and zoning. Both are
 * the registrar's acts and both anchor the document that evidences them.
 */
import {
  ConflictError,
  emitEvent,
  parseId,
  parsePositiveInteger,
  parseSha256Hex,
  putJson,
  requireCaller,
  txTimeIso,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { parseLandUse, parseLocation, parseShareList, parseZoning } from './land-arguments';
import { REGISTRAR, requireEligibleOwner } from './party';
import type { LandParcel, LandTitle } from './records';
import {
  linkDocument,
  parcelKey,
  requireActiveParcel,
  requireNewParcelId,
  writeTitle,
} from './registry-state';
import { requireWholeTitle } from './shares';

export async function registerParcel(
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

export async function changeLandUse(
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
