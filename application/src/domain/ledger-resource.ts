import { z } from 'zod';
import { acceptedAnswer, prefersRespondAsync } from '../chaincode-api/async-submit';
import { type ChaincodeInvoker, parseChaincodeResult } from '../chaincode-api/chaincode-invoker';
import type { PageBookmarks } from '../chaincode-api/page-bookmarks';
import type { ApiRouter } from '../http/api-router';

type AnyObject = z.ZodObject<z.ZodRawShape>;

/** The chaincode call a REST request stands for. */
export interface LedgerCall {
  function: string;
  args: string[];
  transient?: Record<string, string>;
}

/**
 * How an operation answers a chaincode record whose REST form differs from the ledger's (a GeoJSON
 * polygon the ledger keeps as canonical JSON text), and the schema of that answer for the
 * OpenAPI document. Without one, the record is answered as the chaincode returned it.
 */
export interface RecordAnswer {
  schema: z.ZodType;
  from(record: unknown): unknown;
}

/**
 * A REST resource operation backed by one chaincode transaction: validated by its zod schemas,
 * turned into a chaincode call, answered with the chaincode's record. Writes also answer the
 * `X-Transaction-Id` and `X-Block-Number` headers (the block to resume an event stream from).
 */
export interface LedgerResourceOperation<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  /** Who may call it — enforced by the chaincode, stated here for the documentation. */
  description?: string;
  params: P;
  query?: Q;
  body?: B;
  /** `submit` writes through ordering and commit; `evaluate` reads from one peer. */
  mode: 'submit' | 'evaluate';
  /** 201 for creations; default 200. */
  status?: 200 | 201;
  /**
   * A transaction committed before `call` (submit only), whose record `call` receives as
   * `prepared`: for a write Fabric needs in two transactions, e.g. private data endorsed by its
   * collection's members alone, then the public record that refers to it by hash. If `call` then
   * fails, what `prepare` committed stays.
   */
  prepare?(input: { params: z.infer<P>; body: z.infer<B> }): LedgerCall;
  /**
   * The chaincode call. `clientIdentityId` gives the id chaincode sees for a user of an org on
   * the channel (`ClientIdentity.getID()`), for records bound to a user's certificate.
   */
  call(input: {
    params: z.infer<P>;
    query: z.infer<Q>;
    body: z.infer<B>;
    clientIdentityId: (mspId: string, userId: string) => Promise<string>;
    /** The record `prepare`'s transaction returned; undefined without `prepare`. */
    prepared?: unknown;
  }): LedgerCall | Promise<LedgerCall>;
  /** The URL of a created resource, for the `Location` header. */
  location?(record: unknown, input: { params: z.infer<P>; body: z.infer<B> }): string;
  answer?: RecordAnswer;
}

/** A read that combines several queries of the chaincode (e.g. a record and its subject's state). */
export interface CompositeReadOperation<P extends AnyObject, Q extends AnyObject> {
  method: 'get';
  path: string;
  summary: string;
  description?: string;
  params: P;
  query?: Q;
  success?: { description: string };
  handler(input: {
    params: z.infer<P>;
    query: z.infer<Q>;
    evaluate: (fn: string, args: string[]) => Promise<unknown>;
  }): Promise<unknown>;
}

/**
 * A chaincode's REST resources. Adding a chaincode to the REST API is writing one of these in
 * `domain/<chaincode>/` and listing it in `domain/domain-modules.ts`.
 */
export interface DomainModule {
  chaincode: string;
  tag: string;
  register(resources: LedgerResources): void;
}

/** Registers the operations of a domain module on the API router, all going through the invoker. */
export class LedgerResources {
  constructor(
    private readonly api: ApiRouter,
    private readonly invoker: ChaincodeInvoker,
    private readonly bookmarks: PageBookmarks,
    private readonly chaincode: string,
    private readonly tag: string,
  ) {}

  add<P extends AnyObject, Q extends AnyObject, B extends z.ZodType>(
    operation: LedgerResourceOperation<P, Q, B>,
  ): void {
    const { chaincode, invoker, bookmarks } = this;
    this.api.add({
      ...this.documentation(operation),
      body: operation.body,
      success: {
        status: operation.status ?? 200,
        description:
          operation.mode === 'submit' ? 'Committed; the record as the chaincode returned it' : 'The record',
        ...(operation.answer ? { schema: operation.answer.schema } : {}),
      },
      respondsAsync: operation.mode === 'submit',
      handler: async ({ caller, params, query, body, req }) => {
        const channel = channelOf(params);
        const clientIdentityId = (mspId: string, userId: string) =>
          invoker.clientIdentityId(caller, channel, mspId, userId);
        const prepared = operation.prepare
          ? parseChaincodeResult(
              (await invoker.submit(caller, { channel, chaincode, ...operation.prepare({ params, body }) }))
                .result,
            )
          : undefined;
        const call = {
          channel,
          chaincode,
          ...(await operation.call({ params, query, body, clientIdentityId, prepared })),
        };
        const answered = (record: unknown) => (operation.answer ? operation.answer.from(record) : record);
        if (operation.mode === 'evaluate') {
          const paged = bookmarks.open(call);
          const page = bookmarks.seal(paged, parseChaincodeResult(await invoker.evaluate(caller, paged)));
          return { body: answered(page) };
        }
        // `prepare`'s transaction stays synchronous: `call` needs its record.
        if (prefersRespondAsync(req)) return acceptedAnswer(channel, await invoker.submitAsync(caller, call));
        const committed = await invoker.submit(caller, call);
        const record = parseChaincodeResult(committed.result);
        const headers: Record<string, string> = {
          'X-Transaction-Id': committed.txId,
          'X-Block-Number': String(committed.blockNumber),
        };
        if (operation.location) headers.Location = `/api/v1${operation.location(record, { params, body })}`;
        return { status: operation.status ?? 200, body: answered(record), headers };
      },
    });
  }

  addComposite<P extends AnyObject, Q extends AnyObject>(operation: CompositeReadOperation<P, Q>): void {
    const { chaincode, invoker } = this;
    this.api.add({
      ...this.documentation(operation),
      success: operation.success ?? { description: 'The answer' },
      handler: async ({ caller, params, query }) => {
        const channel = channelOf(params);
        const evaluate = async (fn: string, args: string[]) =>
          parseChaincodeResult(await invoker.evaluate(caller, { channel, chaincode, function: fn, args }));
        return { body: await operation.handler({ params, query, evaluate }) };
      },
    });
  }

  /** What the OpenAPI document says of an operation, under this chaincode's tag. */
  private documentation<P extends AnyObject, Q extends AnyObject>(
    operation: LedgerResourceOperation<P, Q, z.ZodType> | CompositeReadOperation<P, Q>,
  ) {
    const { method, path, summary, description, params, query } = operation;
    return { method, path, tag: this.tag, summary, description, params, query };
  }
}

/** Every resource path starts with `/channels/{channel}`, so every params schema has `channel`. */
function channelOf(params: unknown): string {
  return (params as { channel: string }).channel;
}

/** `?pageSize=&bookmark=` as CityLedger's paginated queries take them (`''` = default / first page). */
export const pageQuery = z.object({
  pageSize: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a number from 1 to 200')
    .optional()
    .meta({ description: '1–200, default 50' }),
  bookmark: z
    .string()
    .max(2048)
    .optional()
    .meta({
      description:
        'From the previous page, as it came (opaque, sealed for this list: an altered or foreign one is a 400); ' +
        'empty for the first',
    }),
});

export function pageArgs(query: z.infer<typeof pageQuery>): string[] {
  return [query.pageSize ?? '', query.bookmark ?? ''];
}
