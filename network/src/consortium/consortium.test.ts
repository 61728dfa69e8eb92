import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  Consortium,
  ConsortiumLookupError,
  defaultConsortiumPath,
  loadConsortium,
  parseConsortium,
} from './consortium';
import { ConsortiumError } from './consortium-validation';
import { evaluateSignaturePolicy, formatSignaturePolicy, minimumOrgSets } from './signature-policy';

describe('the consortium', () => {
  let consortium: Consortium;

  before(() => {
    consortium = loadConsortium();
  });

  it('finds network/consortium.yaml next to the compiled module', () => {
    expect(path.isAbsolute(defaultConsortiumPath())).to.equal(true);
    expect(defaultConsortiumPath()).to.match(/network[\\/]consortium\.yaml$/);
  });

  it('loads the real consortium definition with its organisations and channels', () => {
    expect(consortium.name).to.equal('cityledger');
    expect(consortium.organizations.map((org) => org.mspId)).to.deep.equal([
      'OrdererMSP',
      'CityMSP',
      'UtilityMSP',
      'CommunityMSP',
      'AuditorMSP',
    ]);
    expect(consortium.peerOrganizations().map((org) => org.mspId)).to.not.include('OrdererMSP');
    expect(consortium.channelNames()).to.deep.equal(['energy', 'civic']);
    expect(consortium.channelsOf('CityMSP').map((channel) => channel.name)).to.deep.equal([
      'energy',
      'civic',
    ]);
    expect(consortium.channelsOf('UtilityMSP').map((channel) => channel.name)).to.deep.equal(['energy']);
    expect(consortium.organization('OrdererMSP').orderers).to.deep.equal([
      'orderer0',
      'orderer1',
      'orderer2',
    ]);
  });

  it('requires both City and Auditor peers to endorse land-registry on civic', () => {
    const policy = consortium.endorsementPolicy('civic', 'land-registry');
    expect(formatSignaturePolicy(policy)).to.equal("AND('CityMSP.peer', 'AuditorMSP.peer')");
    expect(minimumOrgSets(policy)).to.deep.equal([['AuditorMSP', 'CityMSP']]);
  });

  it('resolves MAJORITY Endorsement on energy to two of the three member peers', () => {
    expect(formatSignaturePolicy(consortium.endorsementPolicy('energy', 'telemetry'))).to.equal(
      "OutOf(2, 'CityMSP.peer', 'UtilityMSP.peer', 'AuditorMSP.peer')",
    );
  });

  it('lets the grid operator and either City or the auditor endorse energy trading', () => {
    const policy = consortium.endorsementPolicy('energy', 'energy-trading');
    expect(minimumOrgSets(policy)).to.deep.equal([
      ['AuditorMSP', 'UtilityMSP'],
      ['CityMSP', 'UtilityMSP'],
    ]);
    expect(evaluateSignaturePolicy(policy, [{ mspId: 'CityMSP', role: 'peer' }])).to.equal(false);
  });

  it('resolves every chaincode endorsement policy over its channel members only', () => {
    for (const channel of consortium.definition.channels) {
      for (const chaincode of channel.chaincodes) {
        const orgs = minimumOrgSets(consortium.endorsementPolicy(channel.name, chaincode.name)).flat();
        expect(orgs, `${channel.name}/${chaincode.name}`).to.have.length.greaterThan(0);
        expect(channel.members, `${channel.name}/${chaincode.name}`).to.include.members(orgs);
      }
    }
  });

  it('names the organisations that hold a private data collection', () => {
    expect(consortium.collection('civic', 'identity', 'CityPersonalData').memberOnlyRead).to.equal(true);
    expect(consortium.collectionMembers('civic', 'identity', 'CityPersonalData')).to.deep.equal(['CityMSP']);
  });

  it('names the channel and chaincode when a lookup fails', () => {
    expect(() => consortium.chaincode('energy', 'land-registry')).to.throw(
      ConsortiumLookupError,
      /channel 'energy' has no chaincode 'land-registry'/,
    );
    expect(() => consortium.endorsementPolicy('parking', 'telemetry')).to.throw(
      ConsortiumLookupError,
      /'parking'/,
    );
    expect(() => consortium.collection('civic', 'voting', 'Ballots')).to.throw(
      ConsortiumLookupError,
      /chaincode 'voting' on channel 'civic' has no collection 'Ballots'/,
    );
    expect(() => consortium.organization('BankMSP')).to.throw(
      ConsortiumLookupError,
      /unknown organization 'BankMSP'/,
    );
  });

  it('runs the BFT profile with one ordering org per member, operated by that member', () => {
    const bft = consortium.withBftOrdering();
    expect(bft.organizations.map((org) => [org.mspId, org.orderers, org.peers])).to.deep.equal([
      ['CityMSP', [], ['peer0']],
      ['UtilityMSP', [], ['peer0']],
      ['CommunityMSP', [], ['peer0']],
      ['AuditorMSP', [], ['peer0']],
      ['CityOrdererMSP', ['orderer0'], []],
      ['UtilityOrdererMSP', ['orderer0'], []],
      ['CommunityOrdererMSP', ['orderer0'], []],
      ['AuditorOrdererMSP', ['orderer0'], []],
    ]);
    expect(bft.operatorOf('AuditorOrdererMSP')).to.equal('AuditorMSP');
    expect(bft.operatorOf('AuditorMSP')).to.equal('AuditorMSP');
    expect(bft.organization('CommunityOrdererMSP').domain).to.equal('ordering.community.cityledger.example');
    expect(bft.definition.channels).to.deep.equal(consortium.definition.channels);
  });

  it('says so when asked for BFT ordering the consortium does not declare', () => {
    const { bft: _omitted, ...ordering } = consortium.definition.ordering;
    const withoutBft = Consortium.fromDefinition({ ...consortium.definition, ordering });
    expect(() => withoutBft.withBftOrdering()).to.throw(ConsortiumLookupError, /no ordering\.bft consenters/);
  });

  it('cannot be changed after validation', () => {
    expect(() => {
      (consortium.definition.channels[0].members as string[]).push('BankMSP');
    }).to.throw(TypeError);
  });

  describe('loading files', () => {
    let directory: string;

    beforeEach(() => {
      directory = mkdtempSync(path.join(tmpdir(), 'cityledger-consortium-'));
    });

    afterEach(() => {
      rmSync(directory, { recursive: true, force: true });
    });

    it('names the file and the line of a YAML syntax error', () => {
      const file = path.join(directory, 'consortium.yaml');
      writeFileSync(file, 'name: cityledger\norganizations:\n  - mspId: [CityMSP\n');
      expect(() => loadConsortium(file))
        .to.throw(ConsortiumError)
        .with.property('message')
        .that.matches(new RegExp(`^${escape(file)}: line \\d+, column \\d+: YAML syntax error`));
    });

    it('names a file that cannot be read', () => {
      const file = path.join(directory, 'missing.yaml');
      expect(() => loadConsortium(file)).to.throw(ConsortiumError, `${file}: (file): cannot be read`);
    });

    it('rejects a key given twice', () => {
      expect(() => parseConsortium('name: a\nname: b\n', 'consortium.yaml')).to.throw(
        ConsortiumError,
        /^consortium\.yaml: line 2, column 1: YAML syntax error: .*unique/,
      );
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
