import type { KeyObject } from 'node:crypto';
import { NotFoundError } from '../errors/gateway-errors';
import type { LedgerConnector } from '../ledger/ledger-connector';
import type { ChaincodeEventOf } from './ledger-events';
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
  private readonly devices = new Map<string, Promise<RegisteredDevice | undefined>>();
  private readonly unknownSince = new Map<string, number>();

  constructor(
    private readonly ledger: LedgerConnector,
    private readonly callers: ServiceCallers,
    private readonly keys: PublicKeyCache,
    private readonly unknownDeviceRetryMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The device, or undefined when the ledger does not know it as a device.
   *
   * @throws LedgerUnavailableError (and other gateway errors) when the ledger cannot answer.
   */
  lookup(did: string): Promise<RegisteredDevice | undefined> {
    const unknownAt = this.unknownSince.get(did);
    if (unknownAt !== undefined) {
      if (this.now() - unknownAt < this.unknownDeviceRetryMs) return Promise.resolve(undefined);
      this.unknownSince.delete(did);
    }
    let device = this.devices.get(did);
    if (!device) {
      device = this.read(did);
      this.devices.set(did, device);
      device.then(
        (found) => {
          if (!found && this.devices.get(did) === device) {
            this.devices.delete(did);
            this.unknownSince.set(did, this.now());
          }
        },
        () => {
          if (this.devices.get(did) === device) this.devices.delete(did);
        },
      );
    }
    return device;
  }

  /** Follows identity events: drops what they make stale. */
  onEvent(event: ChaincodeEventOf): void {
    if (event.chaincode !== 'identity' || !INVALIDATING_EVENTS.has(event.name)) return;
    const did = event.payload.did;
    if (typeof did === 'string') this.invalidate(did);
  }

  invalidate(did: string): void {
    this.devices.delete(did);
    this.unknownSince.delete(did);
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
    let answer: Buffer;
    try {
      answer = await this.ledger.evaluate(reader, {
        channel,
        chaincode: 'identity',
        function: 'GetDid',
        args: [did],
      });
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
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
