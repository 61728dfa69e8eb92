import { createHash } from 'node:crypto';
import {
  AccessDeniedError,
  callerMatches,
  compositeKey,
  ConflictError,
  decodeJson,
  describeCaller,
  emitEvent,
  formatDid,
  getJson,
  InvalidArgumentError,
  keyExists,
  NotFoundError,
  pageViaIndex,
  parseArray,
  parseDid,
  parseEnum,
  parseId,
  parseIsoTimestamp,
  parseJsonObject,
  parseOptionalIsoTimestamp,
  parseOptionalString,
  parseP256PublicKeyPem,
  parseSha256Hex,
  parseString,
  putIndex,
  putJson,
  queryAll,
  readHistory,
  requireCaller,
  requireJson,
  requireMsp,
  txTimeIso,
  type Caller,
} from '@cityledger/chaincode-common';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { requireMetricsOfFeed } from './device-feed';
import {
  parsePersonalData,
  personalDataBytes,
  personalDataFromTransient,
  personalDataHash,
  readPrivateDataOnThisPeer,
  refuseTransientData,
} from './personal-data';
import {
  CITY_REGISTRAR,
  CREDENTIAL_ISSUERS,
  CREDENTIAL_POLICIES,
  CREDENTIAL_TYPES,
  DEACTIVATORS,
  DEVICE_KIND_OWNERS,
  DEVICE_KINDS,
  DEVICE_OPERATORS,
  ORGANISATION_REGISTRARS,
  PERSONAL_DATA_COLLECTION,
} from './policy';
import {
  Credential,
  CredentialHistoryEntry,
  CredentialPage,
  CredentialValidity,
  DID_TYPES,
  DidDocument,
  DidDocumentPage,
  DidHistoryEntry,
  DidValidity,
  PersonalData,
  PersonalDataCheck,
  StoredPersonalData,
  VerificationKey,
  type DidType,
} from './records';

/** Composite key object types. */
const KEY = {
  did: 'did',
  didByType: 'did~type',
  deviceByOwner: 'device~owner',
  orgByMsp: 'org~msp',
  deviceKey: 'device-key',
  credential: 'credential',
  credentialBySubject: 'credential~subject',
  person: 'person',
} as const;

const METRIC_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;

@Info({
  title: 'CityLedger identity',
  description: 'DIDs for persons, organisations and IoT devices, device keys, verifiable credentials',
})
export class IdentityContract extends Contract {
  constructor() {
    super('identity');
  }

  // ---------------------------------------------------------------- persons

  /**
   * The private half of registering or updating a citizen: writes transient `person` to
   * CityPersonalData and nothing public, so the collection's own endorsement policy (City's peer)
   * is all it needs and the data never reaches an endorser outside the collection. RegisterPerson
   * or UpdatePersonalData then records the returned hash on the public DID document.
   */
  @Transaction()
  @Returns('StoredPersonalData')
  async StorePersonalData(ctx: Context, did: string): Promise<StoredPersonalData> {
    requireCaller(ctx, CITY_REGISTRAR, 'store personal data');
    const parsed = parseDid('did', did, { channel: ctx.stub.getChannelID() });
    const personal = personalDataFromTransient(ctx);
    const existing = await getJson<DidDocument>(ctx, this.didKey(ctx, parsed.did));
    if (existing) {
      this.requireType(existing, 'person');
      this.requireActive(existing);
    }
    const hash = personalDataHash(personal);
    await ctx.stub.putPrivateData(
      PERSONAL_DATA_COLLECTION,
      this.personKey(ctx, parsed.did),
      personalDataBytes(personal),
    );
    emitEvent(ctx, 'PersonalDataStored', { did: parsed.did, personalDataHash: hash });
    return { did: parsed.did, personalDataHash: hash };
  }

