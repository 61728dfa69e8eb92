/**
 * Queries that read more than one record: owners' holdings, open transfers, a parcel's transfers
 * and the encumbrances burdening it.
 */
import {
  NotFoundError,
  parseBookmark,
  parseDid,
  parseEnum,
  parseId,
  parsePageSize,
  getJson,
  queryPage,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { KEY } from './keys';
import type {
  Encumbrance,
  LandParcel,
  LandTitle,
  ParcelHoldingPage,
  ParcelTransfer,
  ParcelTransferPage,
} from './records';
import {
  encumbrancesOfLineage,
  lineageOf,
  openTransferIdOf,
  parcelKey,
  requireParcel,
  requireTransfer,
  titleKey,
  transferView,
} from './registry-state';

export async function listParcelsOfOwner(
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

export async function getOpenTransfer(ctx: Context, parcelId: string): Promise<ParcelTransfer> {
  const pid = parseId('parcelId', parcelId);
  await requireParcel(ctx, pid);
  const open = await openTransferIdOf(ctx, pid);
  if (!open) {
    throw new NotFoundError(`parcel ${pid} has no open transfer`);
  }
  return transferView(ctx, await requireTransfer(ctx, open));
}

export async function listOpenTransfers(
  ctx: Context,
  pageSize: string,
  bookmark: string,
): Promise<ParcelTransferPage> {
  const size = parsePageSize('pageSize', pageSize);
  const mark = parseBookmark('bookmark', bookmark);
  return queryPage(ctx, KEY.openTransfer, [], size, mark, async (entry) => {
    const { transferId } = JSON.parse(Buffer.from(entry.value).toString('utf8')) as { transferId: string };
    return transferView(ctx, await requireTransfer(ctx, transferId));
  });
}

export async function listTransfersOfParcel(
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

export async function listEncumbrances(
  ctx: Context,
  parcelId: string,
  includeReleased: string,
): Promise<Encumbrance[]> {
  const pid = parseId('parcelId', parcelId);
  const withReleased =
    parseEnum('includeReleased', includeReleased === '' ? 'false' : includeReleased, ['true', 'false']) ===
    'true';
  const parcel = await requireParcel(ctx, pid);
  const all = await encumbrancesOfLineage(ctx, await lineageOf(ctx, parcel));
  return all.filter((e) => withReleased || e.status === 'open');
}
