import { expect } from 'chai';
import { chaincodeMetadata } from '@cityledger/chaincode-common/testing';
import { contracts } from './index';

describe('land-registry contract metadata', () => {
  const metadata = chaincodeMetadata(contracts);
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