  /**
   * Registers a citizen whose personal data StorePersonalData has stored: checks through the
   * collection's on-ledger hash (readable on every peer) that `personalDataHash` is what is stored,
   * and records it. Takes no transient data: its endorsers include organisations outside the collection.
   */
  @Transaction()
  @Returns('DidDocument')
  async RegisterPerson(ctx: Context, id: string, personalDataHash: string): Promise<DidDocument> {
    const caller = requireCaller(ctx, CITY_REGISTRAR, 'register a person');
    const did = this.newDid(ctx, id);
    const hash = parseSha256Hex('personalDataHash', personalDataHash);
    refuseTransientData(ctx, 'RegisterPerson');
    await this.requireNewDid(ctx, did);
    await this.requireStoredHash(ctx, did, hash);
    const now = txTimeIso(ctx);
    const doc: DidDocument = {
      did,
      didType: 'person',
      controller: caller.mspId,
      status: 'active',
      verificationKeys: [],
      created: now,
      updated: now,
      person: { personalDataHash: hash },
    };
    await this.writeNewDid(ctx, doc);
    emitEvent(ctx, 'DidRegistered', { did, didType: 'person', controller: doc.controller, created: now });
    return doc;
  }

  /** Records the hash of a citizen's personal data that StorePersonalData replaced. */
  @Transaction()
  @Returns('DidDocument')
  async UpdatePersonalData(ctx: Context, did: string, personalDataHash: string): Promise<DidDocument> {
    requireCaller(ctx, CITY_REGISTRAR, 'update personal data');
    const parsed = parseDid('did', did, { channel: ctx.stub.getChannelID() });
    const hash = parseSha256Hex('personalDataHash', personalDataHash);
    refuseTransientData(ctx, 'UpdatePersonalData');
    const doc = await this.requireDid(ctx, parsed.did);
    this.requireType(doc, 'person');
    this.requireActive(doc);
    await this.requireStoredHash(ctx, doc.did, hash);
    const now = txTimeIso(ctx);
    const updated: DidDocument = { ...doc, person: { personalDataHash: hash }, updated: now };
    await putJson(ctx, this.didKey(ctx, doc.did), updated);
    emitEvent(ctx, 'PersonalDataUpdated', { did: doc.did, updated: now });
    return updated;
  }

  /** Reads a citizen's personal data from the City's collection (CityMSP registrars on a City peer). */
  @Transaction(false)
  @Returns('PersonalData')
  async ReadPersonalData(ctx: Context, did: string): Promise<PersonalData> {
    requireCaller(ctx, CITY_REGISTRAR, 'read personal data');
    const parsed = parseDid('did', did);
    const doc = await this.requireDid(ctx, parsed.did);
    this.requireType(doc, 'person');
    const bytes = await readPrivateDataOnThisPeer(
      ctx,
      PERSONAL_DATA_COLLECTION,
      this.personKey(ctx, doc.did),
    );
    if (!bytes || bytes.length === 0) {
      throw new NotFoundError(`personal data of ${doc.did} is not on this peer`);
    }
    return decodeJson<PersonalData>(bytes);
  }

  /** Checks a claimed personal data blob (JSON, salt included) against the public hash. Anyone may call. */
  @Transaction(false)
  @Returns('PersonalDataCheck')
  async VerifyPersonalData(ctx: Context, did: string, personalDataJson: string): Promise<PersonalDataCheck> {
    const parsed = parseDid('did', did);
    const claimed = parsePersonalData('personalDataJson', personalDataJson);
    const doc = await this.requireDid(ctx, parsed.did);
    this.requireType(doc, 'person');
    return { did: doc.did, matches: doc.person?.personalDataHash === personalDataHash(claimed) };
  }

  // ---------------------------------------------------------------- organisations

  /** Registers the caller's own organisation (one DID per MSP and channel). */
  @Transaction()
  @Returns('DidDocument')
  async RegisterOrganisation(
    ctx: Context,
    id: string,
    name: string,
    publicKeyPem: string,
  ): Promise<DidDocument> {
    const caller = requireCaller(ctx, ORGANISATION_REGISTRARS, 'register an organisation');
    const did = this.newDid(ctx, id);
    const displayName = parseString('name', name, { maxLength: 200 });
    const key = publicKeyPem === '' ? undefined : parseP256PublicKeyPem('publicKeyPem', publicKeyPem);
    await this.requireNewDid(ctx, did);
    const mspIndex = compositeKey(ctx, KEY.orgByMsp, [caller.mspId]);
    const existing = await getJson<{ did: string }>(ctx, mspIndex);
    if (existing) {
      throw new ConflictError(`${caller.mspId} already has the organisation DID ${existing.did}`);
    }
    const now = txTimeIso(ctx);
    const doc: DidDocument = {
      did,
      didType: 'organisation',
      controller: caller.mspId,
      status: 'active',
      verificationKeys: key ? [{ keyId: `${did}#key-1`, publicKeyPem: key.pem, validFrom: now }] : [],
      created: now,
      updated: now,
      organisation: { mspId: caller.mspId, name: displayName },
    };
    await this.writeNewDid(ctx, doc);
    await putJson(ctx, mspIndex, { did });
    emitEvent(ctx, 'DidRegistered', { did, didType: 'organisation', controller: caller.mspId, created: now });
    return doc;
  }

