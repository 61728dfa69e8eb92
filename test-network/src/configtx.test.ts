import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type CryptoMaterial, ensureCryptoMaterial, loadConsortium } from '@cityledger/network';
import { buildConfigtx, writeConfigtx } from './configtx';
import { FABRIC_3, type FabricRelease, findFabricRelease } from './fabric-release';
import { networkLayout } from './network-layout';

/* eslint-disable @typescript-eslint/no-explicit-any -- configtx and inspected blocks are read loosely */
describe('configtx.yaml from the consortium', function () {
  this.timeout(60_000);
  const consortium = loadConsortium();
  let dir: string;
  let crypto: CryptoMaterial;
  let configtx: any;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'configtx-'));
    crypto = await ensureCryptoMaterial(consortium.definition, join(dir, 'crypto'));
    configtx = buildConfigtx(consortium, crypto, networkLayout(consortium, dir, 21000));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has one profile per channel with exactly its member orgs, each with its anchor peer', () => {
    expect(Object.keys(configtx.Profiles)).to.deep.equal(['energy', 'civic']);
    const civic = configtx.Profiles.civic.Application.Organizations;
    expect(civic.map((org: any) => org.ID)).to.deep.equal(['CityMSP', 'CommunityMSP', 'AuditorMSP']);
    expect(civic[1].AnchorPeers).to.deep.equal([{ Host: '127.0.0.1', Port: 21120 }]);
  });

  it('orders with three Raft consenters whose TLS certificates are the orderers own', () => {
    const orderer = configtx.Profiles.energy.Orderer;
    expect(orderer.OrdererType).to.equal('etcdraft');
    expect(orderer.EtcdRaft.Consenters.map((c: any) => c.Port)).to.deep.equal([21000, 21010, 21020]);
    expect(orderer.EtcdRaft.Consenters[1].ServerTLSCert).to.match(
      /orderer1\.orderer\.cityledger\.example\/tls\/server\.crt$/,
    );
    expect(orderer.BatchTimeout).to.equal(`${consortium.definition.ordering.batchTimeoutMs}ms`);
  });

  it('defines the MAJORITY Endorsement policy chaincode definitions refer to', () => {
    const policies = configtx.Profiles.energy.Application.Policies;
    expect(policies.Endorsement).to.deep.equal({ Type: 'ImplicitMeta', Rule: 'MAJORITY Endorsement' });
    expect(policies.LifecycleEndorsement).to.deep.equal({
      Type: 'ImplicitMeta',
      Rule: 'MAJORITY Endorsement',
    });
  });

  describe('with the installed Fabric release', () => {
    let release: FabricRelease | undefined;
    before(function () {
      try {
        release = findFabricRelease();
      } catch (error) {
        // Without Fabric there is no configtxgen to check the file against.
        console.log(`    (skipped: ${(error as Error).message})`);
        this.skip();
      }
    });

    it('is accepted by configtxgen, whose genesis block carries the three consenters', () => {
      const configPath = writeConfigtx(consortium, crypto, networkLayout(consortium, dir, 21000));
      const block = join(dir, 'energy.block');
      execFileSync(
        release!.command('configtxgen'),
        ['-configPath', configPath, '-profile', 'energy', '-channelID', 'energy', '-outputBlock', block],
        { stdio: 'pipe' },
      );
      const inspected = JSON.parse(
        execFileSync(release!.command('configtxgen'), ['-inspectBlock', block], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      const config = inspected.data.data[0].payload.data.config.channel_group.groups;
      expect(Object.keys(config.Application.groups).sort()).to.deep.equal([
        'AuditorMSP',
        'CityMSP',
        'UtilityMSP',
      ]);
      const raft = config.Orderer.values.ConsensusType.value.metadata.consenters;
      expect(raft.map((c: any) => c.port)).to.deep.equal([21000, 21010, 21020]);
    });
  });

  describe('for the BFT profile', () => {
    const bft = consortium.withBftOrdering();
    const layout = () => networkLayout(bft, dir, { kind: 'hosts', subnet: '10.250.1', prefix: 'ctest' });
    let bftCrypto: CryptoMaterial;
    let bftConfigtx: any;
    before(async () => {
      bftCrypto = await ensureCryptoMaterial(bft.definition, join(dir, 'bft-crypto'));
      bftConfigtx = buildConfigtx(bft, bftCrypto, layout(), 'BFT');
    });

    it('maps one SmartBFT consenter per member org, by host name, with its enrolment certificate', () => {
      const orderer = bftConfigtx.Profiles.civic.Orderer;
      expect(orderer.OrdererType).to.equal('BFT');
      expect(orderer.ConsenterMapping.map((c: any) => [c.ID, c.MSPID, c.Host, c.Port])).to.deep.equal([
        [1, 'CityOrdererMSP', 'orderer0.ordering.city.cityledger.example', 7050],
        [2, 'UtilityOrdererMSP', 'orderer0.ordering.utility.cityledger.example', 7050],
        [3, 'CommunityOrdererMSP', 'orderer0.ordering.community.cityledger.example', 7050],
        [4, 'AuditorOrdererMSP', 'orderer0.ordering.auditor.cityledger.example', 7050],
      ]);
      expect(orderer.ConsenterMapping[3].Identity).to.match(
        /orderers\/orderer0\.ordering\.auditor\.cityledger\.example\/msp\/signcerts\/orderer0\.ordering\.auditor\.cityledger\.example-cert\.pem$/,
      );
      expect(orderer.SmartBFT.LeaderHeartbeatTimeout).to.equal('10000ms');
      expect(bftConfigtx.Profiles.civic.Capabilities).to.deep.equal({ V3_0: true });
    });

    it('lists each ordering org with exactly its own orderer endpoint, and anchor peers by host name', () => {
      const orgs = bftConfigtx.Profiles.energy.Orderer.Organizations;
      expect(orgs.map((org: any) => [org.ID, org.OrdererEndpoints])).to.deep.equal([
        ['CityOrdererMSP', ['orderer0.ordering.city.cityledger.example:7050']],
        ['UtilityOrdererMSP', ['orderer0.ordering.utility.cityledger.example:7050']],
        ['CommunityOrdererMSP', ['orderer0.ordering.community.cityledger.example:7050']],
        ['AuditorOrdererMSP', ['orderer0.ordering.auditor.cityledger.example:7050']],
      ]);
      const civic = bftConfigtx.Profiles.civic.Application.Organizations;
      expect(civic[1].AnchorPeers).to.deep.equal([
        { Host: 'peer0.community.cityledger.example', Port: 7051 },
      ]);
      // No member MSP orders a channel: peers would authenticate each other under the wrong channel.
      const ordering = orgs.map((org: any) => org.ID);
      expect(civic.filter((org: any) => ordering.includes(org.ID))).to.deep.equal([]);
    });

    it('is accepted by a v3 configtxgen, whose block validation policy is a quorum of 3 of 4', function () {
      let v3: FabricRelease;
      try {
        v3 = findFabricRelease(process.env, { line: FABRIC_3 });
      } catch (error) {
        console.log(`    (skipped: ${(error as Error).message})`);
        return this.skip();
      }
      const configPath = writeConfigtx(bft, bftCrypto, layout(), 'BFT');
      const block = join(dir, 'civic-bft.block');
      execFileSync(
        v3.command('configtxgen'),
        ['-configPath', configPath, '-profile', 'civic', '-channelID', 'civic', '-outputBlock', block],
        { stdio: 'pipe' },
      );
      const inspected = JSON.parse(
        execFileSync(v3.command('configtxgen'), ['-inspectBlock', block], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      const orderer = inspected.data.data[0].payload.data.config.channel_group.groups.Orderer;
      expect(orderer.values.ConsensusType.value.type).to.equal('BFT');
      expect(orderer.values.Orderers.value.consenter_mapping).to.have.length(4);
      const rule = orderer.policies.BlockValidation.policy.value.rule;
      expect(rule.n_out_of.n).to.equal(3);
    });
  });
});
