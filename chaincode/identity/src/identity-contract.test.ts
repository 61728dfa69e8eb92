import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { SinonStub } from 'sinon';
import { FakeLedger, type TxOptions } from '@cityledger/chaincode-common/testing';
import { IdentityContract } from './identity-contract';
import type { Credential, DidDocument } from './records';
import {
  adaData,
  auditor,
  auditorAdmin,
  citizen,
  cityAdmin,
  cityOperator,
  cityRegistrar,
  failure,
  newP256Pem,
  utilityAdmin,
  utilityOperator,
  utilityRegistrar,
} from './identity-test-support';

const contract = new IdentityContract();
const ADA = 'did:cityledger:energy:ada';
const UTILITY = 'did:cityledger:energy:utility';
const METER = 'did:cityledger:energy:meter-1';

/**
 * A ledger of channel `energy` beside a telemetry chaincode that holds `feeds` (feed id → metric
 * names) and answers `NOT_FOUND` for any other feed, as telemetry's `GetFeed` does.
 */
function ledgerAt(
  start = '2025-01-01T00:00:00.000Z',
  feeds: Readonly<Record<string, string[]>> = {},
): FakeLedger {
  const ledger = new FakeLedger('energy', start);
  ledger.chaincodes.set('telemetry', async ([fn, feedId]) => {
    const metrics = fn === 'GetFeed' ? feeds[feedId ?? ''] : undefined;
    if (!metrics) return { status: 500, message: `NOT_FOUND: feed ${feedId} does not exist` };
    const feed = { feedId, metrics: metrics.map((name) => ({ name, unit: 'u' })), deviceKinds: [] };
    return { status: 200, payload: Buffer.from(JSON.stringify(feed)) };
  });
  return ledger;
}

/** The two steps of a registration: the personal data to the City's collection, then the public DID. */
async function registerAda(ledger: FakeLedger, data: object = adaData): Promise<DidDocument> {
  const stored = await storePersonalData(ledger, ADA, data);
  return ledger.submit(cityRegistrar, (ctx) => contract.RegisterPerson(ctx, 'ada', stored.personalDataHash));
}

async function storePersonalData(ledger: FakeLedger, did: string, data: object = adaData) {
  return ledger.submit({ ...cityRegistrar, transient: { person: data } }, (ctx) =>
    contract.StorePersonalData(ctx, did),
  );
}

async function registerUtility(ledger: FakeLedger): Promise<DidDocument> {
  return ledger.submit(utilityAdmin, (ctx) => contract.RegisterOrganisation(ctx, 'utility', 'Grid Co', ''));
}

async function registerMeter(ledger: FakeLedger, pem = newP256Pem(), id = 'meter-1'): Promise<DidDocument> {
  return ledger.submit(utilityOperator, (ctx) =>
    contract.RegisterDevice(
      ctx,
      id,
      'smart-meter',
      UTILITY,
      pem,
      '["kwh_import","kwh_export"]',
      'meters-north',
    ),
  );
}

async function issue(
  ledger: FakeLedger,
  caller: TxOptions,
  type: string,
  opts: { id?: string; subject?: string; from?: string; until?: string; claims?: string } = {},
): Promise<Credential> {
  return ledger.submit(caller, (ctx) =>
    contract.IssueCredential(
      ctx,
      opts.id ?? `${type}-1`,
      opts.subject ?? ADA,
      type,
      opts.from ?? '',
      opts.until ?? '2026-01-01T00:00:00Z',
      opts.claims ?? '',
    ),
  );
}

async function submitFails(ledger: FakeLedger, caller: TxOptions, fn: Parameters<FakeLedger['submit']>[1]) {
  const before = new Map(ledger.state);
  const message = await failure(ledger.submit(caller, fn));
  expect(ledger.state, 'a failed transaction changes nothing').to.deep.equal(before);
  return message;
}

