import { expect } from 'chai';
import { JSONSerializer } from 'fabric-contract-api';
import { contracts } from './index';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract');

describe('identity contract metadata', () => {
  it('builds through fabric-shim and describes every transaction with typed results', () => {
    const chaincode = new ChaincodeFromContract(
      [...contracts],
      { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
      {},
      'identity',
      '0.1.0',
    );
    const metadata = chaincode.metadata;
    const transactions = metadata.contracts.identity.transactions as {
      name: string;
      tag: string[];
      returns?: unknown;
    }[];
    const names = transactions.map((t) => t.name);
    expect(names).to.include.members([
      'RegisterPerson',
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
