import { GatewayError, type GatewayClient } from '../api/gateway-client';

/** A device reading as the IoT bridge keeps it off-chain (docs: MISSION §6). */
export interface DeviceReading {
  deviceId: string;
  seq: number;
  timestamp: string;
  metric: string;
  value: number;
  unit?: string;
  signature?: string;
}

/** What the bridge answers for one reading: the reading, its Merkle proof and where it was anchored. */
export interface AnchoredReading {
  reading: DeviceReading;
  proof?: unknown;
  batchId?: string;
  txId?: string;
}

function pick(object: unknown, ...names: string[]): unknown {
  if (!object || typeof object !== 'object') return undefined;
  for (const name of names) {
    const value = (object as Record<string, unknown>)[name];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Reads the bridge's answer without depending on how it nests the anchoring details. */
export function anchoredReadingOf(answer: unknown): AnchoredReading | undefined {
  const reading = (pick(answer, 'reading') ?? answer) as DeviceReading | undefined;
  if (!reading || typeof reading !== 'object' || typeof reading.deviceId !== 'string') return undefined;
  const anchor = pick(answer, 'anchor', 'anchoring', 'batch');
  const proof = pick(answer, 'proof', 'merkleProof') ?? pick(anchor, 'proof', 'merkleProof');
  const batchId = (pick(answer, 'batchId') ?? pick(anchor, 'batchId')) as string | undefined;
  const txId = (pick(answer, 'txId', 'anchorTxId') ?? pick(anchor, 'txId')) as string | undefined;
  return { reading, proof, batchId, txId };
}

/**
 * Fetches readings from the IoT bridge (`GET /api/v1/iot/readings/{deviceId}/{seq}`). Remembers
 * when the gateway has no bridge, so the panel says so once instead of failing on every batch.
 */
export class BridgeReadings {
  available: boolean | undefined;

  constructor(private readonly client: GatewayClient) {}

  async get(deviceId: string, seq: number): Promise<AnchoredReading | undefined> {
    if (this.available === false) return undefined;
    try {
      const answer = await this.client.get<unknown>(
        `/iot/readings/${encodeURIComponent(deviceId)}/${encodeURIComponent(String(seq))}`,
      );
      this.available = true;
      return anchoredReadingOf(answer);
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'UNKNOWN_ROUTE') {
        this.available = false;
        return undefined;
      }
      throw error;
    }
  }
}
