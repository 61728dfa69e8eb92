import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Consortium, parseConsortium } from '../../consortium/consortium';
import { EmbeddedNetwork } from '../embedded-network';
import { assetContracts } from './asset-contract';
import { seedCryptoMaterial } from './shared-crypto';

export const TEST_CONSORTIUM_YAML = `
name: testnet
organizations:
  - { mspId: OrdererMSP, name: Orderer, domain: orderer.test.example, orderers: [orderer0] }
  - { mspId: Org1MSP, name: Org one, domain: org1.test.example, peers: [peer0] }
  - { mspId: Org2MSP, name: Org two, domain: org2.test.example, peers: [peer0] }
  - { mspId: Org3MSP, name: Org three, domain: org3.test.example, peers: [peer0] }
ordering: { batchTimeoutMs: 20, maxMessageCount: 10, absoluteMaxBytes: 131072, preferredMaxBytes: 65536 }
channels:
  - name: alpha
    members: [Org1MSP, Org2MSP, Org3MSP]
    chaincodes:
      - name: assets
        version: 1.0.0
        endorsementPolicy: AND('Org1MSP.peer', 'Org2MSP.peer')
        collections:
          - name: Org1Private
            policy: OR('Org1MSP.member')
            endorsementPolicy: OR('Org1MSP.peer')
            memberOnlyRead: true
            memberOnlyWrite: true
          # No collection-level endorsement policy: a write needs the chaincode's Org2 as well,
          # which is outside the collection.
          - { name: Org1Only, policy: "OR('Org1MSP.member')", memberOnlyRead: true, memberOnlyWrite: true }
          - name: SharedPrivate
            policy: OR('Org1MSP.member', 'Org2MSP.member')
            memberOnlyRead: false
            memberOnlyWrite: false
      - name: other
        version: 1.0.0
        endorsementPolicy: MAJORITY Endorsement
  - name: beta
    members: [Org1MSP, Org3MSP]
    chaincodes:
      - name: assets
        version: 1.0.0
        endorsementPolicy: OR('Org1MSP.peer', 'Org3MSP.peer')
`;

export function testConsortium(): Consortium {
  return parseConsortium(TEST_CONSORTIUM_YAML, 'test-consortium.yaml');
}

/**
 * A started test network in its own temporary directory, and how to tear it down. Its crypto
 * material is the one generated for the process ({@link seedCryptoMaterial}).
 */
export async function startTestNetwork(
  dataDir = mkdtempSync(join(tmpdir(), 'cityledger-net-')),
  options: { chaincodeWorkers?: boolean } = {},
): Promise<{
  network: EmbeddedNetwork;
  dataDir: string;
  cleanup: () => Promise<void>;
}> {
  const consortium = testConsortium();
  await seedCryptoMaterial(consortium.definition, dataDir);
  const network = await EmbeddedNetwork.start({
    consortium,
    dataDir,
    chaincodes: { assets: assetContracts, other: assetContracts },
    ...(options.chaincodeWorkers
      ? {
          chaincodeWorkers: {
            assets: { module: join(__dirname, 'asset-contract'), exportName: 'assetContracts' },
            other: { module: join(__dirname, 'asset-contract'), exportName: 'assetContracts' },
          },
        }
      : {}),
  });
  return {
    network,
    dataDir,
    cleanup: async () => {
      await network.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
