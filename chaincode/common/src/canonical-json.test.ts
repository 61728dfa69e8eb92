import { expect } from 'chai';
import { canonicalJsonBuffer } from './canonical-json';

describe('canonicalJsonBuffer', () => {
  it('is the UTF-8 of the canonical JSON, whatever the insertion order', () => {
    const one = { '10': 'a', '9': 'b', x: 'µ' };
    const two = { x: 'µ', '9': 'b', '10': 'a' };
    expect(canonicalJsonBuffer(one).equals(Buffer.from('{"10":"a","9":"b","x":"µ"}', 'utf8'))).to.equal(true);
    expect(canonicalJsonBuffer(two).equals(canonicalJsonBuffer(one))).to.equal(true);
  });
});