  // ---------------------------------------------------------------- devices

  /**
   * Registers an IoT device with its P-256 key. Smart meters and EV chargers by UtilityMSP
   * operators, city sensors by CityMSP operators. `metricsJson` is a JSON array of metric names;
   * when telemetry on this channel holds feed `feedId`, each must be one of the feed's metrics.
   */
  @Transaction()
  @Returns('DidDocument')
  async RegisterDevice(
    ctx: Context,
    id: string,
    kind: string,
    ownerDid: string,
    publicKeyPem: string,
    metricsJson: string,
    feedId: string,
  ): Promise<DidDocument> {
    const caller = requireCaller(ctx, DEVICE_OPERATORS, 'register a device');
    const channel = ctx.stub.getChannelID();
    const did = this.newDid(ctx, id);
    const deviceKind = parseEnum('kind', kind, DEVICE_KINDS);
    if (DEVICE_KIND_OWNERS[deviceKind] !== caller.mspId) {
      throw new AccessDeniedError(
        `${describeCaller(caller)} may not register a ${deviceKind}; only ${DEVICE_KIND_OWNERS[deviceKind]} operators may`,
      );
    }
    const owner = parseDid('ownerDid', ownerDid, { channel }).did;
    const key = parseP256PublicKeyPem('publicKeyPem', publicKeyPem);
    const metrics = parseArray(
      'metricsJson',
      metricsJson,
      (field, value) =>
        parseString(field, value, {
          maxLength: 64,
          pattern: METRIC_PATTERN,
          patternDescription: 'a metric name like kwh_import or pm2_5',
        }),
      { minItems: 1, maxItems: 32, unique: true },
    );
    const feed = parseId('feedId', feedId);

    await this.requireNewDid(ctx, did);
    const ownerDoc = await getJson<DidDocument>(ctx, this.didKey(ctx, owner));
    if (!ownerDoc) {
      throw new NotFoundError(`owner ${owner} does not exist`);
    }
    if (ownerDoc.didType === 'device') {
      throw new InvalidArgumentError('ownerDid', 'must be a person or an organisation, not a device');
    }
    if (ownerDoc.status !== 'active') {
      throw new ConflictError(`owner ${owner} is deactivated`);
    }
    const keyIndex = this.deviceKeyIndex(ctx, key.pem);
    await this.requireUnusedKey(ctx, keyIndex);
    await requireMetricsOfFeed(ctx, feed, metrics);

    const now = txTimeIso(ctx);
    const verificationKey: VerificationKey = { keyId: `${did}#key-1`, publicKeyPem: key.pem, validFrom: now };
    const doc: DidDocument = {
      did,
      didType: 'device',
      controller: caller.mspId,
      status: 'active',
      verificationKeys: [verificationKey],
      created: now,
      updated: now,
      device: { kind: deviceKind, ownerDid: owner, metrics, feedId: feed },
    };
    await this.writeNewDid(ctx, doc);
    await putIndex(ctx, compositeKey(ctx, KEY.deviceByOwner, [owner, did]));
    await putJson(ctx, keyIndex, { did });
    emitEvent(ctx, 'DeviceRegistered', {
      did,
      kind: deviceKind,
      ownerDid: owner,
      controller: caller.mspId,
      feedId: feed,
      metrics,
      keyId: verificationKey.keyId,
      publicKeyPem: key.pem,
      validFrom: now,
    });
    return doc;
  }

