import { expect } from 'chai';
import { failure, FakeLedger } from './testing';
import { checkCredential, requireActiveDid, requireCredential } from './identity-client';

const voter = 'did:cityledger:civic:p1';

describe('identity chaincode client', () => {
  it('asks identity IsCredentialValid on the same channel and parses the JSON answer', async () => {
    const ledger = new FakeLedger('civic');
    ledger.chaincodes.set('identity', async () => ({
      status: 200,
      payload: Buffer.from('{"valid":true,"credentialId":"c1"}'),
    }));
    const { ctx, stub } = ledger.begin({ mspId: 'CommunityMSP' });
    expect(await checkCredential(ctx, voter, 'eligible-voter')).to.deep.equal({
      valid: true,
      credentialId: 'c1',
    });
    expect(stub.invokeChaincode.firstCall.args).to.deep.equal([
      'identity',
      ['IsCredentialValid', voter, 'eligible-voter'],
      '',
    ]);
    expect(await requireCredential(ctx, voter, 'eligible-voter')).to.equal('c1');
  });

  it('denies access when the credential is not valid, giving the reason', async () => {
    const ledger = new FakeLedger('civic');
    ledger.chaincodes.set('identity', async () => ({
      status: 200,
      payload: Buffer.from('{"valid":false,"reason":"revoked"}'),
    }));
    const { ctx } = ledger.begin({ mspId: 'CityMSP' });
    expect(await failure(requireCredential(ctx, voter, 'eligible-voter'))).to.equal(
      "ACCESS_DENIED: did:cityledger:civic:p1 holds no valid 'eligible-voter' credential (revoked)",
    );
  });

  it('keeps the code of an error answered by identity', async () => {
    const ledger = new FakeLedger('civic');
    ledger.chaincodes.set('identity', async () => ({
      status: 500,
      message: 'INVALID_ARGUMENT: did: must be a DID',
    }));
    const { ctx } = ledger.begin({ mspId: 'CityMSP' });
    expect(await failure(checkCredential(ctx, 'x', 'resident'))).to.equal(
      'INVALID_ARGUMENT: identity.IsCredentialValid: did: must be a DID',
    );
  });

  it('reports an uncoded failure or a non-JSON payload as CHAINCODE_CALL_FAILED', async () => {
    const ledger = new FakeLedger('civic');
    const { ctx } = ledger.begin({ mspId: 'CityMSP' });
    expect(await failure(checkCredential(ctx, voter, 'resident'))).to.match(
      /^CHAINCODE_CALL_FAILED: identity.IsCredentialValid answered status 500: chaincode identity not found/,
    );
    ledger.chaincodes.set('identity', async () => ({ status: 200, payload: Buffer.from('nope') }));
    const second = ledger.begin({ mspId: 'CityMSP' });
    expect(await failure(checkCredential(second.ctx, voter, 'resident'))).to.match(
      /payload that is not JSON/,
    );
    ledger.chaincodes.set('identity', async () => ({ status: 200, payload: Buffer.from('{"ok":1}') }));
    const third = ledger.begin({ mspId: 'CityMSP' });
    expect(await failure(checkCredential(third.ctx, voter, 'resident'))).to.match(/unexpected shape/);
  });

  it('maps an unknown DID to NOT_FOUND and a deactivated one to CONFLICT', async () => {
    const ledger = new FakeLedger('civic');
    ledger.chaincodes.set('identity', async (args) => ({
      status: 200,
      payload: Buffer.from(
        args[1].endsWith('gone')
          ? '{"valid":false,"reason":"did-deactivated"}'
          : '{"valid":false,"reason":"unknown-did"}',
      ),
    }));
    const { ctx, stub } = ledger.begin({ mspId: 'CityMSP' });
    expect(await failure(requireActiveDid(ctx, 'did:cityledger:civic:nobody'))).to.equal(
      'NOT_FOUND: did:cityledger:civic:nobody is not registered',
    );
    expect(await failure(requireActiveDid(ctx, 'did:cityledger:civic:gone'))).to.equal(
      'CONFLICT: did:cityledger:civic:gone is not active (did-deactivated)',
    );
    expect(stub.invokeChaincode.firstCall.args[1][0]).to.equal('IsDidValid');
  });
});
