import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../errors/gateway-errors';
import type { ChaincodeInfo } from '../ledger/ledger-connector';

/** Where a gateway without BOOKMARK_SECRET keeps the key it generated, in its data directory. */
export const GENERATED_BOOKMARK_KEY_FILE = 'bookmark-key';

/** Bytes of the HMAC-SHA256 tag kept in a bookmark: 128 bits, beyond guessing. */
const TAG_BYTES = 16;

/** A chaincode call as far as its pagination is concerned. */
export interface PagedCall {
  channel: string;
  chaincode: string;
  function: string;
  args: string[];
}

/** Where a paginated query takes its page size and bookmark, by its contract metadata. */
interface PageParameters {
  bookmark: number;
  pageSize: number;
}

/** The one refusal of a bookmark that this gateway did not issue for the list it is sent with. */
export function foreignBookmark(): InvalidInputError {
  return new InvalidInputError('bookmark', 'is not a bookmark this gateway issued for this list');
}

/**
 * Seals a position in a list into the opaque base64url bookmark a client hands back for the next
 * page: an HMAC-SHA256 tag over the list and the position, then the position. Every bookmark the
 * gateway issues is sealed here — chaincode queries' (PageBookmarks) and the explorer's listings'
 * — so a client can neither alter one nor use it for another list, and is refused the same way.
 */
export class BookmarkSeal {
  constructor(private readonly key: Buffer) {}

  /** `position` sealed for `list`: the parts that name it, such as channel, query and filters. */
  seal(list: readonly unknown[], position: string): string {
    return Buffer.concat([this.tag(list, position), Buffer.from(position, 'utf8')]).toString('base64url');
  }

  /**
   * The position sealed in `bookmark`.
   *
   * @throws InvalidInputError (field `bookmark`) when this gateway did not seal it for `list`.
   */
  open(list: readonly unknown[], bookmark: string): string {
    const decoded = Buffer.from(bookmark, 'base64url');
    // Only the one spelling this gateway writes: no padding, no other alphabet, no stray bits.
    const bytes = decoded.toString('base64url') === bookmark ? decoded : Buffer.alloc(0);
    const position = bytes.subarray(TAG_BYTES).toString('utf8');
    const tag = bytes.subarray(0, TAG_BYTES);
    if (bytes.length <= TAG_BYTES || !timingSafeEqual(tag, this.tag(list, position))) {
      throw foreignBookmark();
    }
    return position;
  }

  private tag(list: readonly unknown[], position: string): Buffer {
    return createHmac('sha256', this.key)
      .update(JSON.stringify([...list, position]))
      .digest()
      .subarray(0, TAG_BYTES);
  }
}

/**
 * The page bookmarks of chaincode queries: the chaincode's bookmark (a raw composite key such as
 * `\u0000did~type\u0000person\u0000…`) sealed for the list it belongs to — channel, chaincode,
 * function and every argument but the page size and the bookmark. A bookmark that was altered,
 * or that another list or another gateway key issued, is refused (400 naming `bookmark`) before
 * the ledger is asked, so a client can neither read the ledger's keys from a bookmark nor start
 * a page at a key of its choosing.
 *
 * Which argument is the bookmark comes from the contract metadata (the parameters named
 * `pageSize` and `bookmark`), so REST resources and the generic chaincode API seal the same way.
 */
export class PageBookmarks {
  private readonly paging = new Map<string, PageParameters | undefined>();

  constructor(
    private readonly bookmarkSeal: BookmarkSeal,
    private readonly chaincodes: (channel: string) => readonly ChaincodeInfo[],
  ) {}

  /**
   * The call with its bookmark argument opened to the chaincode's own bookmark.
   *
   * @throws InvalidInputError (field `bookmark`) when it is not a bookmark this gateway issued for this list.
   */
  open<C extends PagedCall>(call: C): C {
    const at = this.pageParameters(call);
    const token = at === undefined ? '' : (call.args[at.bookmark] ?? '');
    if (at === undefined || token === '') return call;
    const args = [...call.args];
    args[at.bookmark] = this.bookmarkSeal.open(listOf(call, at), token);
    return { ...call, args };
  }

  /** The page with its `bookmark` sealed for the list `call` asked for (`call` as opened). */
  seal(call: PagedCall, page: unknown): unknown {
    const at = this.pageParameters(call);
    if (at === undefined || page === null || typeof page !== 'object') return page;
    const { bookmark } = page as { bookmark?: unknown };
    if (typeof bookmark !== 'string' || bookmark === '') return page;
    return { ...page, bookmark: this.bookmarkSeal.seal(listOf(call, at), bookmark) };
  }

  private pageParameters(call: PagedCall): PageParameters | undefined {
    const id = `${call.channel}/${call.chaincode}/${call.function}`;
    if (this.paging.has(id)) return this.paging.get(id);
    const info = this.chaincodes(call.channel).find((c) => c.name === call.chaincode);
    const parameters = info?.transactions.find((t) => t.name === call.function)?.parameters ?? [];
    const bookmark = parameters.indexOf('bookmark');
    const at = bookmark < 0 ? undefined : { bookmark, pageSize: parameters.indexOf('pageSize') };
    // Kept once the chaincode's metadata is known (it is not before the chaincode is installed).
    if (info?.installed) this.paging.set(id, at);
    return at;
  }
}

/** The parts that name a chaincode query's list: all of the call but its page size and bookmark. */
function listOf(call: PagedCall, at: PageParameters): unknown[] {
  const args = call.args.filter((_arg, i) => i !== at.bookmark && i !== at.pageSize);
  return [call.channel, call.chaincode, call.function, args];
}

/**
 * The key bookmarks are sealed with: derived from BOOKMARK_SECRET when it is set (gateways that
 * share a load balancer share it), else from a random secret generated once into the data
 * directory (mode 0600), so that bookmarks survive a restart.
 */
export function bookmarkKey(options: { secret?: string; dataDir: string }): Buffer {
  const secret = options.secret ?? ensureGeneratedSecret(options.dataDir);
  return Buffer.from(hkdfSync('sha256', secret, 'cityledger', 'page bookmarks', 32));
}

function ensureGeneratedSecret(dataDir: string): string {
  const path = join(dataDir, GENERATED_BOOKMARK_KEY_FILE);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process of the same data directory wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trim();
    throw error;
  }
  chmodSync(path, 0o600);
  return secret;
}
