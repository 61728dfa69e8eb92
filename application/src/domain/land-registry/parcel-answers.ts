import type { LandParcel } from '@cityledger/chaincode-land-registry';
import { z } from 'zod';
import { sha256Hex } from '../common-schemas';
import type { RecordAnswer } from '../ledger-resource';
import { landUse, parcelId, polygon } from './land-registry-schemas';

/**
 * A parcel as the REST API answers it. The chaincode keeps the polygon as its canonical JSON text
 * (that text is what `geometryHash` hashes); clients send it as a GeoJSON object, so they get one
 * back: one encoding per field.
 */
export const landParcelAnswer = z.object({
  parcelId,
  location: z.object({
    geometry: polygon.optional().meta({ description: 'Absent when only the hash is on the ledger' }),
    geometryHash: sha256Hex.meta({ description: 'SHA-256 of the canonical JSON of the polygon' }),
    geometryRef: z.string().optional().meta({ description: 'Survey or archive reference' }),
  }),
  areaM2: z.number().int(),
  landUse,
  zoning: z.string(),
  status: z.enum(['active', 'retired']),
  parentIds: z.array(parcelId),
  childIds: z.array(parcelId),
  retiredBy: z.enum(['subdivision', 'merge']).optional(),
  retiredAt: z.string().optional(),
  registeredAt: z.string(),
  updatedAt: z.string(),
});

const record = z.record(z.string(), z.unknown());

/** The chaincode's parcel with its polygon as an object. */
export function parcelWithGeometry(parcel: LandParcel): z.infer<typeof landParcelAnswer> {
  const { geometry, ...location } = parcel.location;
  return {
    ...(parcel as unknown as z.infer<typeof landParcelAnswer>),
    location: { ...location, ...(geometry === undefined ? {} : { geometry: JSON.parse(geometry) as never }) },
  };
}

type Holding = { parcel: LandParcel; title: unknown };
type ProvenanceEntry = { parcel?: LandParcel };

/** The answers of the land registry's operations that carry parcels. */
export const parcelAnswers = {
  parcel: {
    schema: landParcelAnswer,
    from: (answer) => parcelWithGeometry(answer as LandParcel),
  },
  parcels: {
    schema: z.array(landParcelAnswer),
    from: (answer) => (answer as LandParcel[]).map(parcelWithGeometry),
  },
  holdings: {
    schema: z.object({
      records: z.array(
        z.object({ parcel: landParcelAnswer, title: record.meta({ description: 'As GET …/title' }) }),
      ),
      bookmark: z.string(),
      fetchedRecordsCount: z.number().int(),
    }),
    from: (answer) => {
      const page = answer as { records: Holding[] };
      return { ...page, records: page.records.map((h) => ({ ...h, parcel: parcelWithGeometry(h.parcel) })) };
    },
  },
  provenance: {
    schema: z.array(
      z.object({
        parcelId,
        recordType: z.enum(['parcel', 'title', 'encumbrance']),
        txId: z.string(),
        timestamp: z.string(),
        parcel: landParcelAnswer.optional(),
        title: record.optional().meta({ description: 'As GET …/title' }),
        encumbrance: record.optional().meta({ description: 'As GET /encumbrances/{id}' }),
      }),
    ),
    from: (answer) =>
      (answer as ProvenanceEntry[]).map((entry) =>
        entry.parcel ? { ...entry, parcel: parcelWithGeometry(entry.parcel) } : entry,
      ),
  },
} satisfies Record<string, RecordAnswer>;
