import { readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The last block a channel committed: its height and the header hash of its newest block. */
export interface CommitCheckpoint {
  height: number;
  tipHeaderHash: Buffer;
}

/**
 * A channel's committed height and tip, kept in a small file beside the block store (as a Fabric
 * peer keeps its checkpoint beside its block files) so that a store which lost blocks cannot
 * pass for a shorter, intact chain. Each write is atomic and durable: a temporary file is written
 * and synced, renamed over the old one, and the directory is synced so the rename survives a crash.
 */
export class CommitCheckpointFile {
  constructor(readonly path: string) {}

  /** `undefined` when no checkpoint was ever written (a new channel, or a ledger from before checkpoints). */
  read(): CommitCheckpoint | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const parsed = JSON.parse(text) as { height?: unknown; tipHeaderHash?: unknown };
    if (
      typeof parsed.height !== 'number' ||
      !Number.isSafeInteger(parsed.height) ||
      parsed.height < 0 ||
      typeof parsed.tipHeaderHash !== 'string' ||
      !/^([0-9a-f]{2})*$/.test(parsed.tipHeaderHash)
    ) {
      throw new Error(`${this.path} is not a commit checkpoint`);
    }
    return { height: parsed.height, tipHeaderHash: Buffer.from(parsed.tipHeaderHash, 'hex') };
  }

  async write(checkpoint: CommitCheckpoint): Promise<void> {
    const temporary = join(dirname(this.path), `.${basename(this.path)}.tmp`);
    const text = JSON.stringify({
      height: checkpoint.height,
      tipHeaderHash: checkpoint.tipHeaderHash.toString('hex'),
    });
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.path);
    const directory = await open(dirname(this.path), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }
}
