import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConsortium } from '../../consortium/consortium';
import { EmbeddedNetwork, type EmbeddedNetworkOptions } from '../embedded-network';
import type { ContractClass } from '../peer/contract-chaincode';
import { seedCryptoMaterial } from './shared-crypto';

/** A started network of the real consortium, its temporary data directory, and how to tear it down. */
export interface ConsortiumNetwork {
  network: EmbeddedNetwork;
  dataDir: string;
  /** Stops the network and deletes its data directory. */
  cleanup: () => Promise<void>;
}

/**
 * Starts the consortium of `network/consortium.yaml` — its organisations, channels, endorsement
 * policies and collections — in a fresh temporary directory, with `chaincodes` installed, so
 * chaincode integration tests run against the same definition the gateway and Fabric use. A
 * `now` option gives the network a clock of the test's own (see `ManualClock`). Its crypto
 * material is the one generated for the process ({@link seedCryptoMaterial}).
 *
 * @example
 * ```ts
 * import { contracts } from '../src';
 * let harness: ConsortiumNetwork;
 * before(async () => (harness = await startConsortiumNetwork({ identity: contracts })));
 * after(() => harness.cleanup());
 * ```
 */
export async function startConsortiumNetwork(
  chaincodes: Record<string, ReadonlyArray<ContractClass>>,
  options: Pick<EmbeddedNetworkOptions, 'now'> = {},
): Promise<ConsortiumNetwork> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cityledger-consortium-'));
  let network: EmbeddedNetwork;
  try {
    const consortium = loadConsortium();
    await seedCryptoMaterial(consortium.definition, dataDir);
    network = await EmbeddedNetwork.start({ consortium, dataDir, chaincodes, ...options });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    network,
    dataDir,
    cleanup: async () => {
      await network.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
