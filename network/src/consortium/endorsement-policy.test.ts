import { expect } from 'chai';
import {
  EndorsementPolicyError,
  parseEndorsementPolicy,
  resolveEndorsementPolicy,
} from './endorsement-policy';
import { formatSignaturePolicy, parseSignaturePolicy, PolicySyntaxError } from './signature-policy';

const energyMembers = ['CityMSP', 'UtilityMSP', 'AuditorMSP'];

describe('endorsement policies', () => {
  it('resolves MAJORITY Endorsement over three members to two out of their peers', () => {
    expect(formatSignaturePolicy(resolveEndorsementPolicy('MAJORITY Endorsement', energyMembers))).to.equal(
      "OutOf(2, 'CityMSP.peer', 'UtilityMSP.peer', 'AuditorMSP.peer')",
    );
  });

  it('takes floor(n/2)+1 members for a majority', () => {
    const threshold = (count: number) => {
      const members = Array.from({ length: count }, (_, i) => `Org${i}MSP`);
      const policy = resolveEndorsementPolicy('MAJORITY Endorsement', members);
      return policy.kind === 'outOf' ? policy.n : NaN;
    };
    expect([1, 2, 3, 4, 5, 6].map(threshold)).to.deep.equal([1, 2, 2, 3, 3, 4]);
  });

  it('resolves ANY and ALL Endorsement to one or every member peer', () => {
    expect(formatSignaturePolicy(resolveEndorsementPolicy('ANY Endorsement', energyMembers))).to.equal(
      "OR('CityMSP.peer', 'UtilityMSP.peer', 'AuditorMSP.peer')",
    );
    expect(formatSignaturePolicy(resolveEndorsementPolicy('  ALL   Endorsement ', energyMembers))).to.equal(
      "AND('CityMSP.peer', 'UtilityMSP.peer', 'AuditorMSP.peer')",
    );
  });

  it('passes a signature policy over channel members through unchanged', () => {
    const text = "AND('UtilityMSP.peer', OR('CityMSP.peer', 'AuditorMSP.peer'))";
    expect(resolveEndorsementPolicy(text, energyMembers)).to.deep.equal(parseSignaturePolicy(text));
    expect(parseEndorsementPolicy(text).kind).to.equal('signature');
    expect(parseEndorsementPolicy('MAJORITY Endorsement')).to.deep.equal({
      kind: 'channelReference',
      rule: 'MAJORITY',
      subPolicy: 'Endorsement',
    });
  });

  it('rejects a signature policy that names an organisation outside the channel', () => {
    expect(() => resolveEndorsementPolicy("AND('CityMSP.peer', 'CommunityMSP.peer')", energyMembers))
      .to.throw(EndorsementPolicyError)
      .with.property('message')
      .that.matches(/'CommunityMSP', which is not a member of the channel/);
  });

  it('rejects a channel policy rule that Fabric does not know', () => {
    expect(() => resolveEndorsementPolicy('MOST Endorsement', energyMembers)).to.throw(
      EndorsementPolicyError,
      /rule 'MOST' must be ANY, ALL or MAJORITY/,
    );
    expect(() => resolveEndorsementPolicy('majority Endorsement', energyMembers)).to.throw(
      EndorsementPolicyError,
      /rule 'majority'/,
    );
  });

  it('rejects a reference to a channel policy other than Endorsement', () => {
    expect(() => resolveEndorsementPolicy('MAJORITY Writers', energyMembers)).to.throw(
      EndorsementPolicyError,
      /not 'Writers'/,
    );
  });

  it('reports malformed signature policies as syntax errors with a position', () => {
    expect(() => resolveEndorsementPolicy("AND('CityMSP.peer'", energyMembers)).to.throw(
      PolicySyntaxError,
      /at position 18/,
    );
  });

  it('rejects a channel without members or with a member listed twice', () => {
    expect(() => resolveEndorsementPolicy('ANY Endorsement', [])).to.throw(
      EndorsementPolicyError,
      /no members/,
    );
    expect(() => resolveEndorsementPolicy('ANY Endorsement', ['CityMSP', 'CityMSP'])).to.throw(
      EndorsementPolicyError,
      /'CityMSP' is listed twice/,
    );
  });
});
