import { type StoryContext, personalDataOf } from '../story-context';
import { SmartMeter } from '../smart-meter';

export interface Residents {
  samMeter: SmartMeter;
  noraMeter: SmartMeter;
}

/** Citizens and devices get DIDs: the identity chaincode is what every other contract asks. */
export async function registerResidents(story: StoryContext): Promise<Residents> {
  const { narrator, cast } = story;
  const registrar = story.as(cast.registrar);
  const grid = story.as(cast.gridOperator);
  narrator.chapter(
    'A citizen and a smart meter get an identity',
    'The City registers residents (personal data stays in its private collection; the ledger keeps a hash); the utility registers smart meters with their public keys.',
  );

  for (const [user, name, address] of [
    [cast.alice, 'Alice Martin', '1 Harbour Street'],
    [cast.bob, 'Bob Okafor', '7 Mill Lane'],
    [cast.shelter, 'Ben Shelter-Keeper', '12 Station Road'],
  ] as const) {
    narrator.step(`The City registrar registers ${name}`, 'POST /channels/civic/persons');
    const person = await registrar.post('/channels/civic/persons', {
      id: user.userId,
      personalData: personalDataOf(name, address),
    });
    narrator.result(
      `${person.did} — public hash of the personal data ${String(person.person.personalDataHash).slice(0, 12)}…`,
    );
  }
  for (const [user, type] of [
    [cast.alice, 'resident'],
    [cast.alice, 'eligible-voter'],
    [cast.bob, 'resident'],
  ] as const) {
    narrator.step(`…and issues ${user.did} a '${type}' credential`, 'POST /channels/civic/credentials');
    await registrar.post('/channels/civic/credentials', {
      credentialId: `${type}-${user.userId}`,
      subjectDid: user.did,
      credentialType: type,
      validUntil: '2099-12-31T00:00:00Z',
    });
  }
  narrator.result('Alice may own land and vote; Bob may own land');

  const meters: SmartMeter[] = [];
  for (const [user, name] of [
    [cast.sam, 'Sam (solar panels on the roof)'],
    [cast.nora, 'Nora (next door)'],
  ] as const) {
    narrator.step(`On the energy channel, the City registers ${name}`, 'POST /channels/energy/persons');
    await registrar.post('/channels/energy/persons', {
      id: user.userId,
      personalData: personalDataOf(name, 'Solar Street'),
    });
    narrator.step('The utility certifies them as a prosumer', 'POST /channels/energy/credentials');
    await grid.post('/channels/energy/credentials', {
      credentialId: `prosumer-${user.userId}`,
      subjectDid: user.did,
      credentialType: 'prosumer',
      validUntil: '2099-12-31T00:00:00Z',
    });
    const meter = new SmartMeter(`meter-${user.userId}`);
    narrator.step(
      '…and registers their smart meter with its P-256 public key',
      'POST /channels/energy/devices',
    );
    const device = await grid.post('/channels/energy/devices', {
      id: meter.id,
      kind: 'smart-meter',
      ownerDid: user.did,
      publicKeyPem: meter.publicKeyPem,
      metrics: ['import_wh', 'export_wh'],
      feedId: 'meters',
    });
    meter.did = device.did;
    narrator.result(`${device.did}, owned by ${user.did}, key ${device.verificationKeys[0].keyId}`);
    meters.push(meter);
  }
  return { samMeter: meters[0]!, noraMeter: meters[1]! };
}