  /** Replaces a device's key; the old key stays in the document with its validity window closed. */
  @Transaction()
  @Returns('DidDocument')
  async RotateDeviceKey(ctx: Context, did: string, publicKeyPem: string): Promise<DidDocument> {
    const caller = requireCaller(ctx, DEVICE_OPERATORS, 'rotate a device key');
    const parsed = parseDid('did', did, { channel: ctx.stub.getChannelID() });
    const key = parseP256PublicKeyPem('publicKeyPem', publicKeyPem);
    const doc = await this.requireDid(ctx, parsed.did);
    this.requireType(doc, 'device');
    requireMsp(caller, doc.controller, `rotate the key of ${doc.did}`);
    this.requireActive(doc);
    const keyIndex = this.deviceKeyIndex(ctx, key.pem);
    await this.requireUnusedKey(ctx, keyIndex);

    const now = txTimeIso(ctx);
    const previous = doc.verificationKeys[doc.verificationKeys.length - 1];
    const next: VerificationKey = {
      keyId: `${doc.did}#key-${doc.verificationKeys.length + 1}`,
      publicKeyPem: key.pem,
      validFrom: now,
    };
    const updated: DidDocument = {
      ...doc,
      verificationKeys: [...doc.verificationKeys.slice(0, -1), { ...previous, validUntil: now }, next],
      updated: now,
    };
    await putJson(ctx, this.didKey(ctx, doc.did), updated);
    await putJson(ctx, keyIndex, { did: doc.did });
    emitEvent(ctx, 'DeviceKeyRotated', {
      did: doc.did,
      previousKeyId: previous.keyId,
      previousKeyValidUntil: now,
      keyId: next.keyId,
      publicKeyPem: key.pem,
      validFrom: now,
    });
    return updated;
  }

  /** The device key that was valid at `isoTime` (validFrom <= t < validUntil), to verify old readings. */
  @Transaction(false)
  @Returns('VerificationKey')
  async GetDeviceKeyAt(ctx: Context, did: string, isoTime: string): Promise<VerificationKey> {
    const parsed = parseDid('did', did);
    const at = parseIsoTimestamp('isoTime', isoTime);
    const doc = await this.requireDid(ctx, parsed.did);
    this.requireType(doc, 'device');
    const key = doc.verificationKeys.find(
      (k) => k.validFrom <= at && (k.validUntil === undefined || at < k.validUntil),
    );
    if (!key) {
      throw new NotFoundError(`${doc.did} had no valid key at ${at}`);
    }
    return key;
  }

  /** Lists the devices owned by a person or organisation DID. */
  @Transaction(false)
  @Returns('DidDocumentPage')
  async ListDevicesByOwner(
    ctx: Context,
    ownerDid: string,
    pageSize: string,
    bookmark: string,
  ): Promise<DidDocumentPage> {
    const owner = parseDid('ownerDid', ownerDid).did;
    return pageViaIndex<DidDocument>(ctx, KEY.deviceByOwner, [owner], pageSize, bookmark, (a) =>
      this.didKey(ctx, a[1]),
    );
  }

  // ---------------------------------------------------------------- any DID

  /**
   * Deactivates a DID: persons by CityMSP registrars, organisations by their own admin/registrar,
   * devices by operators of their controlling org. The current key's window closes now.
   */
  @Transaction()
  @Returns('DidDocument')
  async DeactivateDid(ctx: Context, did: string, reason: string): Promise<DidDocument> {
    const caller = requireCaller(ctx, Object.values(DEACTIVATORS), 'deactivate a DID');
    const parsed = parseDid('did', did, { channel: ctx.stub.getChannelID() });
    const why = parseOptionalString('reason', reason, { maxLength: 500 });
    const doc = await this.requireDid(ctx, parsed.did);
    const didType = doc.didType as DidType;
    if (!callerMatches(caller, DEACTIVATORS[didType])) {
      throw new AccessDeniedError(`${describeCaller(caller)} may not deactivate a ${didType} DID`);
    }
    requireMsp(caller, doc.controller, `deactivate ${doc.did}`);
    this.requireActive(doc);
    const now = txTimeIso(ctx);
    const updated: DidDocument = {
      ...doc,
      status: 'deactivated',
      deactivatedAt: now,
      deactivationReason: why,
      verificationKeys: doc.verificationKeys.map((k) =>
        k.validUntil === undefined ? { ...k, validUntil: now } : k,
      ),
      updated: now,
    };
    await putJson(ctx, this.didKey(ctx, doc.did), updated);
    emitEvent(ctx, 'DidDeactivated', {
      did: doc.did,
      didType,
      controller: doc.controller,
      deactivatedAt: now,
      reason: why ?? '',
    });
    return updated;
  }

