import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { expect } from 'chai';

import { listTarGz, temporaryFolder } from './package-test-support';
import { tarGz } from './tar-archive';

describe('tarGz', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => (folder = temporaryFolder('tar')));
  afterEach(() => folder.remove());

  it('gives the same bytes for the same files in any order', () => {
    const a = { path: 'b/two.txt', content: 'two' };
    const b = { path: 'a/one.txt', content: Buffer.from('one') };
    expect(tarGz([a, b]).equals(tarGz([b, a]))).to.equal(true);
  });

  it('writes sorted regular files owned by 0:0 with mode 0644 and a fixed time, and no folder entries', () => {
    const file = join(folder.dir, 'files.tar.gz');
    writeFileSync(
      file,
      tarGz([
        { path: 'src/z.js', content: 'z' },
        { path: 'src/a/b.js', content: 'bb' },
      ]),
    );
    const lines = listTarGz(file);
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^-rw-r--r-- 0\/0 +2 2000-01-01 00:00 src\/a\/b\.js$/);
    expect(lines[1]).to.match(/^-rw-r--r-- 0\/0 +1 2000-01-01 00:00 src\/z\.js$/);
  });

  it('keeps paths longer than ustar allows, split at a slash or in a PAX record', () => {
    const split = `src/${'d'.repeat(120)}/${'f'.repeat(90)}.js`;
    const pax = `src/${'x'.repeat(300)}.js`;
    const file = join(folder.dir, 'long.tar.gz');
    writeFileSync(
      file,
      tarGz([
        { path: split, content: '1' },
        { path: pax, content: '2' },
      ]),
    );
    expect(listTarGz(file).map((line) => line.split(' ').pop())).to.deep.equal([split, pax]);
  });

  it('ends the archive with two zero blocks on a 512-byte boundary', () => {
    const bytes = gunzipSync(tarGz([{ path: 'a', content: 'x'.repeat(700) }]));
    expect(bytes.length % 512).to.equal(0);
    expect(bytes.subarray(bytes.length - 1024).every((byte) => byte === 0)).to.equal(true);
  });

  it('refuses absolute, empty, dot and duplicate paths', () => {
    for (const path of ['/etc/passwd', '', 'a/../b', './a', 'a//b']) {
      expect(() => tarGz([{ path, content: '' }]), path).to.throw(/not a relative archive path/);
    }
    expect(() =>
      tarGz([
        { path: 'a', content: '' },
        { path: 'a', content: '' },
      ]),
    ).to.throw(/duplicate/);
  });
});
