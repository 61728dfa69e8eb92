/**
 * What energy-trading needs to know about a smart meter from the identity chaincode: its kind, owner,
 * status, keys and the metrics it may publish. The common identity client answers only validity questions (IsDidValid,
 * IsCredentialValid), so the device document is read with identity's `GetDid` query.
 */
import {
  ChaincodeCallError,
  ConflictError,
  InvalidArgumentError,
  invokeIdentity,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';

export const SMART_METER_KIND = 'smart-meter';

export interface DeviceKey {
  keyId: string;
  publicKeyPem: string;
  validFrom: string;
  validUntil?: string;
}

export interface MeterDevice {
  did: string;
  status: string;
  ownerDid: string;
  keys: DeviceKey[];
  /** The metrics identity lets the device publish (its feed's metrics). */
  metrics: string[];
}

interface DidDocumentAnswer {
  did?: unknown;
  didType?: unknown;
  status?: unknown;
  verificationKeys?: unknown;
  device?: { kind?: unknown; ownerDid?: unknown; metrics?: unknown };
}

/** Reads `did` from identity and checks it is a smart meter; `field` names the argument in errors. */
export async function readMeterDevice(ctx: Context, field: string, did: string): Promise<MeterDevice> {
  const doc = await invokeIdentity<DidDocumentAnswer>(ctx, 'GetDid', [did]);
  if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.verificationKeys)) {
    throw new ChaincodeCallError('identity.GetDid answered an unexpected shape');
  }
  if (doc.didType !== 'device' || doc.device?.kind !== SMART_METER_KIND) {
    throw new InvalidArgumentError(field, `${did} is not a smart meter`);
  }
  return {
    did,
    status: String(doc.status),
    ownerDid: String(doc.device.ownerDid),
    keys: doc.verificationKeys as DeviceKey[],
    metrics: Array.isArray(doc.device.metrics)
      ? doc.device.metrics.filter((m): m is string => typeof m === 'string')
      : [],
  };
}

export function requireActiveMeter(meter: MeterDevice): void {
  if (meter.status !== 'active') {
    throw new ConflictError(`meter ${meter.did} is ${meter.status}`);
  }
}

export function mayPublish(meter: MeterDevice, metric: string): boolean {
  return meter.metrics.includes(metric);
}

/** The key that was valid when the reading was taken (validFrom <= t < validUntil), as identity defines it. */
export function meterKeyAt(meter: MeterDevice, isoTime: string): DeviceKey | undefined {
  return meter.keys.find(
    (k) => k.validFrom <= isoTime && (k.validUntil === undefined || isoTime < k.validUntil),
  );
}
