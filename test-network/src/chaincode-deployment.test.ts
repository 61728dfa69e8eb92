import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConsortium } from '@cityledger/network';
import { chaincodeDefinitionArgs } from './chaincode-deployment';

describe('chaincode definitions from the consortium', () => {
  const consortium = loadConsortium();
  const chaincode = (channel: string, name: string) =>
    consortium.definition.channels
      .find((c) => c.name === channel)!
      .chaincodes.find((cc) => cc.name === name)!;
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'definitions-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes a signature policy as written in consortium.yaml', () => {
    const args = chaincodeDefinitionArgs(dir, 'civic', chaincode('civic', 'land-registry'), 1);
    expect(args).to.include.members(['--signature-policy', "AND('CityMSP.peer', 'AuditorMSP.peer')"]);
    expect(args).to.not.include('--collections-config');
  });

  it("refers MAJORITY Endorsement to the channel's own Endorsement policy", () => {
    const args = chaincodeDefinitionArgs(dir, 'energy', chaincode('energy', 'telemetry'), 3);
    expect(args.join(' ')).to.contain(
      '--sequence 3 --channel-config-policy /Channel/Application/Endorsement',
    );
  });

  it('writes the collections in the form --collections-config reads', () => {
    const args = chaincodeDefinitionArgs(dir, 'civic', chaincode('civic', 'identity'), 1);
    const file = args[args.indexOf('--collections-config') + 1];
    const collections = JSON.parse(readFileSync(file, 'utf8'));
    expect(collections[0]).to.include({
      name: 'CityPersonalData',
      policy: "OR('CityMSP.member')",
      memberOnlyRead: true,
    });
  });

  it('refuses a channel policy reference the generated channels do not define', () => {
    const anyEndorsement = { ...chaincode('energy', 'telemetry'), endorsementPolicy: 'ANY Endorsement' };
    expect(() => chaincodeDefinitionArgs(dir, 'energy', anyEndorsement, 1)).to.throw(
      /define only MAJORITY Endorsement/,
    );
  });
});
