import { expect } from 'chai';
import { canonicalJson } from '@cityledger/chaincode-common';
import { jsonLeafHash, merkleRoot, merkleTree } from '@cityledger/proofs';

describe('reading proofs (the Merkle tree of @cityledger/proofs over readings)', () => {
  it('reproduces the worked example of docs/contracts/telemetry.md', () => {
    const unit = 'ug/m3';
    const readings = [
      {
        deviceId: 'did:cityledger:civic:aq-1',
        seq: 1,
        timestamp: '2025-01-01T00:00:10.000Z',
        metric: 'pm2_5',
        value: 12.5,
        unit,
        signature: 'MEUCIQ==',
      },
      {
        deviceId: 'did:cityledger:civic:aq-1',
        seq: 2,
        timestamp: '2025-01-01T00:00:20.000Z',
        metric: 'pm2_5',
        value: 31,
        unit,
        signature: 'MEYCIQ==',
      },
      {
        deviceId: 'did:cityledger:civic:aq-2',
        seq: 7,
        timestamp: '2025-01-01T00:00:15.000Z',
        metric: 'pm2_5',
        value: 9,
        unit,
        signature: 'MEQCIA==',
      },
    ];
    expect(canonicalJson({ seq: 1, deviceId: 'm1' })).to.equal('{"deviceId":"m1","seq":1}');
    const leaves = readings.map(jsonLeafHash);
    expect(merkleRoot(leaves)).to.equal('86d999464801d22c9a675019af5ce68281b443983b53a607f1eb35ba102ed6cd');
    expect(merkleTree(leaves).proofSteps(2)).to.deep.equal([
      { position: 'left', hash: '7f066e29666319982e6b07e4bc5d6799eb44d82eda48178a753d146dc18f48f2' },
    ]);
  });
});
