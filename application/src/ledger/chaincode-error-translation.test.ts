import { expect } from 'chai';
import { InvalidInputError, NotFoundError } from '../errors/gateway-errors';
import { httpStatusOf } from '../http/error-response';
import { chaincodeErrorOf } from './chaincode-error-translation';

/** What a Fabric v2.5 peer outside CityPersonalData answers ReadPersonalData when the contract does not catch it. */
const FABRIC_PRIVATE_READ =
  'GET_STATE failed: transaction ID: 9b4f0e6c2a1d8f7e3b5a6c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b: ' +
  'private data matching public hash version is not available. ' +
  'Public hash version = {BlockNum: 5, TxNum: 0}, Private data version = <nil>';

const DISTRIBUTION =
  'requires endorsement from organisation(s) that are not in the distribution policy of the private data ' +
  'collection(s): [CityPersonalData]; retry specifying trusted endorsing organizations to protect transient data';

describe('chaincode error translation', () => {
  it("gives Fabric's missing private data the same class, code and status as the contract's NOT_FOUND", () => {
    const embedded = chaincodeErrorOf(
      'NOT_FOUND: personal data of did:cityledger:civic:ada is not on this peer',
      'identity',
    );
    for (const message of [FABRIC_PRIVATE_READ, `chaincode response 500, ${FABRIC_PRIVATE_READ}`]) {
      const fabric = chaincodeErrorOf(message, 'identity');
      expect(fabric).to.be.instanceOf(NotFoundError);
      expect(fabric.constructor).to.equal(embedded.constructor);
      expect(fabric.code).to.equal(embedded.code).and.equal('NOT_FOUND');
      expect(httpStatusOf(fabric)).to.equal(httpStatusOf(embedded)).and.equal(404);
      expect(fabric.message).to.match(/^the private data is not on this peer \(.*GET_STATE failed/);
    }
  });

  it('turns the refusal to carry transient data outside its collection into a 400 PRIVATE_DATA_DISTRIBUTION', () => {
    const error = chaincodeErrorOf(DISTRIBUTION, 'identity');
    expect(error).to.be.instanceOf(InvalidInputError);
    expect(error).to.include({ code: 'PRIVATE_DATA_DISTRIBUTION', field: 'transient' });
    expect(httpStatusOf(error)).to.equal(400);
    expect(error.message).to.match(
      /^transient: the private data cannot be kept within its collection\(s\) \[CityPersonalData\]/,
    );
    expect(error.message).to.include(DISTRIBUTION);
    const several = chaincodeErrorOf(DISTRIBUTION.replace('[CityPersonalData]', '[A B]'), 'assets');
    expect(several.message).to.include('collection(s) [A B]');
  });

  it('still reads the code a contract put at the start of its message first', () => {
    const coded = chaincodeErrorOf(`CONFLICT: did:cityledger:civic:ada already exists`, 'identity');
    expect(coded.code).to.equal('CONFLICT');
  });
});
