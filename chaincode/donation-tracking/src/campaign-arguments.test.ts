import { expect } from 'chai';
import { parseBeneficiaries, parseMilestones } from './campaign-arguments';
import { sumCents } from './money';

const milestone = (amountCents: unknown) => ({
  description: 'beds',
  amountCents,
  evidenceRequired: 'invoice',
});

describe('campaign arguments', () => {
  it('parses milestones whose amounts add up to the goal', () => {
    expect(
      parseMilestones('milestonesJson', JSON.stringify([milestone(600), milestone('400')]), 1000),
    ).to.deep.equal([
      { description: 'beds', amountCents: 600, evidenceRequired: 'invoice' },
      { description: 'beds', amountCents: 400, evidenceRequired: 'invoice' },
    ]);
  });

  it('refuses milestones that do not add up to the goal, naming the field', () => {
    expect(() => parseMilestones('milestonesJson', JSON.stringify([milestone(600)]), 1000)).to.throw(
      'INVALID_ARGUMENT: milestonesJson: milestone amounts add up to 600, not to goalCents 1000',
    );
  });

  it('refuses fractional or missing milestone amounts and unknown fields', () => {
    expect(() => parseMilestones('m', JSON.stringify([milestone(10.5)]), 10)).to.throw(
      'INVALID_ARGUMENT: m[0].amountCents',
    );
    expect(() =>
      parseMilestones('m', JSON.stringify([{ description: 'x', evidenceRequired: 'y' }]), 10),
    ).to.throw('INVALID_ARGUMENT: m[0].amountCents');
    expect(() => parseMilestones('m', JSON.stringify([{ ...milestone(10), extra: 1 }]), 10)).to.throw(
      "INVALID_ARGUMENT: m[0]: has unknown field(s) 'extra'",
    );
    expect(() => parseMilestones('m', '[]', 10)).to.throw(
      'INVALID_ARGUMENT: m: must have at least 1 item(s)',
    );
  });

  it('parses distinct beneficiary DIDs of the channel only', () => {
    expect(parseBeneficiaries('b', '["did:cityledger:civic:a"]', 'civic')).to.deep.equal([
      'did:cityledger:civic:a',
    ]);
    expect(() =>
      parseBeneficiaries('b', '["did:cityledger:civic:a","did:cityledger:civic:a"]', 'civic'),
    ).to.throw('INVALID_ARGUMENT: b[1]: duplicates an earlier item');
    expect(() => parseBeneficiaries('b', '["did:cityledger:energy:a"]', 'civic')).to.throw(
      "INVALID_ARGUMENT: b[0]: must be a DID of channel 'civic'",
    );
  });

  it('sums cents exactly and refuses sums beyond exact integers', () => {
    expect(sumCents([1, 2, 3])).to.equal(6);
    expect(() => sumCents([Number.MAX_SAFE_INTEGER, 1])).to.throw('INVALID_ARGUMENT: amountCents');
  });
});
