import { expect } from 'chai';
import { createHash } from 'node:crypto';
import * as fc from 'fast-check';
import {
  auditPath,
  EMPTY_TREE_ROOT,
  leafHash,
  merkleRoot,
  nodeHash,
  rootFromAuditPath,
  verifyAuditPath,
} from './merkle';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest('hex');
const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(`ballot ${i}`));

describe('Merkle tree of counted ballots (RFC 6962)', () => {
  it('hashes leaves and nodes with distinct prefixes', () => {
    expect(leafHash('')).to.equal(sha(Buffer.from([0])));
    const [a, b] = leaves(2);
    expect(nodeHash(a, b)).to.equal(sha(Buffer.from([1]), Buffer.from(a, 'hex'), Buffer.from(b, 'hex')));
  });

  it('gives the empty tree the hash of the empty string and a single leaf its own hash', () => {
    expect(merkleRoot([])).to.equal(EMPTY_TREE_ROOT);
    expect(EMPTY_TREE_ROOT).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const [a] = leaves(1);
    expect(merkleRoot([a])).to.equal(a);
  });

  it('splits an uneven tree at the largest power of two instead of duplicating a leaf', () => {
    const [a, b, c] = leaves(3);
    expect(merkleRoot([a, b, c])).to.equal(nodeHash(nodeHash(a, b), c));
  });

  it('proves every leaf of every tree size against the root', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 70 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))),
        ([n, i]) => {
          const tree = leaves(n);
          const path = auditPath(tree, i);
          return rootFromAuditPath(tree[i], i, n, path) === merkleRoot(tree);
        },
      ),
    );
  });

  it('rejects a proof for another leaf, another index or with a tampered path', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 40 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))),
        ([n, i]) => {
          const tree = leaves(n);
          const root = merkleRoot(tree);
          const path = auditPath(tree, i);
          const j = (i + 1) % n;
          return (
            !verifyAuditPath(tree[j], i, n, path, root) &&
            !verifyAuditPath(tree[i], j, n, path, root) &&
            !verifyAuditPath(tree[i], i, n, [leafHash('forged'), ...path.slice(1)], root)
          );
        },
      ),
    );
  });

  it('refuses indexes outside the tree', () => {
    expect(() => auditPath(leaves(2), 2)).to.throw(RangeError);
    expect(verifyAuditPath(leafHash('x'), 5, 2, [], EMPTY_TREE_ROOT)).to.equal(false);
  });
});
