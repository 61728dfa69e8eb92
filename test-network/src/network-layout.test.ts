import { expect } from 'chai';
import { loadConsortium } from '@cityledger/network';
import { networkLayout } from './network-layout';

describe('the network layout', () => {
  const consortium = loadConsortium();
  const layout = networkLayout(consortium, '/tmp/work', 20000);

  it('gives every listener of every node and chaincode server its own port', () => {
    const ports = [
      ...layout.orderers.flatMap((o) => [o.port, o.adminPort, o.operationsPort]),
      ...layout.peers.flatMap((p) => [p.port, p.chaincodePort, p.operationsPort]),
      ...layout.chaincodeServers.map((s) => s.port),
    ];
    expect(new Set(ports).size).to.equal(ports.length);
    expect(Math.min(...ports)).to.equal(20000);
    expect(Math.max(...ports)).to.be.below(20300);
  });

  it('runs three orderers of the ordering org and one peer per member org', () => {
    expect(layout.orderers.map((o) => o.hostname)).to.deep.equal([
      'orderer0.orderer.cityledger.example',
      'orderer1.orderer.cityledger.example',
      'orderer2.orderer.cityledger.example',
    ]);
    expect(layout.peers.map((p) => [p.mspId, p.channels])).to.deep.equal([
      ['CityMSP', ['energy', 'civic']],
      ['UtilityMSP', ['energy']],
      ['CommunityMSP', ['civic']],
      ['AuditorMSP', ['energy', 'civic']],
    ]);
  });

  it('gives each org one chaincode server per chaincode of its channels', () => {
    const servers = (mspId: string) =>
      layout.chaincodeServers
        .filter((s) => s.mspId === mspId)
        .map((s) => s.chaincode)
        .sort();
    expect(servers('UtilityMSP')).to.deep.equal(['energy-trading', 'identity', 'telemetry']);
    expect(servers('CommunityMSP')).to.deep.equal([
      'donation-tracking',
      'identity',
      'land-registry',
      'telemetry',
      'voting',
    ]);
    expect(servers('CityMSP')).to.have.length(6);
    expect(servers('OrdererMSP')).to.deep.equal([]);
  });

  it('is the same for the same consortium and base port', () => {
    expect(networkLayout(consortium, '/tmp/work', 20000)).to.deep.equal(layout);
  });

  describe('with each org on its own host', () => {
    const bft = consortium.withBftOrdering();
    const onHosts = networkLayout(bft, '/tmp/work', { kind: 'hosts', subnet: '10.250.3', prefix: 'cab12' });

    it("gives each member org one host, with its orderer and peer on Fabric's usual ports", () => {
      expect(onHosts.hosts.map((h) => [h.mspId, h.namespace, h.address])).to.deep.equal([
        ['CityMSP', 'cab12-city', '10.250.3.10'],
        ['UtilityMSP', 'cab12-utility', '10.250.3.11'],
        ['CommunityMSP', 'cab12-community', '10.250.3.12'],
        ['AuditorMSP', 'cab12-auditor', '10.250.3.13'],
      ]);
      const auditorOrderer = onHosts.orderers.find((o) => o.mspId === 'AuditorOrdererMSP')!;
      expect(auditorOrderer).to.include({
        host: '10.250.3.13',
        dialHost: 'orderer0.ordering.auditor.cityledger.example',
        namespace: 'cab12-auditor',
        port: 7050,
        adminPort: 7053,
        operationsPort: 9443,
      });
      const cityPeer = onHosts.peers.find((p) => p.mspId === 'CityMSP')!;
      expect(cityPeer).to.include({
        host: '10.250.3.10',
        port: 7051,
        chaincodePort: 7052,
        operationsPort: 9444,
      });
      expect(onHosts.bridge).to.deep.equal({ name: 'cab12br', address: '10.250.3.1' });
      expect(onHosts.hosts[2].hostnames).to.deep.equal([
        'peer0.community.cityledger.example',
        'orderer0.ordering.community.cityledger.example',
      ]);
    });

    it('keeps every listener of one host on its own port', () => {
      for (const host of onHosts.hosts) {
        const ports = [
          ...onHosts.orderers
            .filter((o) => o.mspId === host.mspId)
            .flatMap((o) => [o.port, o.adminPort, o.operationsPort]),
          ...onHosts.peers
            .filter((p) => p.mspId === host.mspId)
            .flatMap((p) => [p.port, p.chaincodePort, p.operationsPort]),
          ...onHosts.chaincodeServers.filter((s) => s.mspId === host.mspId).map((s) => s.port),
        ];
        expect(new Set(ports).size, host.mspId).to.equal(ports.length);
      }
    });

    it("runs chaincode servers on their org's host, dialled by address", () => {
      const server = onHosts.chaincodeServers.find((s) => s.mspId === 'UtilityMSP')!;
      expect(server).to.include({ host: '10.250.3.11', dialHost: '10.250.3.11', namespace: 'cab12-utility' });
    });

    it("keeps interface names within Linux's 15 characters", () => {
      const names = onHosts.hosts.flatMap((h) => [h.hostSide, h.namespaceSide]).concat(onHosts.bridge!.name);
      for (const name of names) expect(name.length, name).to.be.at.most(15);
    });
  });
});
