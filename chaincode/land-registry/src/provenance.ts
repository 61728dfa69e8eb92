/**
 * The provenance of a parcel: every committed version of its records and of its ancestors', from
 * the key history. An ancestor's encumbrances burden the parcel, so their history belongs to it too.
 */
import { parseId, queryAll, readHistory } from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { KEY } from './keys';
import type { Encumbrance, LandParcel, LandTitle, ProvenanceEntry } from './records';
import { encumbranceKey, lineageOf, parcelKey, requireParcel, titleKey } from './registry-state';

export async function getProvenance(ctx: Context, parcelId: string): Promise<ProvenanceEntry[]> {
  const pid = parseId('parcelId', parcelId);
  const lineage = await lineageOf(ctx, await requireParcel(ctx, pid));
  const entries: ProvenanceEntry[] = [];
  for (const parcel of lineage) {
    const id = parcel.parcelId;
    entries.push(...(await versionsOf<LandParcel>(ctx, 'parcel', id, parcelKey(ctx, id))));
    entries.push(...(await versionsOf<LandTitle>(ctx, 'title', id, titleKey(ctx, id))));
    for (const index of await queryAll(ctx, KEY.encumbranceByParcel, [id])) {
      const key = encumbranceKey(ctx, index.attributes[1]);
      entries.push(...(await versionsOf<Encumbrance>(ctx, 'encumbrance', id, key)));
    }
  }
  return entries.sort(provenanceOrder);
}

type ProvenanceRecordType = 'parcel' | 'title' | 'encumbrance';

/** The committed versions of one record; a deletion has no value and is no version. */
async function versionsOf<T extends LandParcel | LandTitle | Encumbrance>(
  ctx: Context,
  recordType: ProvenanceRecordType,
  parcelId: string,
  key: string,
): Promise<ProvenanceEntry[]> {
  const versions: ProvenanceEntry[] = [];
  for (const h of await readHistory<T>(ctx, key)) {
    if (h.value) {
      versions.push({ parcelId, recordType, txId: h.txId, timestamp: h.timestamp, [recordType]: h.value });
    }
  }
  return versions;
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
