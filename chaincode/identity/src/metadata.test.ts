import { expect } from 'chai';
import { chaincodeMetadata } from '@cityledger/chaincode-common/testing';
import { contracts } from './index';

describe('identity contract metadata', () => {
  it('builds through fabric-shim and describes every transaction with typed results', () => {
    const metadata = chaincodeMetadata(contracts);
    const transactions = metadata.contracts.identity.transactions;
    const names = transactions.map((t) => t.name);
    expect(names).to.include.members([
      'StorePersonalData',
      'RegisterPerson',
      'UpdatePersonalData',
      'RegisterOrganisation',
      'RegisterDevice',
      'RotateDeviceKey',
      'DeactivateDid',
      'IssueCredential',
      'RevokeCredential',
      'IsCredentialValid',
      'IsDidValid',
      'GetDeviceKeyAt',
      'ReadPersonalData',
      'VerifyPersonalData',
    ]);
    expect(transactions.find((t) => t.name === 'IsCredentialValid')!.tag).to.deep.equal(['EVALUATE']);
    expect(transactions.find((t) => t.name === 'RegisterDevice')!.tag).to.include('SUBMIT');
    expect(transactions.every((t) => t.returns !== undefined)).to.equal(true);
    expect(metadata.components.schemas).to.include.keys(
      'DidDocument',
      'VerificationKey',
      'Credential',
      'CredentialValidity',
    );
    expect(metadata.contracts.identity.info.title).to.equal('CityLedger identity');
  });
});
