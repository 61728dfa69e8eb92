import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { loadGatewayConfig } from '../config/gateway-config';
import { claimAt, roleOfClaim } from './claim-mapping';
import { resolveJwtKeys } from './jwt-keys';
import { issueToken } from './token-issuer';
import { createTokenVerifier } from './token-verifier';

describe('claim mapping', () => {
  it('reads a claim by its whole name first, then along a dotted path', () => {
    const payload = {
      'https://city.example/org': 'CityMSP',
      realm_access: { roles: ['registrar'] },
      resource_access: { cityledger: { roles: ['auditor'] } },
    };
    expect(claimAt(payload, 'https://city.example/org')).to.equal('CityMSP');
    expect(claimAt(payload, 'realm_access.roles')).to.deep.equal(['registrar']);
    expect(claimAt(payload, 'resource_access.cityledger.roles')).to.deep.equal(['auditor']);
    expect(claimAt(payload, 'realm_access.missing')).to.equal(undefined);
    expect(claimAt(payload, 'realm_access.roles.0')).to.equal(undefined);
  });

  it('never follows inherited properties', () => {
    expect(claimAt({}, 'constructor')).to.equal(undefined);
    expect(claimAt({ a: {} }, 'a.__proto__')).to.equal(undefined);
    expect(claimAt({ a: {} }, 'a.toString')).to.equal(undefined);
  });

  it('takes a role name as it is, and from an array the first role the gateway knows', () => {
    expect(roleOfClaim('citizen')).to.equal('citizen');
    expect(roleOfClaim(['offline_access', 'default-roles-city', 'auditor', 'registrar'])).to.equal('auditor');
    expect(roleOfClaim(['offline_access', 42])).to.equal(undefined);
  });

  it('has development tokens carry their claims where a custom mapping reads them', () => {
    const config = loadGatewayConfig({
      JWT_SECRET: 's'.repeat(32),
      JWT_CLAIM_USER: 'preferred_username',
      JWT_CLAIM_ORG: 'cityledger.org',
      JWT_CLAIM_ROLE: 'realm_access.roles',
    });
    const keys = resolveJwtKeys(config);
    const token = issueToken(keys, { userId: 'rita', mspId: 'CityMSP', role: 'registrar' }, 60);
    expect(jwt.decode(token)).to.deep.include({
      sub: 'rita',
      preferred_username: 'rita',
      cityledger: { org: 'CityMSP' },
      realm_access: { roles: 'registrar' },
    });
    const verify = createTokenVerifier(keys, new Set(['CityMSP']));
    expect(verify(token)).to.deep.equal({ userId: 'rita', mspId: 'CityMSP', role: 'registrar' });
  });
});
