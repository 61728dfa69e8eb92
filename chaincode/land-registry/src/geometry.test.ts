import { expect } from 'chai';
import * as fc from 'fast-check';
import { formConnectedArea, parsePolygon, polygonHash, sharesBoundary } from './geometry';
import { rectangle } from './test-support';

describe('parcel geometry', () => {
  it('accepts a closed GeoJSON polygon and keeps only type and coordinates', () => {
    const parsed = parsePolygon('location.geometry', {
      ...rectangle(4.1, 50.1, 4.2, 50.2),
      properties: { x: 1 },
    });
    expect(parsed).to.deep.equal(rectangle(4.1, 50.1, 4.2, 50.2));
  });

  it('refuses a ring that is not closed, naming the ring', () => {
    const open = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
        ],
      ],
    };
    expect(() => parsePolygon('g', open)).to.throw(/INVALID_ARGUMENT: g.coordinates\[0\]: must be closed/);
  });

  it('refuses other geometry types, positions out of range and degenerate rings', () => {
    expect(() => parsePolygon('g', { type: 'Point', coordinates: [0, 0] })).to.throw(
      /g.type: must be 'Polygon'/,
    );
    expect(() => parsePolygon('g', rectangle(179, 0, 181, 1))).to.throw(/longitude must be within/);
    expect(() =>
      parsePolygon('g', {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
            [0, 0],
            [0, 0],
          ],
        ],
      }),
    ).to.throw(/at least 3 distinct positions/);
    expect(() =>
      parsePolygon('g', {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            ['1', 1],
            [0, 0],
          ],
        ],
      }),
    ).to.throw(/g.coordinates\[0\]\[2\]: must be a position/);
  });

  it('hashes equal polygons equally whatever the key order of the JSON', () => {
    const a = polygonHash(
      parsePolygon('g', JSON.parse('{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}')),
    );
    const b = polygonHash(
      parsePolygon('g', JSON.parse('{"coordinates":[[[0,0],[1,0],[1,1],[0,0]]],"type":"Polygon"}')),
    );
    expect(a)
      .to.equal(b)
      .and.to.match(/^[0-9a-f]{64}$/);
  });

  it('finds neighbours that share an edge, also when their vertices differ', () => {
    expect(sharesBoundary(rectangle(0, 0, 1, 1), rectangle(1, 0, 2, 1))).to.equal(true);
    expect(sharesBoundary(rectangle(0, 0, 1, 1), rectangle(1, 0.5, 2, 3))).to.equal(true);
  });

  it('does not take parcels touching only in a corner, or lying apart, for neighbours', () => {
    expect(sharesBoundary(rectangle(0, 0, 1, 1), rectangle(1, 1, 2, 2))).to.equal(false);
    expect(sharesBoundary(rectangle(0, 0, 1, 1), rectangle(1.5, 0, 2, 1))).to.equal(false);
  });

  it('sees a row of neighbours as one connected area and a gap as two', () => {
    expect(formConnectedArea([rectangle(0, 0, 1, 1), rectangle(2, 0, 3, 1), rectangle(1, 0, 2, 1)])).to.equal(
      true,
    );
    expect(formConnectedArea([rectangle(0, 0, 1, 1), rectangle(2, 0, 3, 1)])).to.equal(false);
  });

  it('finds the halves of any rectangle cut in two adjacent, in either order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 99 }),
        (x, y, w, h, cutPercent) => {
          const [x0, y0] = [x / 10_000, y / 20_000];
          const [x1, y1] = [x0 + w / 1_000_000, y0 + h / 1_000_000];
          const cut = x0 + ((x1 - x0) * cutPercent) / 100;
          const left = rectangle(x0, y0, cut, y1);
          const right = rectangle(cut, y0, x1, y1);
          expect(sharesBoundary(left, right)).to.equal(true);
          expect(sharesBoundary(right, left)).to.equal(true);
        },
      ),
    );
  });
});
