import { expect } from 'chai';
import { chaincodeMetadata } from '@cityledger/chaincode-common/testing';
import { contracts } from './index';

describe('donation-tracking contract metadata', () => {
  it('is built by fabric-shim from the decorators, describing every transaction and record', () => {
    const metadata = chaincodeMetadata(contracts);
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
