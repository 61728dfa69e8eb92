import { expect } from 'chai';
import { schemaIdentityKey } from './schema-identity-key';

describe('schemaIdentityKey', () => {
  const parameter = { type: 'number' };
  const components = { AssetLabel: { type: 'object' } };
  const wrapped = (prop: object, schemas: object) => ({ properties: { prop }, components: { schemas } });

  it('gives fresh wrappers of the same metadata objects the same key', () => {
    expect(schemaIdentityKey(wrapped(parameter, components))).to.equal(
      schemaIdentityKey(wrapped(parameter, components)),
    );
  });

  it('tells equal-looking but distinct parameter schemas apart', () => {
    const twin = { type: 'number' };
    expect(schemaIdentityKey(wrapped(parameter, components))).not.to.equal(
      schemaIdentityKey(wrapped(twin, components)),
    );
  });

  it('keys any other schema by its JSON text', () => {
    expect(schemaIdentityKey({ type: 'string' })).to.equal('json:{"type":"string"}');
    expect(schemaIdentityKey({ ...wrapped(parameter, components), extra: 1 })).to.match(/^json:/);
  });
});
