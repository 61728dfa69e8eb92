import { expect } from 'chai';
import { FakeLedger } from './testing';
import { callerOf, MSP, requireCaller, requireMsp, ROLE } from './access';

describe('access control', () => {
  const ledger = new FakeLedger();

  it('reads MSP ID, role attribute and X.509 id from the client identity', () => {
    const { ctx } = ledger.begin({ mspId: MSP.City, role: ROLE.Registrar, user: 'alice' });
    expect(callerOf(ctx)).to.deep.equal({
      mspId: 'CityMSP',
      role: 'registrar',
      id: 'x509::/CN=alice::/CN=ca.citymsp',
    });
  });

  it('lets a CityMSP registrar pass a registrar rule', () => {
    const { ctx } = ledger.begin({ mspId: MSP.City, role: ROLE.Registrar });
    expect(requireCaller(ctx, { mspIds: [MSP.City], roles: [ROLE.Registrar] }).mspId).to.equal('CityMSP');
  });

  it('denies a UtilityMSP registrar where only CityMSP registrars may act', () => {
    const { ctx } = ledger.begin({ mspId: MSP.Utility, role: ROLE.Registrar });
    expect(() =>
      requireCaller(ctx, { mspIds: [MSP.City], roles: [ROLE.Registrar] }, 'register a person'),
    ).to.throw(
      /^ACCESS_DENIED: UtilityMSP 'registrar' may not register a person; allowed: CityMSP with role 'registrar'$/,
    );
  });

  it('denies a caller whose certificate carries no role', () => {
    const { ctx } = ledger.begin({ mspId: MSP.City });
    expect(() => requireCaller(ctx, { roles: [ROLE.Operator] })).to.throw(
      /^ACCESS_DENIED: CityMSP caller without a role/,
    );
  });

  it('accepts a caller matching any one of several rules', () => {
    const { ctx } = ledger.begin({ mspId: MSP.Utility, role: ROLE.Operator });
    const caller = requireCaller(ctx, [
      { mspIds: [MSP.City], roles: [ROLE.Operator] },
      { mspIds: [MSP.Utility], roles: [ROLE.Operator] },
    ]);
    expect(caller.role).to.equal('operator');
  });

  it('checks that the caller belongs to the org that owns a record', () => {
    const { ctx } = ledger.begin({ mspId: MSP.City, role: ROLE.Operator });
    expect(() => requireMsp(callerOf(ctx), MSP.Utility, 'rotate this key')).to.throw(
      /^ACCESS_DENIED: CityMSP 'operator' may not rotate this key; only UtilityMSP may$/,
    );
  });
});
