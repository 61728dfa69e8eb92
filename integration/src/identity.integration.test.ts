/**
 * The identity contract on the embedded network of the real consortium (network/consortium.yaml):
 * real X.509 identities with role attributes, MAJORITY endorsement, the CityPersonalData
 * collection, MVCC validation and chaincode events.
 */
import { createHash, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { canonicalJson } from '@cityledger/chaincode-common';
import {
  contracts,
  type Credential,
  type CredentialValidity,
  type DidDocument,
  type PersonalData,
  type VerificationKey,
} from '@cityledger/chaincode-identity';
import { EndorseError, type EmbeddedNetwork, type Signer } from '@cityledger/network';
import { rejectionOf, startConsortiumNetwork } from '@cityledger/network/testing';
import { expect } from 'chai';
import { ChaincodeEvents } from './testing/chaincode-events';
import { registerPersonOnNetwork } from './testing/register-person';

const CIVIC = 'civic';
const ENERGY = 'energy';

function newDeviceKeys(): { privateKey: KeyObject; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

function personalData(name: string): PersonalData {
  return {
    name,
    birthDate: '1990-12-10',
    address: `${name} House, 1 Main Street`,
    salt: createHash('sha256').update(name).digest('hex'),
  };
}

/** The key under which the contract keeps a person's data in CityPersonalData. */
function personKey(did: string): string {
  return `\u0000person\u0000${did}\u0000`;
}

describe('identity chaincode on the embedded consortium network', () => {
  let network: EmbeddedNetwork;
  let cleanup: () => Promise<void>;
  let cityRegistrar: Signer;
  let cityOperator: Signer;
  let citizen: Signer;
  let utilityRegistrar: Signer;
  let utilityOperator: Signer;
  let communityRegistrar: Signer;
  let auditor: Signer;
  let events: ChaincodeEvents;

  const submit = (
    user: Signer,
    channel: string,
    fn: string,
    args: string[],
    transient?: Record<string, string>,
  ) =>
    network.submit(user, {
      channel,
      chaincode: 'identity',
      function: fn,
      args,
      ...(transient ? { transient } : {}),
    });
  const evaluate = async <T>(user: Signer, channel: string, fn: string, args: string[]): Promise<T> =>
    JSON.parse(
      (await network.evaluate(user, { channel, chaincode: 'identity', function: fn, args })).toString(),
    ) as T;
  const registerPerson = (channel: string, id: string, data: PersonalData) =>
    registerPersonOnNetwork(network, cityRegistrar, channel, id, data);
  const eventOf = (txId: string) => events.of(txId);

  before(async () => {
    ({ network, cleanup } = await startConsortiumNetwork({ identity: contracts }));
    cityRegistrar = await network.crypto.enrollUser('CityMSP', 'city-registrar', { role: 'registrar' });
    cityOperator = await network.crypto.enrollUser('CityMSP', 'city-operator', { role: 'operator' });
    citizen = await network.crypto.enrollUser('CityMSP', 'ada', { role: 'citizen' });
    utilityRegistrar = await network.crypto.enrollUser('UtilityMSP', 'utility-registrar', {
      role: 'registrar',
    });
    utilityOperator = await network.crypto.enrollUser('UtilityMSP', 'utility-operator', { role: 'operator' });
    communityRegistrar = await network.crypto.enrollUser('CommunityMSP', 'community-registrar', {
      role: 'registrar',
    });
    auditor = await network.crypto.enrollUser('AuditorMSP', 'auditor', { role: 'auditor' });
    events = ChaincodeEvents.follow(network, [CIVIC, ENERGY]);
  });

  after(async () => {
    events?.stop();
    await cleanup?.();
  });

  describe('personal data', () => {
    const ada = personalData('Ada Lovelace');
    let did: string;
    let storedIn: { txId: string; blockNumber: number };
    let registeredIn: { txId: string; blockNumber: number };

    before(async () => {
      const result = await registerPerson(CIVIC, 'ada', ada);
      did = (JSON.parse(result.result.toString()) as DidDocument).did;
      storedIn = result.stored;
      registeredIn = result;
    });

    it("has the private step endorsed by City's peer alone and the public DID by a majority", async () => {
      const stored = await network.getTransaction(CIVIC, storedIn.txId);
      expect(stored?.validationCodeName).to.equal('VALID');
      expect(stored?.endorsements.map((e) => e.mspId)).to.deep.equal(['CityMSP']);
      expect(stored?.readWriteSet?.every((ns) => ns.writes.length === 0)).to.equal(true);
      const registered = await network.getTransaction(CIVIC, registeredIn.txId);
      expect(registered?.validationCodeName).to.equal('VALID');
      expect(registered?.endorsements.map((e) => e.mspId))
        .to.have.length(2)
        .and.include('CityMSP');
    });

    it('refuses transient data on the public step before it reaches an organisation outside the collection', async () => {
      const height = network.height(CIVIC);
      const error = await rejectionOf(
        submit(cityRegistrar, CIVIC, 'RegisterPerson', ['eve', 'ab'.repeat(32)], {
          person: JSON.stringify(personalData('Eve')),
        }),
      );
      expect((error as unknown as EndorseError).chaincodeMessage).to.match(
        /^INVALID_ARGUMENT: transient.person: RegisterPerson takes no transient data/,
      );
      expect((error as unknown as EndorseError).details)
        .to.have.length(1)
        .and.match(/peer0\.city\./);
      expect(network.height(CIVIC)).to.equal(height);
    });

    it('gives a City registrar the full personal data from a City peer', async () => {
      expect(await evaluate<PersonalData>(cityRegistrar, CIVIC, 'ReadPersonalData', [did])).to.deep.equal(
        ada,
      );
    });

    it('keeps the personal data in the private store of CityMSP only', async () => {
      const ledger = network.ledger(CIVIC);
      const stored = await ledger.getPrivateData('CityMSP', 'identity', 'CityPersonalData', personKey(did));
      expect(JSON.parse(stored!.value.toString())).to.deep.equal(ada);
      for (const org of ['CommunityMSP', 'AuditorMSP']) {
        expect(await ledger.getPrivateData(org, 'identity', 'CityPersonalData', personKey(did))).to.equal(
          undefined,
        );
      }
    });

    it('shows every other channel member only the hash of the personal data', async () => {
      const hash = createHash('sha256').update(canonicalJson(ada)).digest('hex');
      for (const reader of [communityRegistrar, auditor]) {
        const doc = await evaluate<DidDocument>(reader, CIVIC, 'GetDid', [did]);
        expect(doc.person).to.deep.equal({ personalDataHash: hash });
        expect(JSON.stringify(doc)).to.not.include(ada.name);
      }
      const onLedger = await network
        .ledger(CIVIC)
        .getPrivateDataHash(
          'identity',
          'CityPersonalData',
          createHash('sha256').update(personKey(did)).digest(),
        );
      expect(onLedger!.value.toString('hex')).to.equal(hash);
    });

    it('lets anyone who is given the data confirm it against the public hash', async () => {
      const check = (claimed: PersonalData) =>
        evaluate<{ matches: boolean }>(auditor, CIVIC, 'VerifyPersonalData', [did, JSON.stringify(claimed)]);
      expect((await check(ada)).matches).to.equal(true);
      expect((await check({ ...ada, address: 'elsewhere' })).matches).to.equal(false);
    });

    it('refuses the personal data to Community and Auditor users', async () => {
      for (const reader of [communityRegistrar, auditor]) {
        const error = await rejectionOf(
          network.evaluate(reader, {
            channel: CIVIC,
            chaincode: 'identity',
            function: 'ReadPersonalData',
            args: [did],
          }),
        );
        expect(error).to.be.instanceOf(EndorseError);
        expect((error as unknown as EndorseError).chaincodeMessage).to.match(/^ACCESS_DENIED: /);
      }
    });

    it('answers NOT_FOUND on a peer outside the collection, whose read fails as on Fabric', async () => {
      const error = await rejectionOf(
        network.endorse(
          cityRegistrar,
          { channel: CIVIC, chaincode: 'identity', function: 'ReadPersonalData', args: [did] },
          { endorsingOrganizations: ['CommunityMSP'] },
        ),
      );
      expect((error as unknown as EndorseError).chaincodeMessage).to.equal(
        `NOT_FOUND: personal data of ${did} is not on this peer`,
      );
    });

    it('never writes the personal data into a block', async () => {
      for (const { blockNumber } of [storedIn, registeredIn]) {
        const bytes = Buffer.from((await network.getBlock(CIVIC, blockNumber))!.serializeBinary());
        for (const value of [ada.name, ada.address, ada.salt, ada.birthDate]) {
          expect(bytes.includes(value), value).to.equal(false);
        }
      }
      const stored = Buffer.from((await network.getBlock(CIVIC, storedIn.blockNumber))!.serializeBinary());
      expect(stored.includes(createHash('sha256').update(canonicalJson(ada)).digest())).to.equal(true);
    });
  });

  describe('device keys', () => {
    let ownerDid: string;

    before(async () => {
      const owner = await registerPerson(CIVIC, 'sensor-owner', personalData('Grace Hopper'));
      ownerDid = (JSON.parse(owner.result.toString()) as DidDocument).did;
    });

    const registerSensor = (id: string, publicKeyPem: string) =>
      submit(cityOperator, CIVIC, 'RegisterDevice', [
        id,
        'air-quality-sensor',
        ownerDid,
        publicKeyPem,
        JSON.stringify(['pm2_5', 'no2']),
        'air',
      ]);

    it('keeps readings signed before a key rotation verifiable with the key valid at their time', async () => {
      const oldKeys = newDeviceKeys();
      const newKeys = newDeviceKeys();
      const registered = await registerSensor('aq-rotating', oldKeys.publicKeyPem);
      const did = (JSON.parse(registered.result.toString()) as DidDocument).did;

      const oldReading = Buffer.from(
        canonicalJson({
          deviceId: did,
          seq: 1,
          metric: 'pm2_5',
          value: 12.5,
          timestamp: new Date().toISOString(),
        }),
      );
      const oldTime = (JSON.parse(oldReading.toString()) as { timestamp: string }).timestamp;
      const oldSignature = sign('sha256', oldReading, oldKeys.privateKey);
      await sleep(5);
      await submit(cityOperator, CIVIC, 'RotateDeviceKey', [did, newKeys.publicKeyPem]);
      await sleep(5);
      const newReading = Buffer.from(
        canonicalJson({
          deviceId: did,
          seq: 2,
          metric: 'pm2_5',
          value: 13,
          timestamp: new Date().toISOString(),
        }),
      );
      const newTime = (JSON.parse(newReading.toString()) as { timestamp: string }).timestamp;
      const newSignature = sign('sha256', newReading, newKeys.privateKey);

      const keyThen = await evaluate<VerificationKey>(auditor, CIVIC, 'GetDeviceKeyAt', [did, oldTime]);
      expect(keyThen.keyId).to.equal(`${did}#key-1`);
      expect(keyThen.validUntil).to.be.a('string');
      expect(verify('sha256', oldReading, keyThen.publicKeyPem, oldSignature)).to.equal(true);

      const keyNow = await evaluate<VerificationKey>(auditor, CIVIC, 'GetDeviceKeyAt', [did, newTime]);
      expect(keyNow.keyId).to.equal(`${did}#key-2`);
      expect(keyNow.validUntil).to.equal(undefined);
      expect(verify('sha256', newReading, keyNow.publicKeyPem, newSignature)).to.equal(true);
      expect(verify('sha256', oldReading, keyNow.publicKeyPem, oldSignature)).to.equal(false);
      expect(verify('sha256', newReading, keyThen.publicKeyPem, newSignature)).to.equal(false);
    });

    it('emits DeviceRegistered with the device, its owner, feed, metrics and first key', async () => {
      const keys = newDeviceKeys();
      const { txId, result } = await registerSensor('aq-evented', keys.publicKeyPem);
      const doc = JSON.parse(result.toString()) as DidDocument;
      const event = await eventOf(txId);
      expect(event.name).to.equal('DeviceRegistered');
      expect(JSON.parse(event.payload)).to.deep.equal({
        did: 'did:cityledger:civic:aq-evented',
        kind: 'air-quality-sensor',
        ownerDid,
        controller: 'CityMSP',
        feedId: 'air',
        metrics: ['pm2_5', 'no2'],
        keyId: 'did:cityledger:civic:aq-evented#key-1',
        publicKeyPem: doc.verificationKeys[0]!.publicKeyPem,
        validFrom: doc.created,
      });
      expect(event.payload).to.equal(canonicalJson(JSON.parse(event.payload)));
    });
  });

  describe('credentials', () => {
    let did: string;

    before(async () => {
      const person = await registerPerson(CIVIC, 'voter', personalData('Katherine Johnson'));
      did = (JSON.parse(person.result.toString()) as DidDocument).did;
    });

    const validity = (channel: string, type: string) =>
      evaluate<CredentialValidity>(auditor, channel, 'IsCredentialValid', [did, type]);
    const issue = (id: string, type: string) =>
      submit(cityRegistrar, CIVIC, 'IssueCredential', [id, did, type, '', '2099-01-01T00:00:00Z', '']);

    it('reports a credential issued on the channel as valid, and only there', async () => {
      expect(await validity(CIVIC, 'eligible-voter')).to.deep.equal({
        valid: false,
        reason: 'no-credential',
      });
      await issue('voter-2025', 'eligible-voter');
      expect(await validity(CIVIC, 'eligible-voter')).to.deep.equal({
        valid: true,
        credentialId: 'voter-2025',
      });
      expect(await validity(CIVIC, 'resident')).to.deep.equal({ valid: false, reason: 'no-credential' });
      expect(await validity(ENERGY, 'eligible-voter')).to.deep.equal({ valid: false, reason: 'unknown-did' });
    });

    it('reports a revoked credential as not valid', async () => {
      await issue('resident-2025', 'resident');
      expect((await validity(CIVIC, 'resident')).valid).to.equal(true);
      await submit(cityRegistrar, CIVIC, 'RevokeCredential', ['resident-2025', 'moved away']);
      expect(await validity(CIVIC, 'resident')).to.deep.equal({ valid: false, reason: 'revoked' });
      const credential = await evaluate<Credential>(communityRegistrar, CIVIC, 'GetCredential', [
        'resident-2025',
      ]);
      expect(credential).to.include({
        status: 'revoked',
        revocationReason: 'moved away',
        issuerMsp: 'CityMSP',
      });
    });
  });

  describe('access rules', () => {
    const expectAccessDenied = async (
      user: Signer,
      channel: string,
      fn: string,
      args: string[],
      transient?: Record<string, string>,
    ) => {
      const height = network.height(channel);
      const error = await rejectionOf(submit(user, channel, fn, args, transient));
      expect(error).to.be.instanceOf(EndorseError);
      expect((error as unknown as EndorseError).chaincodeMessage).to.match(/^ACCESS_DENIED: /);
      expect(network.height(channel)).to.equal(height);
    };

    it('refuses a citizen who tries to register a device', async () => {
      const owner = await registerPerson(CIVIC, 'citizen-owner', personalData('Mary Jackson'));
      const ownerDid = (JSON.parse(owner.result.toString()) as DidDocument).did;
      await expectAccessDenied(citizen, CIVIC, 'RegisterDevice', [
        'aq-by-citizen',
        'air-quality-sensor',
        ownerDid,
        newDeviceKeys().publicKeyPem,
        '["pm2_5"]',
        'air',
      ]);
    });

    it('refuses a UtilityMSP registrar who tries to register a person', async () => {
      await expectAccessDenied(
        utilityRegistrar,
        ENERGY,
        'StorePersonalData',
        ['did:cityledger:energy:dorothy'],
        {
          person: JSON.stringify(personalData('Dorothy Vaughan')),
        },
      );
      await expectAccessDenied(utilityRegistrar, ENERGY, 'RegisterPerson', ['dorothy', 'ab'.repeat(32)]);
    });

    it('refuses every write of the auditor', async () => {
      await expectAccessDenied(auditor, CIVIC, 'RegisterOrganisation', ['audit-org', 'Auditor', '']);
      await expectAccessDenied(auditor, ENERGY, 'StorePersonalData', ['did:cityledger:energy:audited'], {
        person: JSON.stringify(personalData('Annie Easley')),
      });
      await expectAccessDenied(auditor, ENERGY, 'RegisterPerson', ['audited', 'ab'.repeat(32)]);
      await expectAccessDenied(auditor, ENERGY, 'RegisterDevice', [
        'meter-by-auditor',
        'smart-meter',
        'did:cityledger:energy:utility',
        newDeviceKeys().publicKeyPem,
        '["kwh_import"]',
        'meters',
      ]);
    });

    it('refuses a UtilityMSP operator who tries to register a City sensor', async () => {
      await submit(utilityRegistrar, ENERGY, 'RegisterOrganisation', ['utility', 'Grid operator', '']);
      await expectAccessDenied(utilityOperator, ENERGY, 'RegisterDevice', [
        'aq-by-utility',
        'air-quality-sensor',
        'did:cityledger:energy:utility',
        newDeviceKeys().publicKeyPem,
        '["pm2_5"]',
        'air',
      ]);
    });
  });

  describe('events', () => {
    it('emits DidRegistered for a person with its DID, type, controller and creation time', async () => {
      const { txId, result } = await registerPerson(CIVIC, 'evented-person', personalData('Hedy Lamarr'));
      const doc = JSON.parse(result.toString()) as DidDocument;
      const event = await eventOf(txId);
      expect(event.name).to.equal('DidRegistered');
      expect(event.payload).to.equal(
        canonicalJson({ did: doc.did, didType: 'person', controller: 'CityMSP', created: doc.created }),
      );
      expect(event.payload).to.not.include('Hedy');
    });

    it('emits DidRegistered for an organisation registered by its own admin', async () => {
      const communityAdmin = await network.crypto.enrollUser('CommunityMSP', 'community-admin', {
        role: 'admin',
      });
      const { txId, result } = await submit(communityAdmin, CIVIC, 'RegisterOrganisation', [
        'community',
        'Community organisations',
        '',
      ]);
      const doc = JSON.parse(result.toString()) as DidDocument;
      expect(JSON.parse((await eventOf(txId)).payload)).to.deep.equal({
        did: 'did:cityledger:civic:community',
        didType: 'organisation',
        controller: 'CommunityMSP',
        created: doc.created,
      });
    });
  });
});
