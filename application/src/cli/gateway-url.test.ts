import { expect } from 'chai';
import { DEFAULT_GATEWAY_URL, gatewayUrl } from './gateway-url';

describe('gateway URL of the command-line tools', () => {
  it('takes --url first, then GATEWAY_URL, then http://127.0.0.1:3000', () => {
    const env = { GATEWAY_URL: 'http://gateway.example:8080/' };
    expect(gatewayUrl('https://other.example/', env)).to.equal('https://other.example');
    expect(gatewayUrl(undefined, env)).to.equal('http://gateway.example:8080');
    expect(gatewayUrl(undefined, {})).to.equal(DEFAULT_GATEWAY_URL);
    expect(DEFAULT_GATEWAY_URL).to.equal('http://127.0.0.1:3000');
  });

  it('refuses what is not an http(s) URL, naming where it came from', () => {
    expect(() => gatewayUrl('localhost:3000', {})).to.throw(
      /^--url localhost:3000: must be an http\(s\) URL/,
    );
    expect(() => gatewayUrl(undefined, { GATEWAY_URL: 'mqtt://x:1883' })).to.throw(
      /^GATEWAY_URL mqtt:\/\/x:1883:/,
    );
  });
});
