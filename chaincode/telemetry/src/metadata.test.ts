import { expect } from 'chai';
import { chaincodeMetadata } from '@cityledger/chaincode-common/testing';
import { contracts } from './index';

describe('telemetry contract metadata', () => {
  it('builds through fabric-shim and describes every transaction with typed results', () => {
    const metadata = chaincodeMetadata(contracts);
    const transactions = metadata.contracts.telemetry.transactions;
    expect(transactions.map((t) => t.name)).to.include.members([
      'CreateFeed',
      'UpdateFeedThresholds',
      'AnchorBatch',
      'VerifyReading',
      'GetBatch',
      'ListAlertsByFeed',
    ]);
    expect(transactions.find((t) => t.name === 'VerifyReading')!.tag).to.deep.equal(['EVALUATE']);
    expect(transactions.every((t) => t.returns !== undefined)).to.equal(true);
    expect(metadata.components.schemas).to.include.keys('Feed', 'BatchAnchor', 'ThresholdAlert', 'SeqRange');
  });
});
