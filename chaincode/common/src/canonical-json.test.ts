import { expect } from 'chai';
import { canonicalJson, canonicalJsonBuffer } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys recursively and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).to.equal(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('gives the same bytes whatever the insertion order, numeric-looking keys included', () => {
    const one = { '10': 'a', '9': 'b', x: 1 };
    const two = { x: 1, '9': 'b', '10': 'a' };
    expect(canonicalJson(one)).to.equal(canonicalJson(two)).and.to.equal('{"10":"a","9":"b","x":1}');
    expect(canonicalJsonBuffer(one).equals(Buffer.from('{"10":"a","9":"b","x":1}'))).to.equal(true);
  });

  it('leaves out undefined members like JSON.stringify', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).to.equal('{"b":2}');
  });

  it('refuses values that have no JSON form', () => {
    expect(() => canonicalJson({ n: Number.NaN })).to.throw(/finite/);
    expect(() => canonicalJson({ d: new Date(0) })).to.throw(/plain object/);
    expect(() => canonicalJson([undefined])).to.throw(/undefined/);
    expect(() => canonicalJson({ f: () => 1 })).to.throw(/unsupported type/);
  });

  it('serialises instances of record classes as their fields', () => {
    class Record {
      b = 2;
      a = 1;
    }
    expect(canonicalJson(new Record())).to.equal('{"a":1,"b":2}');
  });
});
