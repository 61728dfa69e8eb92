import { join, resolve } from 'node:path';

import { expect } from 'chai';

import { bundleChaincode } from './chaincode-bundle';

const repoRoot = resolve(__dirname, '..', '..', '..');

describe('chaincode bundle of the voting chaincode', () => {
  it('bundles @cityledger/voter and @cityledger/proofs beside chaincode-common and requires only registry packages', async () => {
    const votingDir = join(repoRoot, 'chaincode', 'voting');
    const bundle = await bundleChaincode(votingDir, 'dist/index.js');
    expect(bundle.code).not.to.match(/require\(["']@cityledger\//);
    expect(bundle.workspacePackageDirs).to.include.members([
      votingDir,
      join(repoRoot, 'chaincode', 'common'),
      join(repoRoot, 'packages', 'voter'),
      join(repoRoot, 'packages', 'proofs'),
    ]);
    // The Merkle trees and canonical JSON of @cityledger/proofs hash with @noble/hashes, a registry package.
    expect(bundle.externals).to.have.members(['@noble/hashes', 'fabric-contract-api']);
  });
});
