import type { KeyObject } from 'node:crypto';
import type { LedgerConnector } from '../ledger/ledger-connector';
import type { ChaincodeEventOf } from './ledger-events';
import { evaluateIfFound, LedgerRecordCache } from './ledger-record-cache';
import type { PublicKeyCache } from './reading-signature';
import { channelOfDevice } from './reading-schema';
import type { ServiceCallers } from './service-callers';

export interface DeviceKey {
  keyId: string;
  key: KeyObject;
  validFrom: string;
  /** Absent while the key is current. */
  validUntil?: string;
}

/** What the bridge needs of a device's DID document (identity chaincode). */
export interface RegisteredDevice {
  did: string;
  channel: string;
  kind: string;
  active: boolean;
  metrics: ReadonlySet<string>;
  feedId: string;
  keys: DeviceKey[];
}

interface DidDocumentAnswer {
  did: string;
  didType: string;
  status: string;
  verificationKeys?: Array<{ keyId: string; publicKeyPem: string; validFrom: string; validUntil?: string }>;
  device?: { kind: string; metrics: string[]; feedId: string };
}

/** Identity events after which a cached device document is stale. */
const INVALIDATING_EVENTS = new Set(['DeviceRegistered', 'DeviceKeyRotated', 'DidDeactivated']);

/**
 * Device keys and metrics from the identity chaincode, cached: a device is read from the ledger
 * once and then served from memory until an identity event (`DeviceKeyRotated`,
 * `DidDeactivated`) names it, so a rotation or deactivation takes effect with the block that
 * commits it. Devices the ledger does not know are remembered briefly, so a flood of readings
 * from an unknown id does not turn into a flood of ledger queries.
 */
export class DeviceRegistry {
  private readonly devices: LedgerRecordCache<RegisteredDevice>;

  constructor(
    private readonly ledger: LedgerConnector,
    private readonly callers: ServiceCallers,
    private readonly keys: PublicKeyCache,
    unknownDeviceRetryMs: number,
    now: () => number = Date.now,
  ) {
    this.devices = new LedgerRecordCache(unknownDeviceRetryMs, now);
  }

  /**
   * The device, or undefined when the ledger does not know it as a device.
   *
   * @throws LedgerUnavailableError (and other gateway errors) when the ledger cannot answer.
   */
  lookup(did: string): Promise<RegisteredDevice | undefined> {
    return this.devices.get(did, () => this.read(did));
  }

  /** Follows identity events: drops what they make stale. */
  onEvent(event: ChaincodeEventOf): void {
    if (event.chaincode !== 'identity' || !INVALIDATING_EVENTS.has(event.name)) return;
    const did = event.payload.did;
    if (typeof did === 'string') this.invalidate(did);
  }

  invalidate(did: string): void {
    this.devices.invalidate(did);
  }

  /** The key valid at `isoTime` (`validFrom <= t < validUntil`, identity's rule). */
  keyAt(device: RegisteredDevice, isoTime: string): DeviceKey | undefined {
    const t = Date.parse(isoTime);
    return device.keys.find(
      (k) => Date.parse(k.validFrom) <= t && (k.validUntil === undefined || t < Date.parse(k.validUntil)),
    );
  }

  private async read(did: string): Promise<RegisteredDevice | undefined> {
    const channel = channelOfDevice(did);
    const reader = this.callers.readerOn(channel);
    if (!reader) return undefined;
    const answer = await evaluateIfFound(this.ledger, reader, {
      channel,
      chaincode: 'identity',
      function: 'GetDid',
      args: [did],
    });
    if (!answer) return undefined;
    const doc = JSON.parse(answer.toString('utf8')) as DidDocumentAnswer;
    if (doc.didType !== 'device' || !doc.device) return undefined;
    return {
      did,
      channel,
      kind: doc.device.kind,
      active: doc.status === 'active',
      metrics: new Set(doc.device.metrics),
      feedId: doc.device.feedId,
      keys: (doc.verificationKeys ?? []).map((k) => ({
        keyId: k.keyId,
        key: this.keys.keyOf(k.publicKeyPem),
        validFrom: k.validFrom,
        ...(k.validUntil ? { validUntil: k.validUntil } : {}),
      })),
    };
  }
}
