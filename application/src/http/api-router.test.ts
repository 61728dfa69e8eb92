import { expect } from 'chai';
import { type TestGateway, personalDataOf, startTestGateway } from '../testing/test-gateway';

describe('api router validation', function () {
  this.timeout(60_000);
  let gateway: TestGateway;

  before(async () => {
    gateway = await startTestGateway();
  });
  after(() => gateway.stop());

  const refusalOf = async (method: string, path: string, token: string, body: unknown) => {
    const answer = await gateway.request(method, `/api/v1/channels${path}`, { token, body });
    return [answer.status, answer.body.error?.field, answer.body.error?.message];
  };

  const market = {
    intervalMinutes: 15,
    gateClosureMinutes: 5,
    settlementDelayMinutes: 5,
    gridTariffCentsPerKwh: 30,
    feedInTariffCentsPerKwh: 8,
    gridFeeCentsPerKwh: 2,
  };

  it('says what type a body field of the wrong type must be, naming the field', async () => {
    const operator = gateway.token('uma', 'UtilityMSP', 'operator');
    expect(
      await refusalOf('PUT', '/energy/market/config', operator, { ...market, intervalMinutes: '15' }),
    ).to.deep.equal([400, 'intervalMinutes', 'intervalMinutes: must be a number']);
    const registrar = gateway.token('rita', 'CityMSP', 'registrar');
    expect(
      await refusalOf('POST', '/civic/persons', registrar, {
        id: 12345,
        personalData: personalDataOf('Ada'),
      }),
    ).to.deep.equal([400, 'id', 'id: must be a string']);
    expect(
      await refusalOf('POST', '/civic/persons', registrar, { id: 'ada', personalData: [] }),
    ).to.deep.equal([400, 'personalData', 'personalData: must be an object']);
  });

  it('says a missing body field is required, naming the field', async () => {
    const operator = gateway.token('uma', 'UtilityMSP', 'operator');
    const { intervalMinutes: _left, ...withoutInterval } = market;
    expect(await refusalOf('PUT', '/energy/market/config', operator, withoutInterval)).to.deep.equal([
      400,
      'intervalMinutes',
      'intervalMinutes: is required',
    ]);
    const registrar = gateway.token('rita', 'CityMSP', 'registrar');
    expect(await refusalOf('POST', '/civic/persons', registrar, { id: 'ada' })).to.deep.equal([
      400,
      'personalData',
      'personalData: is required',
    ]);
  });
});
