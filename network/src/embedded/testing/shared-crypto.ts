import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { ConsortiumDefinition } from '../../consortium/consortium-schema';
import { ensureCryptoMaterial } from '../../identity/crypto-material';

/** One file or folder of a generated crypto folder, relative to its root. */
interface CryptoEntry {
  path: string;
  mode: number;
  /** Absent for a folder. */
  content?: Buffer;
}

/** Per process, keyed by the organisations the material was generated for. */
const generated = new Map<string, Promise<CryptoEntry[]>>();

/**
 * Gives `dataDir` the `crypto` folder that `EmbeddedNetwork.start` would otherwise generate for
 * `consortium`: keys and certificates for every organisation cost about half a second of CPU per
 * network, and a test run starts dozens. They are generated once per process (a mocha worker runs
 * many test files) and copied, so each test still has its own data directory, but shares the
 * consortium's identities with the other tests of the process. Users enrolled later are
 * issued in that data directory only. A data directory that has a `crypto` folder already (a
 * restarted network) is left as it is.
 */
export async function seedCryptoMaterial(consortium: ConsortiumDefinition, dataDir: string): Promise<void> {
  const root = join(dataDir, 'crypto');
  if (existsSync(root)) return;
  const key = JSON.stringify(consortium.organizations);
  let entries = generated.get(key);
  if (!entries) {
    entries = generateSnapshot(consortium);
    generated.set(key, entries);
  }
  for (const entry of await entries) {
    const path = join(root, entry.path);
    if (entry.content === undefined) mkdirSync(path, { recursive: true, mode: entry.mode });
    else writeFileSync(path, entry.content, { mode: entry.mode });
  }
}

async function generateSnapshot(consortium: ConsortiumDefinition): Promise<CryptoEntry[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'cityledger-crypto-'));
  try {
    await ensureCryptoMaterial(consortium, scratch);
    return snapshot(scratch, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Folders before the files they hold, so seeding can create them in order. */
function snapshot(root: string, dir: string): CryptoEntry[] {
  const entries: CryptoEntry[] = [];
  for (const dirent of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, dirent.name);
    const mode = statSync(path).mode & 0o777;
    if (dirent.isDirectory()) {
      entries.push({ path: relative(root, path), mode }, ...snapshot(root, path));
    } else {
      entries.push({ path: relative(root, path), mode, content: readFileSync(path) });
    }
  }
  return entries;
}
