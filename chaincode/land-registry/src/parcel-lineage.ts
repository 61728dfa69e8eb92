/**
 * Rules of subdivision and merge. Areas are whole square metres, so "the parts add up to the whole"
 * is exact integer arithmetic.
 */
import { ConflictError, InvalidArgumentError } from '@cityledger/chaincode-common';
import { formConnectedArea, type Polygon } from './geometry';
import { sameOwnership, type Share } from './shares';

/** Refuses a split whose parts do not add up to the parent's area exactly. */
export function requireAreaConserved(
  field: string,
  parentAreaM2: number,
  childAreasM2: readonly number[],
): void {
  const total = childAreasM2.reduce((sum, a) => sum + a, 0);
  if (total !== parentAreaM2) {
    throw new InvalidArgumentError(
      field,
      `areas must add up to the parent's ${parentAreaM2} m², got ${total} m² (${childAreasM2.join(' + ')})`,
    );
  }
}

export interface MergeCandidate {
  parcelId: string;
  areaM2: number;
  owners: readonly Share[];
  /** Absent when only the geometry's hash is on the ledger. */
  polygon?: Polygon;
}

/**
 * Checks that parcels may be merged and returns the merged area. Parcels must have identical
 * titles (same owners, same shares): a merge must not move any ownership. Adjacency is checked on
 * the polygons when every parcel has one on the ledger; for hash-only parcels the registrar's
 * survey (the merge's document) is the evidence.
 */
export function planMerge(parcels: readonly MergeCandidate[]): { areaM2: number; adjacencyChecked: boolean } {
  const [first, ...rest] = parcels;
  for (const other of rest) {
    if (!sameOwnership(first.owners, other.owners)) {
      throw new ConflictError(
        `parcels ${first.parcelId} and ${other.parcelId} have different owners or shares; only parcels of the same owners may be merged`,
      );
    }
  }
  const polygons = parcels.map((p) => p.polygon);
  const adjacencyChecked = polygons.every((p) => p !== undefined);
  if (adjacencyChecked && !formConnectedArea(polygons as Polygon[])) {
    throw new ConflictError(
      `parcels ${parcels.map((p) => p.parcelId).join(', ')} are not adjacent: their boundaries do not form one connected area`,
    );
  }
  return { areaM2: parcels.reduce((sum, p) => sum + p.areaM2, 0), adjacencyChecked };
}
