/**
 * Parsers for the land-registry's JSON arguments. Each names the offending field in its error
 * (`INVALID_ARGUMENT: ownersJson[1].shares: ...`).
 */
import {
  canonicalJson,
  InvalidArgumentError,
  parseArray,
  parseDid,
  parseEnum,
  parseId,
  parseJsonObject,
  parseOptionalString,
  parsePositiveInteger,
  parseSha256Hex,
  parseString,
} from '@cityledger/chaincode-common';
import { parsePolygon, polygonHash, type Polygon } from './geometry';
import { LAND_USES, type LandUse, type ParcelLocation } from './records';
import { SHARE_DENOMINATOR, sortShares, type Share } from './shares';

const ZONING_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,31}$/;
const CURRENCY_PATTERN = /^[A-Z]{3}$/;
/** More than a city block's worth of parcels in one subdivision is a data-entry error. */
export const MAX_SUBDIVISION_PARTS = 100;
export const MAX_MERGE_PARCELS = 20;

/** `[{ "did": ..., "shares": ... }]` with distinct DIDs of this channel and shares in 1..10,000; sorted by DID. */
export function parseShareList(field: string, value: unknown, channel: string): Share[] {
  const list = parseArray(
    field,
    value,
    (itemField, item) => {
      const entry = parseJsonObject(itemField, item, { allowedKeys: ['did', 'shares'] });
      return {
        did: parseDid(`${itemField}.did`, entry.did, { channel }).did,
        shares: parsePositiveInteger(`${itemField}.shares`, entry.shares, { max: SHARE_DENOMINATOR }),
      };
    },
    { minItems: 1, maxItems: 100 },
  );
  list.forEach((share, i) => {
    if (list.findIndex((other) => other.did === share.did) !== i) {
      throw new InvalidArgumentError(`${field}[${i}].did`, `names ${share.did} twice`);
    }
  });
  return sortShares(list);
}

export interface ParsedLocation {
  location: ParcelLocation;
  /** The polygon when it is on the ledger (for adjacency checks). */
  polygon?: Polygon;
}

/**
 * `{ "geometry": <GeoJSON Polygon>, "geometryRef"?: ... }` or `{ "geometryHash": <sha256>, "geometryRef": ... }`:
 * the polygon itself, or only its hash and where the survey that holds it is kept.
 */
export function parseLocation(field: string, value: unknown): ParsedLocation {
  const raw = parseJsonObject(field, value, { allowedKeys: ['geometry', 'geometryHash', 'geometryRef'] });
  const geometryRef = parseOptionalString(`${field}.geometryRef`, raw.geometryRef, { maxLength: 256 });
  if (raw.geometry !== undefined) {
    if (raw.geometryHash !== undefined) {
      throw new InvalidArgumentError(
        `${field}.geometryHash`,
        'must be left out when the geometry is given (it is computed)',
      );
    }
    const polygon = parsePolygon(`${field}.geometry`, raw.geometry);
    return {
      location: { geometry: canonicalJson(polygon), geometryHash: polygonHash(polygon), geometryRef },
      polygon,
    };
  }
  if (raw.geometryHash === undefined) {
    throw new InvalidArgumentError(
      field,
      'must give either geometry (a GeoJSON Polygon) or geometryHash with geometryRef',
    );
  }
  const geometryHash = parseSha256Hex(`${field}.geometryHash`, raw.geometryHash);
  if (geometryRef === undefined) {
    throw new InvalidArgumentError(
      `${field}.geometryRef`,
      'is required when only the geometry hash is given',
    );
  }
  return { location: { geometryHash, geometryRef } };
}

/** The stored polygon of a location, when it is on the ledger. */
export function polygonOf(location: ParcelLocation): Polygon | undefined {
  return location.geometry === undefined ? undefined : (JSON.parse(location.geometry) as Polygon);
}

export function parseLandUse(field: string, value: unknown): LandUse {
  return parseEnum(field, value, LAND_USES);
}

/** A zoning code of the municipal plan, '' for none. */
export function parseZoning(field: string, value: unknown): string {
  return (
    parseOptionalString(field, value, {
      maxLength: 32,
      pattern: ZONING_PATTERN,
      patternDescription: 'a zoning code of letters, digits, spaces and . _ / -',
    }) ?? ''
  );
}

export function parseCurrency(field: string, value: unknown): string {
  return parseString(field, value, {
    pattern: CURRENCY_PATTERN,
    patternDescription: 'an ISO 4217 code like EUR',
  });
}

export function parseReason(field: string, value: unknown, required: boolean): string {
  if (!required) {
    return parseOptionalString(field, value, { maxLength: 1000 }) ?? '';
  }
  return parseString(field, value, { maxLength: 1000 });
}

export interface SubdivisionPart {
  parcelId: string;
  areaM2: number;
  location: ParcelLocation;
  /** Defaults to the parent's. */
  landUse?: LandUse;
  zoning?: string;
}

/** `[{ parcelId, areaM2, location, landUse?, zoning? }]`: at least two new parcels with distinct ids. */
export function parseSubdivisionParts(field: string, value: unknown, parentId: string): SubdivisionPart[] {
  const parts = parseArray(
    field,
    value,
    (itemField, item) => {
      const raw = parseJsonObject(itemField, item, {
        allowedKeys: ['parcelId', 'areaM2', 'location', 'landUse', 'zoning'],
      });
      return {
        parcelId: parseId(`${itemField}.parcelId`, raw.parcelId),
        areaM2: parsePositiveInteger(`${itemField}.areaM2`, raw.areaM2),
        location: parseLocation(`${itemField}.location`, raw.location).location,
        landUse: raw.landUse === undefined ? undefined : parseLandUse(`${itemField}.landUse`, raw.landUse),
        zoning: raw.zoning === undefined ? undefined : parseZoning(`${itemField}.zoning`, raw.zoning),
      };
    },
    { minItems: 2, maxItems: MAX_SUBDIVISION_PARTS },
  );
  parts.forEach((part, i) => {
    if (part.parcelId === parentId || parts.findIndex((p) => p.parcelId === part.parcelId) !== i) {
      throw new InvalidArgumentError(`${field}[${i}].parcelId`, `'${part.parcelId}' is used twice`);
    }
  });
  return parts;
}

/** A JSON array of at least two distinct parcel ids. */
export function parseParcelIds(
  field: string,
  value: unknown,
  opts: { minItems: number; maxItems: number },
): string[] {
  return parseArray(field, value, (itemField, item) => parseId(itemField, item), { ...opts, unique: true });
}