  @Transaction(false)
  @Returns('DidDocument')
  async GetDid(ctx: Context, did: string): Promise<DidDocument> {
    const parsed = parseDid('did', did);
    return this.requireDid(ctx, parsed.did);
  }

  /** For other chaincodes: is the DID registered and active? */
  @Transaction(false)
  @Returns('DidValidity')
  async IsDidValid(ctx: Context, did: string): Promise<DidValidity> {
    const parsed = parseDid('did', did);
    const doc = await getJson<DidDocument>(ctx, this.didKey(ctx, parsed.did));
    if (!doc) {
      return { valid: false, reason: 'unknown-did' };
    }
    const base = { didType: doc.didType, controller: doc.controller };
    return doc.status === 'active'
      ? { valid: true, ...base }
      : { valid: false, reason: 'did-deactivated', ...base };
  }

  /** Lists DIDs of one type (person, organisation, device). */
  @Transaction(false)
  @Returns('DidDocumentPage')
  async ListDidsByType(
    ctx: Context,
    didType: string,
    pageSize: string,
    bookmark: string,
  ): Promise<DidDocumentPage> {
    const type = parseEnum('didType', didType, DID_TYPES);
    return pageViaIndex<DidDocument>(ctx, KEY.didByType, [type], pageSize, bookmark, (a) =>
      this.didKey(ctx, a[1]),
    );
  }

  /** Every version of a DID document, newest first. */
  @Transaction(false)
  @Returns('DidHistoryEntry[]')
  async GetDidHistory(ctx: Context, did: string): Promise<DidHistoryEntry[]> {
    const parsed = parseDid('did', did);
    return readHistory<DidDocument>(ctx, this.didKey(ctx, parsed.did));
  }

  // ---------------------------------------------------------------- credentials

  /**
   * Issues a typed credential to an active DID. `validFrom` '' means now; `claimsJson` '' means none,
   * else a JSON object of string claims (public: never personal data).
   */
  @Transaction()
  @Returns('Credential')
  async IssueCredential(
    ctx: Context,
    credentialId: string,
    subjectDid: string,
    credentialType: string,
    validFrom: string,
    validUntil: string,
    claimsJson: string,
  ): Promise<Credential> {
    const caller = requireCaller(ctx, CREDENTIAL_ISSUERS, 'issue credentials');
    const id = parseId('credentialId', credentialId);
    const subject = parseDid('subjectDid', subjectDid, { channel: ctx.stub.getChannelID() }).did;
    const type = parseEnum('credentialType', credentialType, CREDENTIAL_TYPES);
    const policy = CREDENTIAL_POLICIES[type];
    this.requireIssuer(caller, type);
    const now = txTimeIso(ctx);
    const from = parseOptionalIsoTimestamp('validFrom', validFrom) ?? now;
    const until = parseIsoTimestamp('validUntil', validUntil);
    if (until <= from) {
      throw new InvalidArgumentError('validUntil', `must be after validFrom (${from})`);
    }
    const claims = this.parseClaims(claimsJson);

    const key = compositeKey(ctx, KEY.credential, [id]);
    if (await keyExists(ctx, key)) {
      throw new ConflictError(`credential ${id} already exists`);
    }
    const subjectDoc = await this.requireDid(ctx, subject);
    this.requireActive(subjectDoc);
    if (!policy.subjectTypes.includes(subjectDoc.didType as DidType)) {
      throw new InvalidArgumentError(
        'subjectDid',
        `a '${type}' credential is for ${policy.subjectTypes.join(' or ')} DIDs, not a ${subjectDoc.didType}`,
      );
    }
    const credential: Credential = {
      credentialId: id,
      credentialType: type,
      subjectDid: subject,
      issuerMsp: caller.mspId,
      validFrom: from,
      validUntil: until,
      claims,
      status: 'active',
      issuedAt: now,
    };
    await putJson(ctx, key, credential);
    await putIndex(ctx, compositeKey(ctx, KEY.credentialBySubject, [subject, type, id]));
    emitEvent(ctx, 'CredentialIssued', {
      credentialId: id,
      credentialType: type,
      subjectDid: subject,
      issuerMsp: caller.mspId,
      validFrom: from,
      validUntil: until,
    });
    return credential;
  }

