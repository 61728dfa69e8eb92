import { expect } from 'chai';
import {
  AccessDeniedError,
  ConflictError,
  findErrorCode,
  HTTP_STATUS_OF_ERROR_CODE,
  InvalidArgumentError,
  NotFoundError,
} from './errors';

describe('errors', () => {
  it('prefixes every message with its stable code', () => {
    expect(new InvalidArgumentError('did', 'must be a DID').message).to.equal(
      'INVALID_ARGUMENT: did: must be a DID',
    );
    expect(new AccessDeniedError('no').message).to.equal('ACCESS_DENIED: no');
    expect(new NotFoundError('gone').message).to.equal('NOT_FOUND: gone');
    expect(new ConflictError('exists').message).to.equal('CONFLICT: exists');
  });

  it('finds the code in a message wrapped by the peer', () => {
    const found = findErrorCode(
      'error in simulation: transaction returned with failure: NOT_FOUND: did x does not exist',
    );
    expect(found).to.deep.equal({ code: 'NOT_FOUND', detail: 'did x does not exist' });
    expect(findErrorCode('something else')).to.equal(undefined);
  });

  it('maps every code to the gateway status', () => {
    expect(HTTP_STATUS_OF_ERROR_CODE).to.include({
      INVALID_ARGUMENT: 400,
      ACCESS_DENIED: 403,
      NOT_FOUND: 404,
      CONFLICT: 409,
    });
  });
});
