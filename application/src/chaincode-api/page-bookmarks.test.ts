import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ChaincodeInfo } from '../ledger/ledger-connector';
import { type TestGateway, personalDataOf, startTestGateway, uniqueId } from '../testing/test-gateway';
import { BookmarkSeal, GENERATED_BOOKMARK_KEY_FILE, PageBookmarks, bookmarkKey } from './page-bookmarks';

const RAW = '\u0000did~type\u0000person\u0000did:cityledger:civic:alice\u0000';

const identity: ChaincodeInfo = {
  name: 'identity',
  version: '1.0',
  installed: true,
  transactions: [
    { name: 'ListDidsByType', kind: 'evaluate', parameters: ['didType', 'pageSize', 'bookmark'] },
    { name: 'GetDid', kind: 'evaluate', parameters: ['did'] },
  ],
};

const listOf = (didType: string, bookmark = '', pageSize = '1') => ({
  channel: 'civic',
  chaincode: 'identity',
  function: 'ListDidsByType',
  args: [didType, pageSize, bookmark],
});

/** The bookmark a gateway with `key` answers for a page of `didType` whose chaincode bookmark is RAW. */
function issued(bookmarks: PageBookmarks, didType = 'person'): string {
  const page = bookmarks.seal(listOf(didType), { records: [], bookmark: RAW, fetchedRecordsCount: 1 });
  return (page as { bookmark: string }).bookmark;
}

function refusal(open: () => unknown): string {
  try {
    open();
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
}

describe('page bookmarks', () => {
  const key = Buffer.alloc(32, 7);
  const bookmarks = new PageBookmarks(new BookmarkSeal(key), () => [identity]);

  it('hands out an opaque base64url token in place of the chaincode’s composite key', () => {
    const token = issued(bookmarks);
    expect(token).to.match(/^[A-Za-z0-9_-]+$/);
    expect(token).not.to.include('did~type');
    expect(bookmarks.open(listOf('person', token, '50')).args).to.deep.equal(['person', '50', RAW]);
  });

  it('leaves the first page, the last page and calls that take no bookmark as they are', () => {
    expect(bookmarks.open(listOf('person'))).to.deep.equal(listOf('person'));
    const lastPage = { records: [], bookmark: '', fetchedRecordsCount: 0 };
    expect(bookmarks.seal(listOf('person'), lastPage)).to.equal(lastPage);
    const getDid = { channel: 'civic', chaincode: 'identity', function: 'GetDid', args: ['did:x'] };
    expect(bookmarks.open(getDid)).to.equal(getDid);
    expect(bookmarks.seal(getDid, { bookmark: RAW })).to.deep.equal({ bookmark: RAW });
  });

  it('refuses an altered bookmark, a raw composite key and one issued for another list or by another key', () => {
    const token = issued(bookmarks);
    const altered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    const others = new PageBookmarks(new BookmarkSeal(Buffer.alloc(32, 8)), () => [identity]);
    for (const [label, bookmark, didType] of [
      ['altered', altered, 'person'],
      ['raw', RAW, 'person'],
      ['too short', 'AAAA', 'person'],
      ['spelt otherwise', `${token}=`, 'person'],
      ['of another list', issued(bookmarks, 'organisation'), 'person'],
      ['of another key', issued(others), 'person'],
    ] as const) {
      expect(
        refusal(() => bookmarks.open(listOf(didType, bookmark))),
        label,
      ).to.equal('bookmark: is not a bookmark this gateway issued for this list');
    }
  });

  it('keeps the generated key in the data directory, so bookmarks outlive a restart', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cityledger-bookmarks-'));
    try {
      const first = bookmarkKey({ dataDir });
      expect(statSync(join(dataDir, GENERATED_BOOKMARK_KEY_FILE)).mode & 0o777).to.equal(0o600);
      expect(bookmarkKey({ dataDir })).to.deep.equal(first);
      const secret = 'a shared secret of at least thirty-two characters';
      expect(bookmarkKey({ dataDir, secret })).to.deep.equal(bookmarkKey({ dataDir: tmpdir(), secret }));
      expect(bookmarkKey({ dataDir, secret })).not.to.deep.equal(first);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe('through the gateway', function () {
    this.timeout(60_000);
    let gateway: TestGateway;
    let registrar: string;
    const civic = '/api/v1/channels/civic';

    before(async () => {
      gateway = await startTestGateway();
      registrar = gateway.token('rita', 'CityMSP', 'registrar');
      for (let i = 0; i < 3; i++) {
        const id = uniqueId('person');
        const answer = await gateway.request('POST', `${civic}/persons`, {
          token: registrar,
          body: { id, personalData: personalDataOf(id) },
        });
        expect(answer.status).to.equal(201);
      }
    });
    after(() => gateway.stop());

    const rest = (query: string) => gateway.request('GET', `${civic}/dids?${query}`, { token: registrar });
    const generic = (args: string[]) =>
      gateway.request('POST', `${civic}/chaincodes/identity/queries`, {
        token: registrar,
        body: { function: 'ListDidsByType', args },
      });

    it('pages through a REST list and the generic API with the same opaque bookmarks', async () => {
      const first = await rest('type=person&pageSize=1');
      const { bookmark } = first.body;
      expect(bookmark).to.match(/^[A-Za-z0-9_-]+$/);
      const second = await rest(`type=person&pageSize=1&bookmark=${bookmark}`);
      expect(second.status).to.equal(200);
      expect(second.body.records[0].did).not.to.equal(first.body.records[0].did);
      const viaGeneric = await generic(['person', '1', bookmark]);
      expect(viaGeneric.body.result.records).to.deep.equal(second.body.records);
      expect(viaGeneric.body.result.bookmark).to.equal(second.body.bookmark);
      const genericFirst = await generic(['person', '1', '']);
      expect(genericFirst.body.result.bookmark).to.equal(bookmark);
    });

    it('answers 400 naming bookmark for an altered, raw or foreign bookmark', async () => {
      const { bookmark } = (await rest('type=person&pageSize=1')).body;
      const raw = Buffer.from(bookmark, 'base64url').subarray(16).toString('utf8');
      expect(raw).to.include('\u0000');
      const altered = `${bookmark.slice(0, 10)}${bookmark[10] === 'A' ? 'B' : 'A'}${bookmark.slice(11)}`;
      for (const [label, answer] of [
        ['altered', await rest(`type=person&bookmark=${altered}`)],
        ['raw', await rest(`type=person&bookmark=${encodeURIComponent(raw)}`)],
        ['of another list', await rest(`type=organisation&bookmark=${bookmark}`)],
        ['raw, through the generic API', await generic(['person', '1', raw])],
      ] as const) {
        expect([answer.status, answer.body.error?.code, answer.body.error?.field], label).to.deep.equal([
          400,
          'INVALID_ARGUMENT',
          'bookmark',
        ]);
      }
    });
  });
});
