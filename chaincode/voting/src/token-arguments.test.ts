import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { InvalidArgumentError } from '@cityledger/chaincode-common';
import { bigIntToHex } from '@cityledger/voter';
import { parseModularHex, parseRsaPublicKeyPem } from './token-arguments';
import { authorityKey } from './voting-test-support';

describe('Token arguments of the voting contract', () => {
  it("reports a key @cityledger/voter refuses as the contract's INVALID_ARGUMENT for that field", () => {
    const { key, publicKeyPem } = authorityKey();
    expect(parseRsaPublicKeyPem('k', publicKeyPem).pem).to.equal(key.pem);
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    expect(() => parseRsaPublicKeyPem('tokenKeyPem', ec))
      .to.throw(InvalidArgumentError, 'INVALID_ARGUMENT: tokenKeyPem: must be an RSA key')
      .with.property('field', 'tokenKeyPem');
  });

  it('reads numbers mod n only as fixed-length hex between 1 and n-1', () => {
    const { key } = authorityKey();
    expect(parseModularHex('s', '0'.repeat(511) + '5', key)).to.equal(5n);
    expect(() => parseModularHex('s', 'ff', key)).to.throw(
      'INVALID_ARGUMENT: s: must be 512 hexadecimal digits',
    );
    expect(() => parseModularHex('s', '0'.repeat(512), key)).to.throw(/between 1 and the modulus/);
    expect(() => parseModularHex('s', bigIntToHex(key.n, key.k), key)).to.throw(/between 1 and the modulus/);
  });
});
