/**
 * The voting chaincode's tally tree is RFC 6962's (Certificate Transparency): an n-leaf tree splits
 * into a left subtree of the largest power of two below n and the rest; inner nodes are
 * SHA-256(0x01 ‖ left ‖ right). From a ballot's leaf hash, its index, the tree size and the audit
 * path the browser recomputes the root, to compare with the published result's Merkle root.
 */
import { bytesOfHex, hexOf, prefixedSha256 } from './reading-proof';

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export async function rootFromAuditPath(
  leafHash: string,
  index: number,
  treeSize: number,
  path: readonly string[],
): Promise<string> {
  if (!Number.isInteger(index) || index < 0 || index >= treeSize) {
    throw new RangeError(`leaf ${index} is not in a tree of ${treeSize}`);
  }
  // Which side the leaf is on at each split, top-down; the path lists siblings bottom-up.
  const leftSides: boolean[] = [];
  let start = 0;
  let end = treeSize;
  while (end - start > 1) {
    const k = largestPowerOfTwoBelow(end - start);
    const inLeft = index - start < k;
    leftSides.push(inLeft);
    if (inLeft) end = start + k;
    else start += k;
  }
  if (leftSides.length !== path.length) {
    throw new RangeError(
      `a tree of ${treeSize} needs an audit path of ${leftSides.length} hashes, not ${path.length}`,
    );
  }
  let hash = bytesOfHex(leafHash);
  for (let level = 0; level < path.length; level += 1) {
    const sibling = bytesOfHex(path[level]!);
    hash = leftSides[leftSides.length - 1 - level]
      ? await prefixedSha256(0x01, hash, sibling)
      : await prefixedSha256(0x01, sibling, hash);
  }
  return hexOf(hash);
}
