/**
 * A deterministic gzip-compressed tar writer: the same files give the same bytes, because a
 * chaincode package id is the SHA-256 of the package file and every peer and every rebuild must
 * arrive at the same id.
 *
 * Only regular files are written, never directory, link or device entries: Fabric's Node
 * platform rejects any entry whose mode is not a plain `0666` subset, and the external-builder
 * extractor refuses anything but files and directories.
 */
import { gzipSync } from 'node:zlib';

/** One regular file of an archive. */
export interface ArchiveFile {
  /** Forward-slash path inside the archive, relative, without `.` or `..` segments. */
  path: string;
  content: Buffer | string;
}

const BLOCK = 512;
const FILE_MODE = 0o644;
// 1 January 2000 UTC. A fixed, non-zero time: some extractors warn on (or refuse) epoch mtimes.
const MTIME = 946_684_800;
const GZIP_LEVEL = 9;

/**
 * The gzip-compressed ustar archive of `files`, entries sorted by path (byte order), owner 0:0,
 * mode 0644 and a fixed mtime. Paths too long for ustar get a PAX `path` record.
 */
export function tarGz(files: readonly ArchiveFile[]): Buffer {
  return gzipSync(tar(files), { level: GZIP_LEVEL });
}

/** The uncompressed archive of {@link tarGz}. */
export function tar(files: readonly ArchiveFile[]): Buffer {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const blocks: Buffer[] = [];
  let previous: string | undefined;
  for (const file of sorted) {
    assertArchivePath(file.path);
    if (file.path === previous) throw new Error(`duplicate archive entry: ${file.path}`);
    previous = file.path;
    const content = typeof file.content === 'string' ? Buffer.from(file.content) : file.content;
    blocks.push(...entry(file.path, content));
  }
  // The end of an archive is two zero blocks.
  blocks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(blocks);
}

function entry(path: string, content: Buffer): Buffer[] {
  const names = ustarNames(path);
  const blocks: Buffer[] = [];
  if (!names) {
    const record = paxRecord('path', path);
    blocks.push(header({ name: 'PaxHeader', prefix: '', size: record.length, type: 'x' }), padded(record));
  }
  const { name, prefix } = names ?? { name: path.slice(-100).replace(/^[^/]*\//, ''), prefix: '' };
  blocks.push(header({ name, prefix, size: content.length, type: '0' }), padded(content));
  return blocks;
}

/** ustar keeps a path of up to 100 bytes in `name`, or splits it at a slash into a 155-byte prefix. */
function ustarNames(path: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
    const prefix = path.slice(0, slash);
    const name = path.slice(slash + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { name, prefix };
  }
  return undefined;
}

/** A PAX record is `<length> <key>=<value>\n`, where the length counts its own digits. */
function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body);
  while (String(length).length + Buffer.byteLength(body) !== length) {
    length = String(length).length + Buffer.byteLength(body);
  }
  return Buffer.from(`${length}${body}`);
}

function header(fields: { name: string; prefix: string; size: number; type: '0' | 'x' }): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(fields.name, 0, 100, 'utf8');
  octal(block, 100, 8, FILE_MODE);
  octal(block, 108, 8, 0); // uid
  octal(block, 116, 8, 0); // gid
  octal(block, 124, 12, fields.size);
  octal(block, 136, 12, MTIME);
  block.write(fields.type, 156, 1, 'ascii');
  block.write('ustar\u000000', 257, 8, 'ascii');
  block.write(fields.prefix, 345, 155, 'utf8');
  // The checksum is computed with its own field read as eight spaces.
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return block;
}

function octal(block: Buffer, offset: number, length: number, value: number): void {
  const digits = value.toString(8);
  if (digits.length > length - 1) throw new Error(`value ${value} does not fit a ${length}-byte tar field`);
  block.write(`${digits.padStart(length - 1, '0')}\u0000`, offset, length, 'ascii');
}

function padded(content: Buffer): Buffer {
  const remainder = content.length % BLOCK;
  return remainder === 0 ? content : Buffer.concat([content, Buffer.alloc(BLOCK - remainder)]);
}

function assertArchivePath(path: string): void {
  const segments = path.split('/');
  if (path === '' || path.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(`not a relative archive path: ${JSON.stringify(path)}`);
  }
}
