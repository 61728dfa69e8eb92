import { expect } from 'chai';
import { JSONSerializer } from 'fabric-contract-api';
import { contracts } from './index';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract');

describe('telemetry contract metadata', () => {
  it('builds through fabric-shim and describes every transaction with typed results', () => {
    const chaincode = new ChaincodeFromContract(
      [...contracts],
      { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
      {},
      'telemetry',
      '0.1.0',
    );
    const transactions = chaincode.metadata.contracts.telemetry.transactions as {
      name: string;
      tag: string[];
      returns?: unknown;
    }[];
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
    expect(chaincode.metadata.components.schemas).to.include.keys(
      'Feed',
      'BatchAnchor',
      'ThresholdAlert',
      'SeqRange',
    );
  });
});
