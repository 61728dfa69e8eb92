/**
 * Registers a person on an embedded network the way every client must: the personal data goes to
 * CityPersonalData alone (StorePersonalData, endorsed by City's peer), then the public DID records
 * its hash (RegisterPerson, MAJORITY). For integration tests of the chaincodes that need persons.
 */
import type { EmbeddedNetwork, Signer, SubmitResult } from '@cityledger/network';
import type { PersonalData } from '@cityledger/chaincode-identity';

export async function registerPersonOnNetwork(
  network: EmbeddedNetwork,
  registrar: Signer,
  channel: string,
  id: string,
  personalData: PersonalData,
): Promise<SubmitResult & { stored: SubmitResult }> {
  const stored = await network.submit(registrar, {
    channel,
    chaincode: 'identity',
    function: 'StorePersonalData',
    args: [`did:cityledger:${channel}:${id}`],
    transient: { person: JSON.stringify(personalData) },
  });
  const { personalDataHash } = JSON.parse(stored.result.toString()) as { personalDataHash: string };
  const registered = await network.submit(registrar, {
    channel,
    chaincode: 'identity',
    function: 'RegisterPerson',
    args: [id, personalDataHash],
  });
  return { ...registered, stored };
}
