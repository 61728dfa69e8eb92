import { expect } from 'chai';
import * as fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';
import { rootFromAuditPath, verifyAuditPath } from './audit-path';
import { EMPTY_TREE_ROOT, jsonLeafHash, leafHash, nodeHash } from './hashing';
import { merkleRoot, merkleTree } from './merkle-tree';
import { rootFromProofSteps, verifyProofSteps } from './proof-steps';
import ledgerVectors from './test-vectors/merkle.json';
import rfc6962 from './test-vectors/rfc6962.json';

const sha = (...parts: Uint8Array[]) => bytesToHex(sha256(concatBytes(...parts)));
const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(`ballot ${i}`));
const sizeAndIndex = (min: number, max: number) =>
  fc.integer({ min, max }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 })));

describe('Merkle tree (RFC 6962)', () => {
  it('hashes leaves with 0x00 and nodes with 0x01 prefixes', () => {
    expect(leafHash('')).to.equal(sha(Uint8Array.of(0)));
    expect(leafHash('a')).to.equal(sha(Uint8Array.of(0), utf8ToBytes('a')));
    expect(leafHash(Uint8Array.of(1, 2))).to.equal(sha(Uint8Array.of(0, 1, 2)));
    const [a, b] = leaves(2);
    expect(nodeHash(a, b)).to.equal(sha(Uint8Array.of(1), hexToBytes(a), hexToBytes(b)));
  });

  it('gives the empty tree the hash of the empty string and a single leaf its own hash', () => {
    expect(merkleRoot([])).to.equal(EMPTY_TREE_ROOT);
    expect(EMPTY_TREE_ROOT).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const [a] = leaves(1);
    expect(merkleRoot([a])).to.equal(a);
  });

  it('splits an uneven tree at the largest power of two: the odd node is promoted, not duplicated', () => {
    const [a, b, c, d, e] = leaves(5);
    expect(merkleRoot([a, b, c])).to.equal(nodeHash(nodeHash(a, b), c));
    expect(merkleRoot([a, b, c, d, e])).to.equal(nodeHash(nodeHash(nodeHash(a, b), nodeHash(c, d)), e));
  });

  it('has the roots and audit path of the Certificate Transparency reference data', () => {
    const tree = rfc6962.leaves.map((hex) => leafHash(hexToBytes(hex)));
    rfc6962.roots.forEach((root, i) => expect(merkleRoot(tree.slice(0, i + 1)), `n=${i + 1}`).to.equal(root));
    expect(merkleTree(tree).auditPath(0)).to.deep.equal(rfc6962.auditPathOfLeaf0In8);
  });

  it('proves every leaf of every tree size, as an audit path and as sided steps', () => {
    fc.assert(
      fc.property(sizeAndIndex(1, 70), ([n, i]) => {
        const tree = merkleTree(leaves(n));
        const leaf = leaves(n)[i];
        return (
          rootFromAuditPath(leaf, i, n, tree.auditPath(i)) === tree.root &&
          rootFromProofSteps(leaf, tree.proofSteps(i)) === tree.root
        );
      }),
    );
  });

  it('rejects an audit path for another leaf, another index or with a tampered hash', () => {
    fc.assert(
      fc.property(sizeAndIndex(2, 40), ([n, i]) => {
        const tree = leaves(n);
        const root = merkleRoot(tree);
        const path = merkleTree(tree).auditPath(i);
        const j = (i + 1) % n;
        return (
          !verifyAuditPath(tree[j], i, n, path, root) &&
          !verifyAuditPath(tree[i], j, n, path, root) &&
          !verifyAuditPath(tree[i], i, n, [leafHash('forged'), ...path.slice(1)], root)
        );
      }),
    );
  });

  it('refuses indexes outside the tree and paths of the wrong length or not in hex', () => {
    expect(() => merkleTree(leaves(2)).auditPath(2)).to.throw(RangeError);
    expect(() => merkleTree([]).proofSteps(0)).to.throw(RangeError);
    expect(verifyAuditPath(leafHash('x'), 5, 2, [], EMPTY_TREE_ROOT)).to.equal(false);
    const [a, b, c] = leaves(3);
    expect(() => rootFromAuditPath(a, 0, 3, [b])).to.throw(/needs a path of 2 hashes/);
    expect(verifyAuditPath(a, 0, 2, ['zz'], merkleRoot([a, b]))).to.equal(false);
    expect(() => merkleTree([a, 'not hex', c])).to.throw(TypeError);
  });

  it('rejects sided steps for a changed reading, a wrong side, a foreign root and malformed steps', () => {
    const readings = ['r0', 'r1', 'r2', 'r3', 'r4'].map((r) => leafHash(r));
    const tree = merkleTree(readings);
    const steps = tree.proofSteps(2);
    expect(verifyProofSteps(readings[2], steps, tree.root)).to.equal(true);
    expect(verifyProofSteps(readings[2], steps, tree.root.toUpperCase())).to.equal(true);
    expect(verifyProofSteps(leafHash('r2x'), steps, tree.root)).to.equal(false);
    const flipped = steps.map((s) => ({ ...s, position: s.position === 'left' ? 'right' : 'left' }));
    expect(verifyProofSteps(readings[2], flipped, tree.root)).to.equal(false);
    expect(verifyProofSteps(readings[2], steps, merkleRoot([leafHash('x')]))).to.equal(false);
    expect(() => rootFromProofSteps(readings[2], {})).to.throw('the proof is not a list of steps');
    expect(() => rootFromProofSteps(readings[2], [{ position: 'up', hash: steps[0].hash }])).to.throw(
      'step 1 is neither left nor right',
    );
    expect(() => rootFromProofSteps(readings[2], [{ position: 'left', hash: 'zz' }])).to.throw(
      'step 1 has no 64-hex-digit hash',
    );
    expect(verifyProofSteps(readings[2], [null], tree.root)).to.equal(false);
  });

  it('cannot pass an inner node off as a leaf', () => {
    const [a, b] = ['a', 'b'].map((x) => leafHash(x));
    const root = merkleRoot([a, b]);
    expect(verifyProofSteps(leafHash(concatBytes(hexToBytes(a), hexToBytes(b))), [], root)).to.equal(false);
  });

  describe('the roots and proofs already on the ledgers (test-vectors/merkle.json)', () => {
    it('hashes leaves and nodes as before', () => {
      for (const { data, leafHash: hash } of ledgerVectors.leafHashes) expect(leafHash(data)).to.equal(hash);
      for (const { left, right, nodeHash: hash } of ledgerVectors.nodeHashes) {
        expect(nodeHash(left, right)).to.equal(hash);
      }
      expect(EMPTY_TREE_ROOT).to.equal(ledgerVectors.emptyTreeRoot);
    });

    it('hashes a reading and a ballot as their canonical JSON', () => {
      for (const vector of ledgerVectors.jsonLeaves) {
        expect(jsonLeafHash(vector.value), vector.name).to.equal(vector.leafHash);
        expect(leafHash(vector.leafData), vector.name).to.equal(vector.leafHash);
      }
    });

    for (const vector of ledgerVectors.trees) {
      it(`rebuilds the tree of ${vector.size} leaves with its root, audit paths and steps`, () => {
        const data = vector.leafData ?? leafPattern(vector.leafDataPattern!, vector.size);
        const hashes = data.map((d) => leafHash(d));
        if (vector.leafHashes) expect(hashes).to.deep.equal(vector.leafHashes);
        const tree = merkleTree(hashes);
        expect(tree.root).to.equal(vector.root);
        for (const { index, auditPath, steps } of vector.proofs) {
          expect(tree.auditPath(index), `audit path of ${index}`).to.deep.equal(auditPath);
          expect(tree.proofSteps(index), `steps of ${index}`).to.deep.equal(steps);
          expect(rootFromAuditPath(hashes[index], index, hashes.length, auditPath)).to.equal(vector.root);
          expect(verifyProofSteps(hashes[index], steps, vector.root)).to.equal(true);
        }
      });
    }
  });
});

function leafPattern(pattern: string, size: number): string[] {
  return Array.from({ length: size }, (_, i) => pattern.replace('<index>', String(i)));
}