  /** Revokes a credential; only the issuing org, with the role that issues this type. */
  @Transaction()
  @Returns('Credential')
  async RevokeCredential(ctx: Context, credentialId: string, reason: string): Promise<Credential> {
    const caller = requireCaller(ctx, CREDENTIAL_ISSUERS, 'revoke credentials');
    const id = parseId('credentialId', credentialId);
    const why = parseOptionalString('reason', reason, { maxLength: 500 });
    const credential = await requireJson<Credential>(
      ctx,
      compositeKey(ctx, KEY.credential, [id]),
      `credential ${id}`,
    );
    this.requireIssuer(caller, credential.credentialType);
    requireMsp(caller, credential.issuerMsp, `revoke credential ${id}`);
    if (credential.status === 'revoked') {
      throw new ConflictError(`credential ${id} is already revoked`);
    }
    const now = txTimeIso(ctx);
    const revoked: Credential = { ...credential, status: 'revoked', revokedAt: now, revocationReason: why };
    await putJson(ctx, compositeKey(ctx, KEY.credential, [id]), revoked);
    emitEvent(ctx, 'CredentialRevoked', {
      credentialId: id,
      credentialType: credential.credentialType,
      subjectDid: credential.subjectDid,
      revokedAt: now,
      reason: why ?? '',
    });
    return revoked;
  }

  /**
   * For other chaincodes: does `did` hold a `credentialType` credential that is active and within
   * its validity period at this transaction's time?
   */
  @Transaction(false)
  @Returns('CredentialValidity')
  async IsCredentialValid(ctx: Context, did: string, credentialType: string): Promise<CredentialValidity> {
    const subject = parseDid('did', did).did;
    const type = parseEnum('credentialType', credentialType, CREDENTIAL_TYPES);
    const doc = await getJson<DidDocument>(ctx, this.didKey(ctx, subject));
    if (!doc) {
      return { valid: false, reason: 'unknown-did' };
    }
    if (doc.status !== 'active') {
      return { valid: false, reason: 'did-deactivated' };
    }
    const now = txTimeIso(ctx);
    const entries = await queryAll(ctx, KEY.credentialBySubject, [subject, type], 1000);
    // The most telling reason when none is valid: not-yet-valid > expired > revoked > no-credential.
    const rank = ['no-credential', 'revoked', 'expired', 'not-yet-valid'];
    let reason = 'no-credential';
    for (const entry of entries) {
      const credential = await getJson<Credential>(
        ctx,
        compositeKey(ctx, KEY.credential, [entry.attributes[2]]),
      );
      if (!credential) continue;
      const verdict =
        credential.status !== 'active'
          ? 'revoked'
          : now < credential.validFrom
            ? 'not-yet-valid'
            : now >= credential.validUntil
              ? 'expired'
              : 'valid';
      if (verdict === 'valid') {
        return { valid: true, credentialId: credential.credentialId };
      }
      if (rank.indexOf(verdict) > rank.indexOf(reason)) {
        reason = verdict;
      }
    }
    return { valid: false, reason };
  }

  @Transaction(false)
  @Returns('Credential')
  async GetCredential(ctx: Context, credentialId: string): Promise<Credential> {
    const id = parseId('credentialId', credentialId);
    return requireJson<Credential>(ctx, compositeKey(ctx, KEY.credential, [id]), `credential ${id}`);
  }

  /** Lists the credentials issued to a DID (all types, revoked and expired included). */
  @Transaction(false)
  @Returns('CredentialPage')
  async ListCredentialsBySubject(
    ctx: Context,
    subjectDid: string,
    pageSize: string,
    bookmark: string,
  ): Promise<CredentialPage> {
    const subject = parseDid('subjectDid', subjectDid).did;
    return pageViaIndex<Credential>(ctx, KEY.credentialBySubject, [subject], pageSize, bookmark, (a) =>
      compositeKey(ctx, KEY.credential, [a[2]]),
    );
  }

