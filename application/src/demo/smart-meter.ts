import { generateKeyPairSync, sign } from 'node:crypto';
import { canonicalJson } from '@cityledger/chaincode-common';

/**
 * A smart meter of the story: two cumulative registers (import, export in Wh), each reading signed
 * with the meter's own key over its canonical JSON, as devices send readings (MISSION §6).
 */
export class SmartMeter {
  did = '';
  private seq = 0;
  private readonly registers = { import_wh: 0, export_wh: 0 };
  private readonly keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  constructor(readonly id: string) {}

  get publicKeyPem(): string {
    return this.keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /** Both registers read at `timestamp` after they moved by what was imported and exported. */
  read(timestamp: string, moved = { importWh: 0, exportWh: 0 }): Record<string, unknown>[] {
    this.registers.import_wh += moved.importWh;
    this.registers.export_wh += moved.exportWh;
    return (['import_wh', 'export_wh'] as const).map((metric) => {
      this.seq += 1;
      const reading = {
        deviceId: this.did,
        seq: this.seq,
        timestamp,
        metric,
        value: this.registers[metric],
        unit: 'Wh',
      };
      const signature = sign('sha256', Buffer.from(canonicalJson(reading)), this.keys.privateKey);
      return { ...reading, signature: signature.toString('base64') };
    });
  }
}
