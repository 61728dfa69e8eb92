import type { Caller } from '../auth/caller';
import type { LedgerConnector } from '../ledger/ledger-connector';
import type { ChaincodeEventOf } from './ledger-events';
import { evaluateIfFound, LedgerRecordCache } from './ledger-record-cache';
import type { ServiceCallers } from './service-callers';

/** The cumulative registers a smart meter publishes (integer Wh), one reading each. */
export const METER_REGISTER_METRICS: ReadonlySet<string> = new Set(['import_wh', 'export_wh']);

export type LandingChaincode = 'telemetry' | 'energy-trading';

export interface ThresholdRule {
  metric: string;
  comparison: 'gt' | 'gte' | 'lt' | 'lte';
  limit: number;
}

/** A telemetry feed definition, as far as routing and alerts need it. */
export interface FeedDefinition {
  feedId: string;
  channel: string;
  ownerMsp: string;
  metrics: ReadonlySet<string>;
  deviceKinds: ReadonlySet<string>;
  thresholds: ThresholdRule[];
}

/**
 * Where the readings of one feed go: a channel, a chaincode and the identity that submits them.
 * Stored with each reading so that the outbox can be drained after a restart without asking the
 * ledger first.
 */
export interface FeedRoute {
  /** `channel/chaincode/feedId`: the readings of one route land in order, one batch at a time. */
  key: string;
  channel: string;
  chaincode: LandingChaincode;
  feedId: string;
  submitter: Caller;
}

interface FeedAnswer {
  feedId: string;
  channel: string;
  ownerMsp: string;
  metrics: Array<{ name: string }>;
  deviceKinds: string[];
  thresholds: ThresholdRule[];
}

const INVALIDATING_EVENTS = new Set(['FeedCreated', 'FeedThresholdsUpdated']);

/**
 * Routes readings by feed, from the telemetry feed definitions: a feed whose metrics are all
 * meter registers (`import_wh`, `export_wh`) on a channel with energy-trading goes to
 * energy-trading's `SubmitMeterReadings` (as the market operator); every other feed is anchored
 * in batches by telemetry's `AnchorBatch` (as an operator of the feed's owner org).
 *
 * Feed definitions are cached and refreshed by the telemetry events that change them.
 */
export class FeedRouter {
  private readonly feeds: LedgerRecordCache<FeedDefinition>;

  constructor(
    private readonly ledger: LedgerConnector,
    private readonly callers: ServiceCallers,
    unknownFeedRetryMs: number,
    now: () => number = Date.now,
  ) {
    this.feeds = new LedgerRecordCache(unknownFeedRetryMs, now);
  }

  /** The feed, or undefined when `channel` has no such feed. */
  feed(channel: string, feedId: string): Promise<FeedDefinition | undefined> {
    return this.feeds.get(`${channel}/${feedId}`, () => this.read(channel, feedId));
  }

  routeOf(feed: FeedDefinition): FeedRoute {
    const meters =
      [...feed.metrics].every((m) => METER_REGISTER_METRICS.has(m)) &&
      this.ledger.chaincodes(feed.channel).some((cc) => cc.name === 'energy-trading' && cc.installed);
    const chaincode: LandingChaincode = meters ? 'energy-trading' : 'telemetry';
    return {
      key: `${feed.channel}/${chaincode}/${feed.feedId}`,
      channel: feed.channel,
      chaincode,
      feedId: feed.feedId,
      submitter: meters ? this.callers.marketOperator : this.callers.operatorOf(feed.ownerMsp),
    };
  }

  onEvent(event: ChaincodeEventOf): void {
    if (event.chaincode !== 'telemetry' || !INVALIDATING_EVENTS.has(event.name)) return;
    const feedId = event.payload.feedId;
    if (typeof feedId === 'string') this.invalidate(event.channel, feedId);
  }

  invalidate(channel: string, feedId: string): void {
    this.feeds.invalidate(`${channel}/${feedId}`);
  }

  private async read(channel: string, feedId: string): Promise<FeedDefinition | undefined> {
    const reader = this.callers.readerOn(channel);
    if (!reader) return undefined;
    const answer = await evaluateIfFound(this.ledger, reader, {
      channel,
      chaincode: 'telemetry',
      function: 'GetFeed',
      args: [feedId],
    });
    if (!answer) return undefined;
    const feed = JSON.parse(answer.toString('utf8')) as FeedAnswer;
    return {
      feedId: feed.feedId,
      channel: feed.channel,
      ownerMsp: feed.ownerMsp,
      metrics: new Set(feed.metrics.map((m) => m.name)),
      deviceKinds: new Set(feed.deviceKinds),
      thresholds: feed.thresholds ?? [],
    };
  }
}

/** The first rule of the feed (in order) that `value` crosses for `metric`, if any. */
export function crossedThreshold(
  feed: FeedDefinition,
  metric: string,
  value: number,
): ThresholdRule | undefined {
  return feed.thresholds.find(
    (rule) =>
      rule.metric === metric &&
      (rule.comparison === 'gt'
        ? value > rule.limit
        : rule.comparison === 'gte'
          ? value >= rule.limit
          : rule.comparison === 'lt'
            ? value < rule.limit
            : value <= rule.limit),
  );
}
