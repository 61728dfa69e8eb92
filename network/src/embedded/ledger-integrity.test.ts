import {
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ChainVerification } from './audit/chain-verifier';
import type { EmbeddedNetwork } from './embedded-network';
import { LedgerStoreError } from './errors';
import { startTestNetwork } from './testing/test-network';
import { assetCall, rejectionOf } from './testing/test-helpers';

/** Blocks committed one submission at a time, so that the store holds many small records. */
const BLOCKS = 40;

/**
 * Each fault is applied to channel alpha's store while the network is stopped; what comes back
 * must be a refusal naming the channel and the path, or a verification naming the first bad
 * block — never a chain that verifies over fewer blocks than were committed.
 */
describe('embedded network: a damaged ledger store is refused, never served shorter', () => {
  let pristine: string;
  let dataDir: string;
  let store: string;
  let committedHeight: number;

  // The blocks are committed once; each test damages its own copy of the stopped network's data.
  before(async () => {
    pristine = mkdtempSync(join(tmpdir(), 'cityledger-integrity-pristine-'));
    const { network } = await startTestNetwork(pristine);
    try {
      await commitBlocks(network, BLOCKS);
      committedHeight = network.height('alpha');
    } finally {
      await network.stop();
    }
  });
  after(() => rmSync(pristine, { recursive: true, force: true }));
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cityledger-integrity-'));
    cpSync(pristine, dataDir, { recursive: true });
    store = join(dataDir, 'ledgers', 'alpha');
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  async function commitBlocks(network: EmbeddedNetwork, count: number): Promise<void> {
    const user = await network.crypto.enrollUser('Org1MSP', 'writer', { role: 'tester' });
    for (let i = 0; i < count; i++) {
      await network.submit(user, assetCall('Put', [`key${i}`, `value-${i}-`.padEnd(200, 'x')]));
    }
  }

  function storeFiles(suffix: string): string[] {
    return readdirSync(store)
      .filter((name) => name.endsWith(suffix))
      .sort()
      .map((name) => join(store, name));
  }

  function flipBytes(file: string, at: number, count = 16): void {
    const bytes = readFileSync(file);
    const fd = openSync(file, 'r+');
    try {
      const flipped = Buffer.from(bytes.subarray(at, at + count).map((b) => b ^ 0xff));
      writeSync(fd, flipped, 0, flipped.length, at);
    } finally {
      closeSync(fd);
    }
  }

  /** Restarts on the damaged data; the refusal of alpha, or its verification, and beta's height. */
  async function restart(): Promise<{ refusal?: LedgerStoreError; verification?: ChainVerification }> {
    const { network } = await startTestNetwork(dataDir);
    try {
      expect(network.height('beta'), 'an undamaged channel is still served').to.be.greaterThan(0);
      const health = network.health().find((h) => h.channel === 'alpha')!;
      try {
        network.height('alpha');
      } catch (error) {
        expect(error).to.be.instanceOf(LedgerStoreError);
        expect(health).to.include({ verified: false, refusal: (error as Error).message });
        return { refusal: error as LedgerStoreError };
      }
      const verification = await network.verifyChain('alpha');
      expect(network.health().find((h) => h.channel === 'alpha')!.verified).to.equal(verification.ok);
      return { verification };
    } finally {
      await network.stop();
    }
  }

  function expectVerified(
    outcome: { refusal?: LedgerStoreError; verification?: ChainVerification },
    height: number,
  ): void {
    expect(outcome.refusal, 'alpha is served').to.equal(undefined);
    expect(outcome.verification).to.deep.include({ ok: true, height });
  }

  function expectRefusal(outcome: { refusal?: LedgerStoreError }, problem: RegExp): void {
    expect(outcome.refusal, 'alpha is refused').to.be.instanceOf(LedgerStoreError);
    const { message, channel, path } = outcome.refusal!;
    expect({ channel, path }).to.deep.equal({ channel: 'alpha', path: store });
    expect(message).to.include('channel alpha').and.include(store).and.include('restore');
    expect(message).to.match(problem);
  }

  it('refuses the channel when 16 bytes of the newest log are flipped and LevelDB drops the tail', async () => {
    const log = storeFiles('.log').at(-1)!;
    flipBytes(log, Math.floor(statSync(log).size * 0.9));
    expectRefusal(
      await restart(),
      /(holds \d+ blocks but \d+ were committed|block \d+ is missing or unreadable).*committed blocks were lost/,
    );
  });

  it('refuses the channel when the newest log is truncated to half', async () => {
    const log = storeFiles('.log').at(-1)!;
    truncateSync(log, Math.floor(statSync(log).size / 2));
    expectRefusal(await restart(), new RegExp(`holds \\d+ blocks but ${committedHeight} were committed`));
  });

  it('refuses the channel, or names the first bad block, when a table file is damaged', async () => {
    // A restart turns the log into a sorted table (.ldb).
    await (await startTestNetwork(dataDir)).network.stop();
    const table = storeFiles('.ldb').sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    flipBytes(table, Math.floor(statSync(table).size / 2));
    const outcome = await restart();
    if (outcome.refusal) expectRefusal(outcome, /block \d+ (is missing|in the store)/);
    else expect(outcome.verification).to.include({ ok: false, height: committedHeight });
  });

  it('refuses the channel, naming it and its path, when the MANIFEST is deleted', async () => {
    for (const manifest of readdirSync(store).filter((n) => n.startsWith('MANIFEST-'))) {
      unlinkSync(join(store, manifest));
    }
    expectRefusal(await restart(), /the store cannot be opened: .*MANIFEST/);
  });

  it('opens with its full height when only the LOCK file is deleted (LevelDB re-creates it)', async () => {
    unlinkSync(join(store, 'LOCK'));
    expectVerified(await restart(), committedHeight);
  });

  it('adopts the block of a commit torn after the store write, before the checkpoint', async () => {
    const checkpoint = `${store}.checkpoint.json`;
    const before = readFileSync(checkpoint);
    const { network } = await startTestNetwork(dataDir);
    await commitBlocks(network, 1);
    await network.stop();
    // The process died while writing the new checkpoint: old file in place, temporary one beside.
    writeFileSync(checkpoint, before);
    writeFileSync(join(dataDir, 'ledgers', '.alpha.checkpoint.json.tmp'), '{"height":');
    expectVerified(await restart(), committedHeight + 1);
    expect(JSON.parse(readFileSync(checkpoint, 'utf8'))).to.include({ height: committedHeight + 1 });
  });

  it('refuses the channel when its checkpoint is ahead of the store (a store write that was lost)', async () => {
    const copy = `${store}.copy`;
    cpSync(store, copy, { recursive: true });
    const { network } = await startTestNetwork(dataDir);
    await commitBlocks(network, 1);
    await network.stop();
    rmSync(store, { recursive: true });
    cpSync(copy, store, { recursive: true });
    expectRefusal(
      await restart(),
      new RegExp(`holds ${committedHeight} blocks but ${committedHeight + 1} were committed`),
    );
  });

  it('refuses the channel when its checkpoint cannot be read', async () => {
    writeFileSync(`${store}.checkpoint.json`, '{"height":4');
    expectRefusal(await restart(), /its commit checkpoint cannot be read/);
  });

  it('refuses the channel when its whole store directory is gone rather than starting it afresh', async () => {
    rmSync(store, { recursive: true });
    expectRefusal(await restart(), /the store cannot be opened/);
    expect(existsSync(join(store, 'CURRENT'))).to.equal(false);
  });

  it('marks a channel unverified after verifyChain finds a bad block, and answers its requests', async () => {
    const { network } = await startTestNetwork(dataDir);
    try {
      const block = (await network.getBlock('alpha', 5))!;
      block.getHeader()!.setNumber(6);
      await network.ledger('alpha').overwriteBlockBytesForTesting(5, block.serializeBinary());
      expect(await network.verifyChain('alpha')).to.include({ ok: false, firstBadBlock: 5 });
      expect(network.health().find((h) => h.channel === 'alpha')).to.deep.include({
        verified: false,
        verificationFailure: { firstBadBlock: 5, reason: 'header says block 6' },
      });
      const user = await network.crypto.enrollUser('Org1MSP', 'reader', { role: 'tester' });
      await network.evaluate(user, assetCall('Get', ['key1']));
    } finally {
      await network.stop();
    }
  });

  it('answers requests to a refused channel with its refusal, and still describes its chaincodes', async () => {
    unlinkSync(
      join(
        store,
        readdirSync(store).find((n) => n.startsWith('MANIFEST-'))!,
      ),
    );
    const { network } = await startTestNetwork(dataDir);
    try {
      const user = await network.crypto.enrollUser('Org1MSP', 'reader', { role: 'tester' });
      const error = await rejectionOf(
        Promise.resolve().then(() => network.evaluate(user, assetCall('Get', ['key1']))),
      );
      expect(error).to.be.instanceOf(LedgerStoreError);
      expect(network.chaincodes('alpha').map((c) => c.name)).to.deep.equal(['assets', 'other']);
      // Followers of every channel keep following the others; the refused one delivers nothing.
      network.subscribe('alpha', () => expect.fail('a refused channel delivers no block'))();
    } finally {
      await network.stop();
    }
  });
});
