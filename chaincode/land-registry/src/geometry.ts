/**
 * Parcel geometry: GeoJSON polygons (RFC 7946, WGS 84 longitude/latitude), their hash, and the
 * adjacency test used before a merge.
 *
 * Only + - * / and comparisons are used on coordinates: IEEE 754 makes those exact-to-the-bit on
 * every endorsing peer, where library functions such as Math.hypot or Math.sin are not guaranteed
 * to be.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, InvalidArgumentError } from '@cityledger/chaincode-common';

export interface Polygon {
  type: 'Polygon';
  /** Linear rings: the exterior first, then holes; each closed (first position = last). */
  coordinates: [number, number][][];
}

const MAX_RINGS = 50;
const MAX_POSITIONS = 5000;
/** About 0.1 mm at the equator: two boundaries closer than this are the same line. */
const TOLERANCE_DEGREES = 1e-9;

function fail(field: string, problem: string): never {
  throw new InvalidArgumentError(field, problem);
}

/** Parses and checks a GeoJSON Polygon; returns it with nothing but `type` and `coordinates`. */
export function parsePolygon(field: string, value: unknown): Polygon {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(field, 'must be a GeoJSON Polygon object');
  }
  const { type, coordinates } = value as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon') {
    fail(`${field}.type`, `must be 'Polygon', got ${JSON.stringify(type) ?? 'nothing'}`);
  }
  if (!Array.isArray(coordinates) || coordinates.length === 0 || coordinates.length > MAX_RINGS) {
    fail(`${field}.coordinates`, `must be an array of 1 to ${MAX_RINGS} linear rings`);
  }
  let positions = 0;
  const rings = coordinates.map((ring: unknown, r: number) => {
    const ringField = `${field}.coordinates[${r}]`;
    if (!Array.isArray(ring) || ring.length < 4) {
      fail(ringField, 'must be a linear ring of at least 4 positions');
    }
    positions += ring.length;
    if (positions > MAX_POSITIONS) {
      fail(`${field}.coordinates`, `must have at most ${MAX_POSITIONS} positions in all`);
    }
    const parsed = ring.map((position: unknown, p: number) => parsePosition(`${ringField}[${p}]`, position));
    const first = parsed[0];
    const last = parsed[parsed.length - 1];
    if (first[0] !== last[0] || first[1] !== last[1]) {
      fail(ringField, 'must be closed: its last position must equal its first');
    }
    if (distinctPositions(parsed) < 3) {
      fail(ringField, 'must have at least 3 distinct positions');
    }
    return parsed;
  });
  return { type: 'Polygon', coordinates: rings };
}

function parsePosition(field: string, value: unknown): [number, number] {
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !value.every((n) => typeof n === 'number' && Number.isFinite(n))
  ) {
    fail(field, 'must be a position [longitude, latitude] of two finite numbers');
  }
  const [lon, lat] = value as [number, number];
  if (lon < -180 || lon > 180) fail(field, `longitude must be within [-180, 180], got ${lon}`);
  if (lat < -90 || lat > 90) fail(field, `latitude must be within [-90, 90], got ${lat}`);
  // -0 and 0 print differently in JSON but are the same place.
  return [lon === 0 ? 0 : lon, lat === 0 ? 0 : lat];
}

function distinctPositions(ring: [number, number][]): number {
  return new Set(ring.map(([x, y]) => `${x},${y}`)).size;
}

/** SHA-256 (hex) of the polygon's canonical JSON: what is anchored when only the hash is on the ledger. */
export function polygonHash(polygon: Polygon): string {
  return createHash('sha256').update(canonicalJson(polygon)).digest('hex');
}

type Point = [number, number];

/**
 * Whether the exterior rings of two polygons share a stretch of boundary of positive length (a
 * common edge, or parts of edges lying on one line). Touching in a single corner is not adjacency.
 */
export function sharesBoundary(a: Polygon, b: Polygon): boolean {
  const edgesA = edgesOf(a.coordinates[0]);
  const edgesB = edgesOf(b.coordinates[0]);
  return edgesA.some(([p, q]) => edgesB.some(([r, s]) => overlapOnOneLine(p, q, r, s)));
}

function edgesOf(ring: Point[]): [Point, Point][] {
  const edges: [Point, Point][] = [];
  for (let i = 0; i + 1 < ring.length; i += 1) {
    if (ring[i][0] !== ring[i + 1][0] || ring[i][1] !== ring[i + 1][1]) {
      edges.push([ring[i], ring[i + 1]]);
    }
  }
  return edges;
}

/** Segment rs lies on the line through pq and the two overlap longer than the tolerance. */
function overlapOnOneLine(p: Point, q: Point, r: Point, s: Point): boolean {
  const dx = q[0] - p[0];
  const dy = q[1] - p[1];
  const lengthSquared = dx * dx + dy * dy;
  const tolSquared = TOLERANCE_DEGREES * TOLERANCE_DEGREES;
  // Squared distance of a point from the line pq is cross² / |pq|².
  const offLine = (t: Point) => {
    const cross = dx * (t[1] - p[1]) - dy * (t[0] - p[0]);
    return cross * cross > tolSquared * lengthSquared;
  };
  if (offLine(r) || offLine(s)) {
    return false;
  }
  // Positions of r and s along pq, in units of |pq|².
  const along = (t: Point) => dx * (t[0] - p[0]) + dy * (t[1] - p[1]);
  const lo = Math.max(0, Math.min(along(r), along(s)));
  const hi = Math.min(lengthSquared, Math.max(along(r), along(s)));
  // Overlap length is (hi - lo) / |pq|; compare squares to avoid a square root.
  return hi > lo && (hi - lo) * (hi - lo) > tolSquared * lengthSquared;
}

/** Whether every polygon is linked to every other through a chain of shared boundaries. */
export function formConnectedArea(polygons: readonly Polygon[]): boolean {
  if (polygons.length === 0) {
    return false;
  }
  const reached = new Set<number>([0]);
  const queue = [0];
  while (queue.length > 0) {
    const i = queue.shift()!;
    polygons.forEach((other, j) => {
      if (!reached.has(j) && sharesBoundary(polygons[i], other)) {
        reached.add(j);
        queue.push(j);
      }
    });
  }
  return reached.size === polygons.length;
}
