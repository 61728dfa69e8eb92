import { expect } from 'chai';
import { contracts } from './index';

// fabric-shim builds the metadata the peer serves from the decorators; it throws on unknown types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { JSONSerializer } = require('fabric-contract-api');

interface Metadata {
  contracts: Record<
    string,
    { info: { title: string }; transactions: { name: string; tag: string[]; returns?: unknown }[] }
  >;
  components: { schemas: Record<string, unknown> };
}

describe('land-registry contract metadata', () => {
  const chaincode = new ChaincodeFromContract(
    contracts.slice(),
    { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
    {},
    'title',
    '0.1.0',
  );
  const metadata = chaincode.metadata as Metadata;
  const contract = metadata.contracts['land-registry'];

  it('is built by fabric-shim from the decorators of the one exported contract', () => {
    expect(contracts).to.have.length(1);
    expect(contract.info.title).to.equal('CityLedger land registry');
  });

  it('marks the workflow steps as submitted transactions and the lookups as evaluated queries', () => {
    const tagsOf = (name: string) => contract.transactions.find((t) => t.name === name)?.tag ?? [];
    for (const name of [
      'RegisterParcel',
      'ChangeLandUse',
      'ProposeTransfer',
      'AcceptTransfer',
      'ConsentToTransfer',
      'WithdrawTransfer',
      'RejectTransfer',
      'ApproveTransfer',
      'RegisterEncumbrance',
      'ReleaseEncumbrance',
      'SubdivideParcel',
      'MergeParcels',
      'AnchorDocument',
    ]) {
      expect(tagsOf(name), name).to.include('SUBMIT');
    }
    for (const name of [
      'GetParcel',
      'GetTitle',
      'ListParcelsOfOwner',
      'GetTransfer',
      'GetOpenTransfer',
      'ListOpenTransfers',
      'ListTransfersOfParcel',
      'GetEncumbrance',
      'ListEncumbrances',
      'GetDocument',
      'ListDocumentsOfParcel',
      'GetProvenance',
    ]) {
      expect(tagsOf(name), name).to.include('EVALUATE');
    }
  });

  it('describes every record type the transactions return', () => {
    for (const name of [
      'LandParcel',
      'ParcelLocation',
      'LandTitle',
      'TitleShare',
      'ParcelTransfer',
      'TransferConsent',
      'PendingConsent',
      'Encumbrance',
      'LandDocument',
      'ParcelHoldingPage',
      'ParcelTransferPage',
      'LandDocumentPage',
      'ProvenanceEntry',
    ]) {
      expect(metadata.components.schemas, name).to.have.property(name);
    }
    expect(contract.transactions.every((t) => t.returns !== undefined)).to.equal(true);
  });
});
