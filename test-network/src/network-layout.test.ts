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
});
