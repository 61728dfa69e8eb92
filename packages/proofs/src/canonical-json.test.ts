import { expect } from 'chai';
import { utf8ToBytes, bytesToHex } from '@noble/hashes/utils';
import { canonicalJson } from './canonical-json';
import ledgerVectors from './test-vectors/canonical-json.json';
import rfc8785 from './test-vectors/rfc8785.json';

describe('canonicalJson', () => {
  it('sorts keys recursively and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).to.equal(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('gives the same text whatever the insertion order, numeric-looking keys included', () => {
    const one = { '10': 'a', '9': 'b', x: 1 };
    const two = { x: 1, '9': 'b', '10': 'a' };
    expect(canonicalJson(one)).to.equal(canonicalJson(two)).and.to.equal('{"10":"a","9":"b","x":1}');
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

  it('writes a lone surrogate as an escape, where RFC 8785 would refuse the value', () => {
    expect(canonicalJson({ s: 'a\ud800' })).to.equal('{"s":"a\\ud800"}');
  });

  describe('the bytes already on the ledgers (test-vectors/canonical-json.json)', () => {
    for (const vector of ledgerVectors.cases) {
      it(vector.name, () => {
        expect(canonicalJson(JSON.parse(vector.input))).to.equal(vector.canonical);
      });
    }
  });

  describe('RFC 8785 (JCS) examples (test-vectors/rfc8785.json)', () => {
    it('canonicalises the sample of section 3.2.2 into the UTF-8 bytes of section 3.2.4', () => {
      const canonical = canonicalJson(JSON.parse(rfc8785.values.input));
      expect(canonical).to.equal(rfc8785.values.canonical);
      expect(bytesToHex(utf8ToBytes(canonical))).to.equal(rfc8785.values.utf8Hex.replace(/ /g, ''));
    });

    it('sorts properties by UTF-16 code units (section 3.2.3)', () => {
      const members = rfc8785.sorting.sortedMembers.map(
        ([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`,
      );
      expect(canonicalJson(JSON.parse(rfc8785.sorting.input))).to.equal(`{${members.join(',')}}`);
    });

    for (const { ieee754, json } of rfc8785.numbers) {
      it(`serialises the double ${ieee754} as ${json ?? 'an error'} (Appendix B)`, () => {
        const view = new DataView(new ArrayBuffer(8));
        view.setBigUint64(0, BigInt(`0x${ieee754}`));
        const value = view.getFloat64(0);
        if (json === null) expect(() => canonicalJson(value)).to.throw(/finite/);
        else expect(canonicalJson(value)).to.equal(json);
      });
    }
  });
});
