import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { leafHash, merkleProof, merkleRoot, nodeHash, readingLeafData, verifyMerkleProof } from './merkle';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

describe('merkle', () => {
  const leaves = ['r0', 'r1', 'r2', 'r3', 'r4'];

  it('hashes leaves with 0x00 and nodes with 0x01 prefixes', () => {
    expect(leafHash('a').equals(sha(Buffer.from([0]), Buffer.from('a')))).to.equal(true);
    const l = leafHash('a');
    const r = leafHash('b');
    expect(nodeHash(l, r).equals(sha(Buffer.from([1]), l, r))).to.equal(true);
  });

  it('promotes the odd node of a level unchanged', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(leafHash);
    expect(merkleRoot(['a', 'b', 'c'])).to.equal(nodeHash(nodeHash(a, b), c).toString('hex'));
    expect(merkleRoot(['a'])).to.equal(a.toString('hex'));
  });

  it('proves every leaf of odd and even sized trees', () => {
    for (let n = 1; n <= 9; n++) {
      const data = Array.from({ length: n }, (_, i) => `reading-${i}`);
      const root = merkleRoot(data);
      data.forEach((leaf, i) =>
        expect(verifyMerkleProof(leaf, merkleProof(data, i), root), `n=${n} i=${i}`).to.equal(true),
      );
    }
  });

  it('rejects a changed reading, a wrong position, a foreign root and malformed steps', () => {
    const root = merkleRoot(leaves);
    const proof = merkleProof(leaves, 2);
    expect(verifyMerkleProof('r2x', proof, root)).to.equal(false);
    expect(
      verifyMerkleProof(
        'r2',
        proof.map((s) => ({ ...s, position: s.position === 'left' ? 'right' : 'left' })),
        root,
      ),
    ).to.equal(false);
    expect(verifyMerkleProof('r2', proof, merkleRoot(['x']))).to.equal(false);
    expect(verifyMerkleProof('r2', [{ position: 'up' as 'left', hash: proof[0].hash }], root)).to.equal(
      false,
    );
    expect(verifyMerkleProof('r2', [{ position: 'left', hash: 'zz' }], root)).to.equal(false);
  });

  it('cannot pass an inner node off as a leaf', () => {
    const [a, b] = ['a', 'b'].map(leafHash);
    const root = merkleRoot(['a', 'b']);
    expect(verifyMerkleProof(Buffer.concat([a, b]), [], root)).to.equal(false);
  });

  it('uses the canonical JSON of a reading as leaf data', () => {
    expect(readingLeafData({ seq: 1, deviceId: 'm1' })).to.equal('{"deviceId":"m1","seq":1}');
    expect(() => merkleRoot([])).to.throw(/at least one leaf/);
    expect(() => merkleProof(leaves, 5)).to.throw(/outside/);
  });

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
    const leaves = readings.map(readingLeafData);
    expect(merkleRoot(leaves)).to.equal('86d999464801d22c9a675019af5ce68281b443983b53a607f1eb35ba102ed6cd');
    expect(merkleProof(leaves, 2)).to.deep.equal([
      { position: 'left', hash: '7f066e29666319982e6b07e4bc5d6799eb44d82eda48178a753d146dc18f48f2' },
    ]);
  });
});