describe('IdentityContract', () => {
  describe('persons', () => {
    it('stores the personal data in the City collection alone, then registers the DID with its hash', async () => {
      const ledger = ledgerAt();
      const stored = await storePersonalData(ledger, ADA);
      expect(stored.did).to.equal(ADA);
      expect(stored.personalDataHash).to.match(/^[0-9a-f]{64}$/);
      expect(ledger.state.size, 'the private step writes nothing public').to.equal(0);
      expect(ledger.lastEvent()).to.deep.equal({
        txId: 'tx000001',
        name: 'PersonalDataStored',
        payload: { did: ADA, personalDataHash: stored.personalDataHash },
      });
      const doc = await ledger.submit(cityRegistrar, (ctx) =>
        contract.RegisterPerson(ctx, 'ada', stored.personalDataHash),
      );
      expect(doc).to.deep.include({ did: ADA, didType: 'person', controller: 'CityMSP', status: 'active' });
      expect(doc.person!.personalDataHash).to.equal(stored.personalDataHash);
      const publicBytes = [...ledger.state.values()].map((v) => v.toString()).join('');
      expect(publicBytes).to.not.include('Ada').and.not.include('Main Street').and.not.include('1990');
      const bytes = [...ledger.privateData.get('CityPersonalData')!.values()][0];
      expect(bytes.toString()).to.equal(
        '{"address":"1 Main Street","birthDate":"1990-12-10","name":"Ada Lovelace","salt":"' +
          adaData.salt +
          '"}',
      );
      expect(createHash('sha256').update(bytes).digest('hex')).to.equal(stored.personalDataHash);
      expect(ledger.lastEvent()).to.deep.equal({
        txId: 'tx000002',
        name: 'DidRegistered',
        payload: { did: ADA, didType: 'person', controller: 'CityMSP', created: '2025-01-01T00:00:02.000Z' },
      });
    });

    it('lets only CityMSP registrars store personal data and register persons', async () => {
      const ledger = ledgerAt();
      for (const caller of [utilityRegistrar, citizen, cityOperator, auditor]) {
        expect(
          await submitFails(ledger, { ...caller, transient: { person: adaData } }, (ctx) =>
            contract.StorePersonalData(ctx, ADA),
          ),
        ).to.match(/^ACCESS_DENIED: .* may not store personal data/);
        expect(
          await submitFails(ledger, caller, (ctx) => contract.RegisterPerson(ctx, 'ada', 'ab'.repeat(32))),
        ).to.match(/^ACCESS_DENIED: .* may not register a person/);
      }
    });

    it('requires the personal data as transient data, complete and well-formed', async () => {
      const ledger = ledgerAt();
      expect(
        await submitFails(ledger, cityRegistrar, (ctx) => contract.StorePersonalData(ctx, ADA)),
      ).to.equal(
        'INVALID_ARGUMENT: transient.person: personal data must be passed as transient data, never as an argument',
      );
      const cases: [object, RegExp][] = [
        [{ ...adaData, birthDate: '1990-13-01' }, /^INVALID_ARGUMENT: transient.person.birthDate:/],
        [{ ...adaData, salt: 'short' }, /^INVALID_ARGUMENT: transient.person.salt: must be 32 to 128/],
        [{ ...adaData, ssn: '123' }, /^INVALID_ARGUMENT: transient.person: has unknown field\(s\) 'ssn'/],
        [{ ...adaData, name: '' }, /^INVALID_ARGUMENT: transient.person.name: must not be empty/],
      ];
      for (const [data, expected] of cases) {
        expect(await failure(storePersonalData(ledger, ADA, data))).to.match(expected);
      }
      expect(ledger.state.size).to.equal(0);
      expect(ledger.privateData.size).to.equal(0);
    });

    it('refuses transient data on the public steps, whose endorsers are outside the collection', async () => {
      const ledger = ledgerAt();
      const { personalDataHash } = await storePersonalData(ledger, ADA);
      expect(
        await submitFails(ledger, { ...cityRegistrar, transient: { person: adaData } }, (ctx) =>
          contract.RegisterPerson(ctx, 'ada', personalDataHash),
        ),
      ).to.match(/^INVALID_ARGUMENT: transient.person: RegisterPerson takes no transient data/);
      await ledger.submit(cityRegistrar, (ctx) => contract.RegisterPerson(ctx, 'ada', personalDataHash));
      expect(
        await submitFails(ledger, { ...cityRegistrar, transient: { person: adaData } }, (ctx) =>
          contract.UpdatePersonalData(ctx, ADA, personalDataHash),
        ),
      ).to.match(/^INVALID_ARGUMENT: transient.person: UpdatePersonalData takes no transient data/);
    });

    it('registers a person only with the hash of the personal data stored for that DID', async () => {
      const ledger = ledgerAt();
      expect(
        await submitFails(ledger, cityRegistrar, (ctx) =>
          contract.RegisterPerson(ctx, 'ada', 'ab'.repeat(32)),
        ),
      ).to.equal(
        `CONFLICT: no personal data of ${ADA} is stored in CityPersonalData; call StorePersonalData first`,
      );
      const first = await storePersonalData(ledger, ADA);
      const second = await storePersonalData(ledger, ADA, { ...adaData, address: '3 Other Street' });
      expect(
        await submitFails(ledger, cityRegistrar, (ctx) =>
          contract.RegisterPerson(ctx, 'ada', first.personalDataHash),
        ),
      ).to.equal(
        `CONFLICT: personalDataHash ${first.personalDataHash} is not the hash of the personal data stored for ${ADA} (${second.personalDataHash}); it was replaced since`,
      );
      for (const hash of ['', 'xyz', 'AB'.repeat(31)]) {
        expect(
          await submitFails(ledger, cityRegistrar, (ctx) => contract.RegisterPerson(ctx, 'ada', hash)),
        ).to.match(/^INVALID_ARGUMENT: personalDataHash: /);
      }
    });

    it('refuses ids that could inject into composite keys', async () => {
      const ledger = ledgerAt();
      for (const id of ['a\u0000b', 'a\u0001', 'a:b', '', 'x'.repeat(129)]) {
        const message = await failure(
          ledger.submit(cityRegistrar, (ctx) => contract.RegisterPerson(ctx, id, 'ab'.repeat(32))),
        );
        expect(message).to.match(/^INVALID_ARGUMENT: id: /);
        expect(await failure(storePersonalData(ledger, `did:cityledger:energy:${id}`))).to.match(
          /^INVALID_ARGUMENT: did: /,
        );
      }
    });

    it('refuses to register the same DID twice', async () => {
      const ledger = ledgerAt();
      await registerAda(ledger);
      expect(await failure(registerAda(ledger))).to.equal(`CONFLICT: ${ADA} already exists`);
    });

    it('lets a City registrar read the personal data back, and nobody else', async () => {
      const ledger = ledgerAt();
      await registerAda(ledger);
      expect(
        await ledger.evaluate(cityRegistrar, (ctx) => contract.ReadPersonalData(ctx, ADA)),
      ).to.deep.equal(adaData);
      for (const caller of [utilityRegistrar, auditor, citizen]) {
        expect(await failure(ledger.evaluate(caller, (ctx) => contract.ReadPersonalData(ctx, ADA)))).to.match(
          /^ACCESS_DENIED: .* may not read personal data/,
        );
      }
    });

    it('answers NOT_FOUND when the personal data is not on this peer', async () => {
      const ledger = ledgerAt();
      await registerAda(ledger);
      ledger.privateData.clear();
      expect(
        await failure(ledger.evaluate(cityRegistrar, (ctx) => contract.ReadPersonalData(ctx, ADA))),
      ).to.equal(`NOT_FOUND: personal data of ${ADA} is not on this peer`);
    });

    it("answers NOT_FOUND when a peer outside the collection fails the read with Fabric's message", async () => {
      const ledger = ledgerAt();
      await registerAda(ledger);
      const fabricRefusal =
        'GET_STATE failed: transaction ID: 3f1c: private data matching public hash version is not available. ' +
        'Public hash version = {BlockNum: 5, TxNum: 0}, Private data version = <nil>';
      const message = await failure(
        ledger.evaluate(cityRegistrar, (ctx) => {
          (ctx.stub.getPrivateData as unknown as SinonStub).rejects(new Error(fabricRefusal));
          return contract.ReadPersonalData(ctx, ADA);
        }),
      );
      expect(message).to.equal(`NOT_FOUND: personal data of ${ADA} is not on this peer`);
    });

    it('lets anyone check a claimed personal data blob against the public hash', async () => {
      const ledger = ledgerAt();
      await registerAda(ledger);
      const reordered = JSON.stringify({
        salt: adaData.salt,
        name: adaData.name,
        address: adaData.address,
        birthDate: adaData.birthDate,
      });
      expect(
        await ledger.evaluate(auditor, (ctx) => contract.VerifyPersonalData(ctx, ADA, reordered)),
      ).to.deep.equal({
        did: ADA,
        matches: true,
      });
      const wrong = JSON.stringify({ ...adaData, birthDate: '1990-12-11' });
      expect(
        await ledger.evaluate(utilityOperator, (ctx) => contract.VerifyPersonalData(ctx, ADA, wrong)),
      ).to.deep.equal({
        did: ADA,
        matches: false,
      });
      expect(
        await failure(ledger.evaluate(auditor, (ctx) => contract.VerifyPersonalData(ctx, ADA, '{'))),
      ).to.match(/^INVALID_ARGUMENT: personalDataJson: is not valid JSON/);
    });

    it('replaces the personal data, then records its hash on update', async () => {
      const ledger = ledgerAt();
      const before = await registerAda(ledger);
      const moved = { ...adaData, address: '2 Harbour Road' };
      const stored = await storePersonalData(ledger, ADA, moved);
      expect(
        (await ledger.evaluate(cityRegistrar, (ctx) => contract.GetDid(ctx, ADA))).person!.personalDataHash,
        'the public record changes only with UpdatePersonalData',
      ).to.equal(before.person!.personalDataHash);
      const after = await ledger.submit(cityRegistrar, (ctx) =>
        contract.UpdatePersonalData(ctx, ADA, stored.personalDataHash),
      );
      expect(after.person!.personalDataHash).to.equal(stored.personalDataHash);
      expect(after.person!.personalDataHash).to.not.equal(before.person!.personalDataHash);
      expect(
        await ledger.evaluate(cityRegistrar, (ctx) => contract.ReadPersonalData(ctx, ADA)),
      ).to.deep.equal(moved);
      expect(ledger.lastEvent()!.name).to.equal('PersonalDataUpdated');
    });

    it('stores personal data only for a new DID or an active person', async () => {
      const ledger = ledgerAt();
      await registerUtility(ledger);
      expect(await failure(storePersonalData(ledger, UTILITY))).to.equal(
        `NOT_FOUND: ${UTILITY} is a organisation, not a person`,
      );
      await registerAda(ledger);
      await ledger.submit(cityRegistrar, (ctx) => contract.DeactivateDid(ctx, ADA, 'moved away'));
      expect(await failure(storePersonalData(ledger, ADA))).to.equal(`CONFLICT: ${ADA} is deactivated`);
    });
  });

  describe('organisations', () => {
    it('lets an org admin register its own organisation, controlled by its MSP', async () => {
      const ledger = ledgerAt();
      const pem = newP256Pem();
      const doc = await ledger.submit(utilityAdmin, (ctx) =>
        contract.RegisterOrganisation(ctx, 'utility', 'Grid Co', pem),
      );
      expect(doc).to.deep.include({ did: UTILITY, didType: 'organisation', controller: 'UtilityMSP' });
      expect(doc.organisation).to.deep.equal({ mspId: 'UtilityMSP', name: 'Grid Co' });
      expect(doc.verificationKeys).to.have.length(1);
      expect(ledger.lastEvent()!.name).to.equal('DidRegistered');
    });

    it('gives each MSP at most one organisation DID', async () => {
      const ledger = ledgerAt();
      await registerUtility(ledger);
      expect(
        await failure(
          ledger.submit(utilityAdmin, (ctx) => contract.RegisterOrganisation(ctx, 'utility-2', 'Again', '')),
        ),
      ).to.equal(`CONFLICT: UtilityMSP already has the organisation DID ${UTILITY}`);
    });

    it('refuses organisation registration by operators, citizens and the auditor', async () => {
      const ledger = ledgerAt();
      for (const caller of [cityOperator, citizen, auditorAdmin]) {
        expect(
          await submitFails(ledger, caller, (ctx) => contract.RegisterOrganisation(ctx, 'x', 'X', '')),
        ).to.match(/^ACCESS_DENIED: .* may not register an organisation/);
      }
    });

    it('validates name and optional key', async () => {
      const ledger = ledgerAt();
      expect(
        await failure(ledger.submit(cityAdmin, (ctx) => contract.RegisterOrganisation(ctx, 'city', '', ''))),
      ).to.equal('INVALID_ARGUMENT: name: must not be empty');
      expect(
        await failure(
          ledger.submit(cityAdmin, (ctx) => contract.RegisterOrganisation(ctx, 'city', 'City', 'nope')),
        ),
      ).to.match(/^INVALID_ARGUMENT: publicKeyPem: must be a PEM block/);
    });
  });

  describe('devices', () => {
    it('registers a smart meter for a UtilityMSP operator, with key, metrics and feed', async () => {
      const ledger = ledgerAt();
      await registerUtility(ledger);
      const pem = newP256Pem();
      const doc = await registerMeter(ledger, pem);
      expect(doc).to.deep.include({
        did: METER,
        didType: 'device',
        controller: 'UtilityMSP',
        status: 'active',
      });
      expect(doc.device).to.deep.equal({
        kind: 'smart-meter',
        ownerDid: UTILITY,
        metrics: ['kwh_import', 'kwh_export'],
        feedId: 'meters-north',
      });
      expect(doc.verificationKeys).to.deep.equal([
        { keyId: `${METER}#key-1`, publicKeyPem: pem, validFrom: '2025-01-01T00:00:02.000Z' },
      ]);
      expect(ledger.lastEvent()).to.deep.include({ name: 'DeviceRegistered' });
      expect(ledger.lastEvent()!.payload).to.deep.include({
        did: METER,
        kind: 'smart-meter',
        keyId: `${METER}#key-1`,
      });
    });

    it('lets city operators register city sensors but not smart meters, and vice versa', async () => {
      const ledger = ledgerAt();
      await registerUtility(ledger);
      expect(
        await submitFails(ledger, cityOperator, (ctx) =>
          contract.RegisterDevice(ctx, 'm2', 'smart-meter', UTILITY, newP256Pem(), '["kwh_import"]', 'f'),
        ),
      ).to.equal(
        "ACCESS_DENIED: CityMSP 'operator' may not register a smart-meter; only UtilityMSP operators may",
      );
      expect(
        await submitFails(ledger, utilityOperator, (ctx) =>
          contract.RegisterDevice(ctx, 'aq1', 'air-quality-sensor', UTILITY, newP256Pem(), '["pm2_5"]', 'f'),
        ),
      ).to.match(/^ACCESS_DENIED: UtilityMSP 'operator' may not register a air-quality-sensor/);
      await ledger.submit(cityAdmin, (ctx) => contract.RegisterOrganisation(ctx, 'city', 'City', ''));
      const sensor = await ledger.submit(cityOperator, (ctx) =>
        contract.RegisterDevice(
          ctx,
          'aq1',
          'air-quality-sensor',
          'did:cityledger:energy:city',
          newP256Pem(),
          '["pm2_5"]',
          'air',
        ),
      );
      expect(sensor.controller).to.equal('CityMSP');
    });

    it('refuses a device whose feed does not take all its metrics, naming them, and writes nothing', async () => {
      const ledger = ledgerAt(undefined, { 'air-quality': ['pm2_5'] });
      await ledger.submit(cityAdmin, (ctx) => contract.RegisterOrganisation(ctx, 'city', 'City', ''));
      const register =
        (id: string, metrics: string[]) => (ctx: Parameters<typeof contract.RegisterDevice>[0]) =>
          contract.RegisterDevice(
            ctx,
            id,
            'air-quality-sensor',
            'did:cityledger:energy:city',
            newP256Pem(),
            JSON.stringify(metrics),
            'air-quality',
          );
      expect(await submitFails(ledger, cityOperator, register('aq1', ['pm2_5', 'no2', 'o3']))).to.equal(
        'INVALID_ARGUMENT: metricsJson: feed air-quality does not take no2, o3; it takes pm2_5',
      );
      const sensor = await ledger.submit(cityOperator, register('aq1', ['pm2_5']));
      expect(sensor.device?.metrics).to.deep.equal(['pm2_5']);
    });

    it('asks telemetry on the same channel for the feed inside the registration', async () => {
      const ledger = ledgerAt(undefined, { meters: ['kwh_import', 'kwh_export'] });
      await registerUtility(ledger);
      const tx = ledger.begin(utilityOperator);
      await contract.RegisterDevice(
        tx.ctx,
        'm1',
        'smart-meter',
        UTILITY,
        newP256Pem(),
        '["kwh_import"]',
        'meters',
      );
      expect(tx.stub.invokeChaincode.firstCall.args).to.deep.equal(['telemetry', ['GetFeed', 'meters'], '']);
    });

    it('registers a device whose feed telemetry does not hold, or where telemetry is not on the channel', async () => {
      const ledger = ledgerAt();
      await registerUtility(ledger);
      expect((await registerMeter(ledger)).device?.feedId).to.equal('meters-north');
      ledger.chaincodes.set('telemetry', async () => {
        // What the shim does when the peer cannot run the called chaincode: the call itself fails.
        throw new Error('chaincode telemetry is not defined on channel energy');
      });
      expect((await registerMeter(ledger, newP256Pem(), 'meter-2')).device?.feedId).to.equal('meters-north');
    });

    it('refuses the device when telemetry fails otherwise, without writing', async () => {
      const ledger = ledgerAt();
      await registerUtility(ledger);
      ledger.chaincodes.set('telemetry', async () => ({ status: 500, message: 'out of memory' }));
      expect(
        await submitFails(ledger, utilityOperator, (ctx) =>
          contract.RegisterDevice(ctx, 'm1', 'smart-meter', UTILITY, newP256Pem(), '["kwh_import"]', 'f'),
        ),
      ).to.equal('CHAINCODE_CALL_FAILED: telemetry.GetFeed answered status 500: out of memory');
    });

    it('refuses device registration by citizens, registrars and the auditor', async () => {
      const ledger = ledgerAt();
      await registerUtility(ledger);
      for (const caller of [citizen, utilityRegistrar, auditor]) {
        expect(
          await submitFails(ledger, caller, (ctx) =>
            contract.RegisterDevice(ctx, 'm9', 'smart-meter', UTILITY, newP256Pem(), '["kwh_import"]', 'f'),
          ),
        ).to.match(/^ACCESS_DENIED: .* may not register a device/);
      }
    });

    it('validates kind, owner, key, metrics and feed', async () => {
      const ledger = ledgerAt();
      await registerUtility(ledger);
      const p384 = (await import('node:crypto'))
        .generateKeyPairSync('ec', { namedCurve: 'secp384r1' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString();
      const cases: [string[], RegExp][] = [
        [['m', 'toaster', UTILITY, newP256Pem(), '["a"]', 'f'], /^INVALID_ARGUMENT: kind: must be one of/],
        [
          ['m', 'smart-meter', 'did:cityledger:civic:x', newP256Pem(), '["a"]', 'f'],
          /^INVALID_ARGUMENT: ownerDid: must be a DID of channel 'energy'/,
        ],
        [
          ['m', 'smart-meter', UTILITY, p384, '["a"]', 'f'],
          /^INVALID_ARGUMENT: publicKeyPem: must be an EC key on curve P-256/,
        ],
        [
          ['m', 'smart-meter', UTILITY, newP256Pem(), '[]', 'f'],
          /^INVALID_ARGUMENT: metricsJson: must have at least 1/,
        ],
        [
          ['m', 'smart-meter', UTILITY, newP256Pem(), '["A B"]', 'f'],
          /^INVALID_ARGUMENT: metricsJson\[0\]: must be a metric name/,
        ],
        [
          ['m', 'smart-meter', UTILITY, newP256Pem(), '["a","a"]', 'f'],
          /^INVALID_ARGUMENT: metricsJson\[1\]: duplicates/,
        ],
        [['m', 'smart-meter', UTILITY, newP256Pem(), '["a"]', 'f/x'], /^INVALID_ARGUMENT: feedId:/],
        [
          ['m', 'smart-meter', 'did:cityledger:energy:nobody', newP256Pem(), '["a"]', 'f'],
          /^NOT_FOUND: owner did:cityledger:energy:nobody does not exist/,
        ],
      ];
      for (const [args, expected] of cases) {
        const [id, kind, owner, pem, metrics, feed] = args;
        const message = await submitFails(ledger, utilityOperator, (ctx) =>
          contract.RegisterDevice(ctx, id, kind, owner, pem, metrics, feed),
        );
        expect(message).to.match(expected);
      }
    });

    it('refuses a device as owner, a deactivated owner and a key already used by another device', async () => {
      const ledger = ledgerAt();
      await registerUtility(ledger);
      const pem = newP256Pem();
      await registerMeter(ledger, pem);
      expect(await failure(registerMeter(ledger, pem, 'meter-2'))).to.equal(
        `CONFLICT: this public key is already registered for ${METER}; a key identifies one device`,
      );
      expect(
        await failure(
          ledger.submit(utilityOperator, (ctx) =>
            contract.RegisterDevice(ctx, 'm3', 'smart-meter', METER, newP256Pem(), '["a"]', 'f'),
          ),
        ),
      ).to.equal('INVALID_ARGUMENT: ownerDid: must be a person or an organisation, not a device');
      await ledger.submit(utilityAdmin, (ctx) => contract.DeactivateDid(ctx, UTILITY, 'merged'));
      expect(await failure(registerMeter(ledger, newP256Pem(), 'meter-4'))).to.equal(
        `CONFLICT: owner ${UTILITY} is deactivated`,
      );
    });

    it('rotates a key, keeping the old key valid for the readings it signed', async () => {
      const ledger = ledgerAt();
      await registerUtility(ledger);
      const oldPem = newP256Pem();
      await registerMeter(ledger, oldPem); // key-1 valid from 00:00:02
      const newPem = newP256Pem();
      const rotated = await ledger.submit({ ...utilityOperator, time: '2025-02-01T00:00:00Z' }, (ctx) =>
        contract.RotateDeviceKey(ctx, METER, newPem),
      );
      expect(rotated.verificationKeys).to.deep.equal([
        {
          keyId: `${METER}#key-1`,
          publicKeyPem: oldPem,
          validFrom: '2025-01-01T00:00:02.000Z',
          validUntil: '2025-02-01T00:00:00.000Z',
        },
        { keyId: `${METER}#key-2`, publicKeyPem: newPem, validFrom: '2025-02-01T00:00:00.000Z' },
      ]);
      expect(ledger.lastEvent()).to.deep.equal({
        txId: 'tx000003',
        name: 'DeviceKeyRotated',
        payload: {
          did: METER,
          previousKeyId: `${METER}#key-1`,
          previousKeyValidUntil: '2025-02-01T00:00:00.000Z',
          keyId: `${METER}#key-2`,
          publicKeyPem: newPem,
          validFrom: '2025-02-01T00:00:00.000Z',
        },
      });
      const at = (t: string) => ledger.evaluate(auditor, (ctx) => contract.GetDeviceKeyAt(ctx, METER, t));
      expect((await at('2025-01-15T00:00:00Z')).keyId).to.equal(`${METER}#key-1`);
      expect((await at('2025-02-01T00:00:00Z')).keyId).to.equal(`${METER}#key-2`);
      expect(await failure(at('2024-12-31T00:00:00Z'))).to.equal(
        `NOT_FOUND: ${METER} had no valid key at 2024-12-31T00:00:00.000Z`,
      );
      expect(await failure(at('yesterday'))).to.match(/^INVALID_ARGUMENT: isoTime:/);
    });

    it('refuses rotation by another org, to a used key, or of a deactivated device', async () => {
      const ledger = ledgerAt();
      await registerUtility(ledger);
      const pem = newP256Pem();
      await registerMeter(ledger, pem);
      expect(
        await submitFails(ledger, cityOperator, (ctx) => contract.RotateDeviceKey(ctx, METER, newP256Pem())),
      ).to.equal(`ACCESS_DENIED: CityMSP 'operator' may not rotate the key of ${METER}; only UtilityMSP may`);
      expect(
        await submitFails(ledger, utilityOperator, (ctx) => contract.RotateDeviceKey(ctx, METER, pem)),
      ).to.match(/^CONFLICT: this public key is already registered/);
      expect(
        await submitFails(ledger, auditor, (ctx) => contract.RotateDeviceKey(ctx, METER, newP256Pem())),
      ).to.match(/^ACCESS_DENIED/);
      await ledger.submit(utilityOperator, (ctx) => contract.DeactivateDid(ctx, METER, 'replaced'));
      expect(
        await submitFails(ledger, utilityOperator, (ctx) =>
          contract.RotateDeviceKey(ctx, METER, newP256Pem()),
        ),
      ).to.equal(`CONFLICT: ${METER} is deactivated`);
    });

    it('deactivates a device, closing its key window, once', async () => {
      const ledger = ledgerAt();
      await registerUtility(ledger);
      await registerMeter(ledger);
      const doc = await ledger.submit({ ...utilityOperator, time: '2025-03-01T00:00:00Z' }, (ctx) =>
        contract.DeactivateDid(ctx, METER, 'stolen'),
      );
      expect(doc).to.deep.include({
        status: 'deactivated',
        deactivatedAt: '2025-03-01T00:00:00.000Z',
        deactivationReason: 'stolen',
      });
      expect(doc.verificationKeys[0].validUntil).to.equal('2025-03-01T00:00:00.000Z');
      expect(ledger.lastEvent()!).to.deep.include({
        name: 'DidDeactivated',
        payload: {
          did: METER,
          didType: 'device',
          controller: 'UtilityMSP',
          deactivatedAt: '2025-03-01T00:00:00.000Z',
          reason: 'stolen',
        },
      });
      expect(
        (await ledger.evaluate(auditor, (ctx) => contract.GetDeviceKeyAt(ctx, METER, '2025-02-01T00:00:00Z')))
          .keyId,
      ).to.equal(`${METER}#key-1`);
      expect(
        await failure(ledger.submit(utilityOperator, (ctx) => contract.DeactivateDid(ctx, METER, ''))),
      ).to.equal(`CONFLICT: ${METER} is deactivated`);
      expect(await ledger.evaluate(auditor, (ctx) => contract.IsDidValid(ctx, METER))).to.deep.equal({
        valid: false,
        reason: 'did-deactivated',
        didType: 'device',
        controller: 'UtilityMSP',
      });
    });

    it('lets only the right org and role deactivate each kind of DID', async () => {
      const ledger = ledgerAt();
      await registerAda(ledger);
      await registerUtility(ledger);
      await registerMeter(ledger);
      expect(
        await submitFails(ledger, utilityOperator, (ctx) => contract.DeactivateDid(ctx, ADA, '')),
      ).to.equal("ACCESS_DENIED: UtilityMSP 'operator' may not deactivate a person DID");
      expect(
        await submitFails(ledger, cityAdmin, (ctx) => contract.DeactivateDid(ctx, UTILITY, '')),
      ).to.equal(`ACCESS_DENIED: CityMSP 'admin' may not deactivate ${UTILITY}; only UtilityMSP may`);
      expect(await submitFails(ledger, auditor, (ctx) => contract.DeactivateDid(ctx, METER, ''))).to.match(
        /^ACCESS_DENIED/,
      );
      await ledger.submit(cityRegistrar, (ctx) => contract.DeactivateDid(ctx, ADA, 'moved away'));
      expect((await ledger.evaluate(auditor, (ctx) => contract.GetDid(ctx, ADA))).status).to.equal(
        'deactivated',
      );
    });

    it('lists devices by owner and DIDs by type, page by page', async () => {
      const ledger = ledgerAt();
      await registerUtility(ledger);
      for (const id of ['meter-1', 'meter-2', 'meter-3']) {
        await registerMeter(ledger, newP256Pem(), id);
      }
      const first = await ledger.evaluate(auditor, (ctx) =>
        contract.ListDevicesByOwner(ctx, UTILITY, '2', ''),
      );
      expect(first.records.map((d) => d.did)).to.deep.equal([METER, 'did:cityledger:energy:meter-2']);
      const second = await ledger.evaluate(auditor, (ctx) =>
        contract.ListDevicesByOwner(ctx, UTILITY, '2', first.bookmark),
      );
      expect(second.records.map((d) => d.did)).to.deep.equal(['did:cityledger:energy:meter-3']);
      expect(second.bookmark).to.equal('');
      const orgs = await ledger.evaluate(auditor, (ctx) =>
        contract.ListDidsByType(ctx, 'organisation', '', ''),
      );
      expect(orgs.records.map((d) => d.did)).to.deep.equal([UTILITY]);
      expect(
        await failure(ledger.evaluate(auditor, (ctx) => contract.ListDidsByType(ctx, 'robot', '', ''))),
      ).to.match(/^INVALID_ARGUMENT: didType: must be one of 'person', 'organisation', 'device'/);
      expect(
        await failure(ledger.evaluate(auditor, (ctx) => contract.ListDidsByType(ctx, 'device', '500', ''))),
      ).to.match(/^INVALID_ARGUMENT: pageSize: must be between 1 and 200/);
    });
  });

  describe('credentials', () => {
    it('lets a City registrar issue a resident credential that other chaincodes see as valid', async () => {
      const ledger = ledgerAt();
      await registerAda(ledger);
      const credential = await issue(ledger, cityRegistrar, 'resident', { claims: '{"district":"north"}' });
      expect(credential).to.deep.equal({
        credentialId: 'resident-1',
        credentialType: 'resident',
        subjectDid: ADA,
        issuerMsp: 'CityMSP',
        validFrom: '2025-01-01T00:00:03.000Z',
        validUntil: '2026-01-01T00:00:00.000Z',
        claims: { district: 'north' },
        status: 'active',
        issuedAt: '2025-01-01T00:00:03.000Z',
      });
      expect(ledger.lastEvent()!).to.deep.include({
        name: 'CredentialIssued',
        payload: {
          credentialId: 'resident-1',
          credentialType: 'resident',
          subjectDid: ADA,
          issuerMsp: 'CityMSP',
          validFrom: '2025-01-01T00:00:03.000Z',
          validUntil: '2026-01-01T00:00:00.000Z',
        },
      });
      expect(
        await ledger.evaluate(cityOperator, (ctx) => contract.IsCredentialValid(ctx, ADA, 'resident')),
      ).to.deep.equal({
        valid: true,
        credentialId: 'resident-1',
      });
    });

    it('follows the issuer table: prosumer by UtilityMSP operators, civic credentials by City registrars', async () => {
      const ledger = ledgerAt();
      await registerAda(ledger);
      expect((await issue(ledger, utilityOperator, 'prosumer')).issuerMsp).to.equal('UtilityMSP');
      expect(await failure(issue(ledger, cityRegistrar, 'prosumer', { id: 'p2' }))).to.equal(
        "ACCESS_DENIED: CityMSP 'registrar' may not issue or revoke 'prosumer' credentials; only UtilityMSP 'operator'",
      );
      expect(await failure(issue(ledger, utilityOperator, 'eligible-voter'))).to.match(
        /^ACCESS_DENIED: UtilityMSP 'operator' may not issue or revoke 'eligible-voter'/,
      );
      for (const caller of [auditor, citizen, utilityRegistrar]) {
        expect(await failure(issue(ledger, caller, 'resident'))).to.match(
          /^ACCESS_DENIED: .* may not issue credentials/,
        );
      }
    });

    it('validates type, subject, validity period, claims and uniqueness', async () => {
      const ledger = ledgerAt();
      await registerAda(ledger);
      await registerUtility(ledger);
      await registerMeter(ledger);
      expect(await failure(issue(ledger, cityRegistrar, 'mayor'))).to.match(
        /^INVALID_ARGUMENT: credentialType: must be one of/,
      );
      expect(
        await failure(issue(ledger, cityRegistrar, 'resident', { until: '2024-01-01T00:00:00Z' })),
      ).to.equal('INVALID_ARGUMENT: validUntil: must be after validFrom (2025-01-01T00:00:06.000Z)');
      expect(await failure(issue(ledger, cityRegistrar, 'resident', { from: 'soon' }))).to.match(
        /^INVALID_ARGUMENT: validFrom:/,
      );
      expect(await failure(issue(ledger, cityRegistrar, 'resident', { subject: METER }))).to.equal(
        "INVALID_ARGUMENT: subjectDid: a 'resident' credential is for person DIDs, not a device",
      );
      expect(
        await failure(issue(ledger, cityRegistrar, 'resident', { subject: 'did:cityledger:energy:ghost' })),
      ).to.equal('NOT_FOUND: did:cityledger:energy:ghost does not exist');
      expect(await failure(issue(ledger, cityRegistrar, 'resident', { claims: '{"district":7}' }))).to.match(
        /^INVALID_ARGUMENT: claimsJson.district: must be a string/,
      );
      await issue(ledger, cityRegistrar, 'resident');
      expect(await failure(issue(ledger, cityRegistrar, 'resident'))).to.equal(
        'CONFLICT: credential resident-1 already exists',
      );
    });

    it('evaluates validity at the transaction time: not yet valid, valid, expired', async () => {
      const ledger = ledgerAt();
      await registerAda(ledger);
      await issue(ledger, cityRegistrar, 'eligible-voter', {
        from: '2025-06-01T00:00:00Z',
        until: '2025-07-01T00:00:00Z',
      });
      const at = (time: string) =>
        ledger.evaluate({ ...auditor, time }, (ctx) =>
          contract.IsCredentialValid(ctx, ADA, 'eligible-voter'),
        );
      expect(await at('2025-05-31T23:59:59Z')).to.deep.equal({ valid: false, reason: 'not-yet-valid' });
      expect(await at('2025-06-15T00:00:00Z')).to.deep.equal({
        valid: true,
        credentialId: 'eligible-voter-1',
      });
      expect(await at('2025-07-01T00:00:00Z')).to.deep.equal({ valid: false, reason: 'expired' });
    });

    it('reports unknown and deactivated DIDs and missing credentials', async () => {
      const ledger = ledgerAt();
      await registerAda(ledger);
      const check = (did: string) =>
        ledger.evaluate(auditor, (ctx) => contract.IsCredentialValid(ctx, did, 'resident'));
      expect(await check(ADA)).to.deep.equal({ valid: false, reason: 'no-credential' });
      expect(await check('did:cityledger:energy:ghost')).to.deep.equal({
        valid: false,
        reason: 'unknown-did',
      });
      await issue(ledger, cityRegistrar, 'resident');
      await ledger.submit(cityRegistrar, (ctx) => contract.DeactivateDid(ctx, ADA, ''));
      expect(await check(ADA)).to.deep.equal({ valid: false, reason: 'did-deactivated' });
      expect(
        await failure(ledger.evaluate(auditor, (ctx) => contract.IsCredentialValid(ctx, 'ada', 'resident'))),
      ).to.match(/^INVALID_ARGUMENT: did: must be a DID/);
    });

    it('revokes a credential by its issuer only, once', async () => {
      const ledger = ledgerAt();
      await registerAda(ledger);
      await issue(ledger, utilityOperator, 'prosumer');
      expect(
        await submitFails(ledger, cityRegistrar, (ctx) => contract.RevokeCredential(ctx, 'prosumer-1', '')),
      ).to.match(/^ACCESS_DENIED: CityMSP 'registrar' may not issue or revoke 'prosumer'/);
      expect(
        await submitFails(ledger, auditor, (ctx) => contract.RevokeCredential(ctx, 'prosumer-1', '')),
      ).to.match(/^ACCESS_DENIED/);
      const revoked = await ledger.submit(utilityOperator, (ctx) =>
        contract.RevokeCredential(ctx, 'prosumer-1', 'contract ended'),
      );
      expect(revoked).to.deep.include({
        status: 'revoked',
        revocationReason: 'contract ended',
        revokedAt: '2025-01-01T00:00:06.000Z',
      });
      expect(ledger.lastEvent()!).to.deep.include({
        name: 'CredentialRevoked',
        payload: {
          credentialId: 'prosumer-1',
          credentialType: 'prosumer',
          subjectDid: ADA,
          revokedAt: '2025-01-01T00:00:06.000Z',
          reason: 'contract ended',
        },
      });
      expect(
        await ledger.evaluate(auditor, (ctx) => contract.IsCredentialValid(ctx, ADA, 'prosumer')),
      ).to.deep.equal({
        valid: false,
        reason: 'revoked',
      });
      expect(
        await failure(
          ledger.submit(utilityOperator, (ctx) => contract.RevokeCredential(ctx, 'prosumer-1', '')),
        ),
      ).to.equal('CONFLICT: credential prosumer-1 is already revoked');
      expect(
        await failure(ledger.submit(utilityOperator, (ctx) => contract.RevokeCredential(ctx, 'nope', ''))),
      ).to.equal('NOT_FOUND: credential nope does not exist');
    });

    it('stays valid through a second, valid credential after one is revoked', async () => {
      const ledger = ledgerAt();
      await registerAda(ledger);
      await issue(ledger, cityRegistrar, 'resident', { id: 'r1' });
      await issue(ledger, cityRegistrar, 'resident', { id: 'r2' });
      await ledger.submit(cityRegistrar, (ctx) => contract.RevokeCredential(ctx, 'r1', ''));
      expect(
        await ledger.evaluate(auditor, (ctx) => contract.IsCredentialValid(ctx, ADA, 'resident')),
      ).to.deep.equal({
        valid: true,
        credentialId: 'r2',
      });
    });

    it('lists credentials of a subject and shows the history of one', async () => {
      const ledger = ledgerAt();
      await registerAda(ledger);
      await issue(ledger, cityRegistrar, 'resident');
      await issue(ledger, cityRegistrar, 'eligible-voter');
      await ledger.submit(cityRegistrar, (ctx) => contract.RevokeCredential(ctx, 'resident-1', 'moved'));
      const page = await ledger.evaluate(auditor, (ctx) =>
        contract.ListCredentialsBySubject(ctx, ADA, '10', ''),
      );
      expect(page.records.map((c) => c.credentialId)).to.deep.equal(['eligible-voter-1', 'resident-1']);
      const history = await ledger.evaluate(auditor, (ctx) =>
        contract.GetCredentialHistory(ctx, 'resident-1'),
      );
      expect(history.map((h) => [h.txId, h.value!.status])).to.deep.equal([
        ['tx000005', 'revoked'],
        ['tx000003', 'active'],
      ]);
      expect(
        (await ledger.evaluate(auditor, (ctx) => contract.GetCredential(ctx, 'eligible-voter-1'))).status,
      ).to.equal('active');
    });
  });

  describe('queries', () => {
    it('lets the auditor read DIDs and their history but answers NOT_FOUND for unknown ones', async () => {
      const ledger = ledgerAt();
      await registerUtility(ledger);
      await registerMeter(ledger);
      await ledger.submit(utilityOperator, (ctx) => contract.RotateDeviceKey(ctx, METER, newP256Pem()));
      const history = await ledger.evaluate(auditor, (ctx) => contract.GetDidHistory(ctx, METER));
      expect(history.map((h) => h.value!.verificationKeys.length)).to.deep.equal([2, 1]);
      expect(history[0].timestamp).to.equal('2025-01-01T00:00:03.000Z');
      expect(
        await failure(ledger.evaluate(auditor, (ctx) => contract.GetDid(ctx, 'did:cityledger:energy:ghost'))),
      ).to.equal('NOT_FOUND: did:cityledger:energy:ghost does not exist');
      expect(
        await ledger.evaluate(auditor, (ctx) => contract.IsDidValid(ctx, 'did:cityledger:energy:ghost')),
      ).to.deep.equal({
        valid: false,
        reason: 'unknown-did',
      });
      expect(await ledger.evaluate(auditor, (ctx) => contract.IsDidValid(ctx, UTILITY))).to.deep.equal({
        valid: true,
        didType: 'organisation',
        controller: 'UtilityMSP',
      });
    });
  });
});
