import { EmbeddedNetwork } from '../embedded-network';
import { testConsortium } from './test-network';
import { assetContracts } from './asset-contract';

/**
 * Child process for crash tests: submits transactions as fast as it can and prints `ACK <txId>
 * <key>` for each one the network confirmed, until it is killed.
 */
async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: crash-writer <dataDir>');
  const network = await EmbeddedNetwork.start({
    consortium: testConsortium(),
    dataDir,
    chaincodes: { assets: assetContracts, other: assetContracts },
  });
  const user = await network.crypto.enrollUser('Org1MSP', 'writer', { role: 'tester' });
  process.stdout.write('READY\n');
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const key = `crash${next++}`;
      const { txId } = await network.submit(user, {
        channel: 'alpha',
        chaincode: 'assets',
        function: 'Put',
        args: [key, `value-${key}`],
      });
      process.stdout.write(`ACK ${txId} ${key}\n`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
