import { expect } from 'chai';
import { eventPayloadOf } from './transaction-details';

describe('event payloads as gateway answers show them', () => {
  it('gives the JSON value of a JSON payload', () => {
    expect(eventPayloadOf(Buffer.from('{"did":"did:x","n":1}'))).to.deep.equal({ did: 'did:x', n: 1 });
  });

  it('gives other text as it is', () => {
    expect(eventPayloadOf(Buffer.from('parcel-2 sold'))).to.equal('parcel-2 sold');
  });

  it('gives binary bytes as base64, never as mangled text', () => {
    expect(eventPayloadOf(Uint8Array.from([0, 255, 1]))).to.equal('base64:AP8B');
  });
});
