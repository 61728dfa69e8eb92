import type { BlockSigner } from '../orderer/block-signature';

/** An orderer that signed verified blocks of a chain. */
export interface OrderingSigner {
  mspId: string;
  /** The subject CN of the orderer's certificate. */
  orderer: string;
  /** How many blocks it signed. */
  blocks: number;
}

/** The blocks after genesis that no orderer of an MSP signed, so an auditor can check its own co-signs. */
export interface UnsignedBlocks {
  mspId: string;
  blocks: number[];
  /** The list stops at {@link UNSIGNED_BLOCKS_LIMIT} numbers. */
  truncated: boolean;
}

export const UNSIGNED_BLOCKS_LIMIT = 1000;

/** Counts who signed each verified block of a chain, and, for one MSP, the blocks it did not sign. */
export class SignerTally {
  private readonly signers = new Map<string, OrderingSigner>();
  private readonly unsigned?: UnsignedBlocks;

  constructor(mspId?: string) {
    if (mspId !== undefined) this.unsigned = { mspId, blocks: [], truncated: false };
  }

  add(blockNumber: number, signers: readonly BlockSigner[]): void {
    for (const { mspId, orderer } of signers) {
      const key = `${mspId}\u0000${orderer}`;
      const tally = this.signers.get(key) ?? { mspId, orderer, blocks: 0 };
      tally.blocks++;
      this.signers.set(key, tally);
    }
    const unsigned = this.unsigned;
    if (!unsigned || blockNumber === 0 || signers.some((s) => s.mspId === unsigned.mspId)) return;
    if (unsigned.blocks.length < UNSIGNED_BLOCKS_LIMIT) unsigned.blocks.push(blockNumber);
    else unsigned.truncated = true;
  }

  report(): { signers: OrderingSigner[]; notSignedBy?: UnsignedBlocks } {
    const signers = [...this.signers.values()];
    return this.unsigned ? { signers, notSignedBy: this.unsigned } : { signers };
  }
}