  @Transaction(false)
  @Returns('CredentialHistoryEntry[]')
  async GetCredentialHistory(ctx: Context, credentialId: string): Promise<CredentialHistoryEntry[]> {
    const id = parseId('credentialId', credentialId);
    return readHistory<Credential>(ctx, compositeKey(ctx, KEY.credential, [id]));
  }

  // ---------------------------------------------------------------- internals

  private newDid(ctx: Context, id: string): string {
    return formatDid(ctx.stub.getChannelID(), parseId('id', id));
  }

  private didKey(ctx: Context, did: string): string {
    return compositeKey(ctx, KEY.did, [did]);
  }

  private personKey(ctx: Context, did: string): string {
    return compositeKey(ctx, KEY.person, [did]);
  }

  /** Index of device keys by SHA-256 of their DER SPKI: a key identifies one device only. */
  private deviceKeyIndex(ctx: Context, pem: string): string {
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    return compositeKey(ctx, KEY.deviceKey, [createHash('sha256').update(der).digest('hex')]);
  }

  private async requireUnusedKey(ctx: Context, keyIndex: string): Promise<void> {
    const holder = await getJson<{ did: string }>(ctx, keyIndex);
    if (holder) {
      throw new ConflictError(
        `this public key is already registered for ${holder.did}; a key identifies one device`,
      );
    }
  }

  private async requireNewDid(ctx: Context, did: string): Promise<void> {
    if (await keyExists(ctx, this.didKey(ctx, did))) {
      throw new ConflictError(`${did} already exists`);
    }
  }

  /** The collection's on-ledger hash of the person's data must be `expected` (what the caller stored). */
  private async requireStoredHash(ctx: Context, did: string, expected: string): Promise<void> {
    const stored = await ctx.stub.getPrivateDataHash(PERSONAL_DATA_COLLECTION, this.personKey(ctx, did));
    if (!stored || stored.length === 0) {
      throw new ConflictError(
        `no personal data of ${did} is stored in ${PERSONAL_DATA_COLLECTION}; call StorePersonalData first`,
      );
    }
    const storedHex = Buffer.from(stored).toString('hex');
    if (storedHex !== expected) {
      throw new ConflictError(
        `personalDataHash ${expected} is not the hash of the personal data stored for ${did} (${storedHex}); it was replaced since`,
      );
    }
  }

  private async requireDid(ctx: Context, did: string): Promise<DidDocument> {
    return requireJson<DidDocument>(ctx, this.didKey(ctx, did), did);
  }

  private requireType(doc: DidDocument, type: DidType): void {
    if (doc.didType !== type) {
      throw new NotFoundError(`${doc.did} is a ${doc.didType}, not a ${type}`);
    }
  }

  private requireActive(doc: DidDocument): void {
    if (doc.status !== 'active') {
      throw new ConflictError(`${doc.did} is deactivated`);
    }
  }

  private requireIssuer(caller: Caller, credentialType: string): void {
    const { issuer } = CREDENTIAL_POLICIES[credentialType];
    if (caller.mspId !== issuer.mspId || caller.role !== issuer.role) {
      throw new AccessDeniedError(
        `${describeCaller(caller)} may not issue or revoke '${credentialType}' credentials; only ${issuer.mspId} '${issuer.role}'`,
      );
    }
  }

  private parseClaims(claimsJson: string): Record<string, string> {
    if (claimsJson === '') {
      return {};
    }
    const raw = parseJsonObject('claimsJson', claimsJson, { maxBytes: 4096 });
    const claims: Record<string, string> = {};
    for (const [name, value] of Object.entries(raw)) {
      parseId(`claimsJson key '${name.slice(0, 40)}'`, name, { maxLength: 64 });
      claims[name] = parseString(`claimsJson.${name}`, value, { maxLength: 256 });
    }
    return claims;
  }

  private async writeNewDid(ctx: Context, doc: DidDocument): Promise<void> {
    await putJson(ctx, this.didKey(ctx, doc.did), doc);
    await putIndex(ctx, compositeKey(ctx, KEY.didByType, [doc.didType, doc.did]));
  }
}
