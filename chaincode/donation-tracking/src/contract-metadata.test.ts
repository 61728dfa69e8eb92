import { expect } from 'chai';
import { JSONSerializer } from 'fabric-contract-api';
import { contracts } from './index';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract');

interface Metadata {
  contracts: Record<string, { transactions: { name: string; tag: string[]; returns?: unknown }[] }>;
  components: { schemas: Record<string, { properties: Record<string, unknown> }> };
}

describe('donation-tracking contract metadata', () => {
  it('is built by fabric-shim from the decorators, describing every transaction and record', () => {
    const chaincode = new ChaincodeFromContract(
      contracts.slice(),
      { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
      {},
      'title',
      '0.1.0',
    );
    const metadata = chaincode.metadata as Metadata;
    const transactions = metadata.contracts['donation-tracking'].transactions;
    const submits = transactions.filter((t) => t.tag.includes('SUBMIT')).map((t) => t.name);
    expect(submits.sort()).to.deep.equal(
      [
        'ApproveMilestone',
        'CancelCampaign',
        'ClaimAnonymousRefund',
        'CloseCampaign',
        'ConfirmDisbursement',
        'CreateCampaign',
        'Disburse',
        'Donate',
        'RejectMilestone',
        'SubmitMilestoneEvidence',
      ].sort(),
    );
    expect(
      transactions.every((t) => t.returns !== undefined),
      'every transaction declares its result',
    ).to.equal(true);
    for (const record of [
      'Campaign',
      'CampaignMilestone',
      'Donation',
      'Disbursement',
      'DonationTrace',
      'CampaignReconciliation',
    ]) {
      expect(metadata.components.schemas, record).to.have.property(record);
    }
    expect(metadata.components.schemas.Donation.properties.amountCents).to.deep.equal({ type: 'number' });
    expect(metadata.components.schemas.Campaign.properties.status).to.deep.equal({ type: 'string' });
  });
});
