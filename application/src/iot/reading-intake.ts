import { TooManyRequestsError } from '../errors/gateway-errors';
import type { BridgeStore } from './bridge-store';
import type { BridgeMetrics, Transport } from './bridge-metrics';
import type { DeviceRegistry, RegisteredDevice } from './device-registry';
import type { FeedRoute, FeedRouter } from './feed-router';
import type { Outbox } from './outbox';
import type { ReadingProofs } from './reading-proofs';
import { type ReadingRejection, schemaRejectionDetail, staleRejectionDetail } from './reading-rejection';
import {
  type DeviceReading,
  type RejectionReason,
  deviceReadingSchema,
  readingInstant,
} from './reading-schema';
import { verifyReadingSignatureAsync } from './reading-signature';
import type { SeqClaim, SequenceTracker } from './sequence-tracker';

export type { ReadingRejection } from './reading-rejection';

export interface IntakeVerdicts {
  accepted: number;
  rejected: ReadingRejection[];
}

export interface IntakeOptions {
  transport: Transport;
  /**
   * What to do when the outbox cannot take the readings: `refuse` throws a 429
   * (`TooManyRequestsError`) and stores nothing; `wait` holds the caller until there is room.
   */
  whenFull: 'refuse' | 'wait';
  /** For `wait`: give up (store nothing) once this turns true. */
  cancelled?: () => boolean;
  /**
   * Calls with the same key claim sequence numbers in the order they were made, however their
   * verification interleaves (an MQTT connection's messages are handled concurrently but must keep
   * their order, or a device's later message would make its earlier one out-of-order).
   */
  orderKey?: string;
}

/** First come, first served per key, for the part of `accept` that claims sequence numbers. */
class ArrivalOrder {
  private readonly tails = new Map<string, Promise<void>>();

  enter(key: string): { ready: Promise<void>; leave: () => void } {
    const ready = this.tails.get(key) ?? Promise.resolve();
    let open!: () => void;
    const done = new Promise<void>((resolve) => (open = resolve));
    this.tails.set(key, done);
    return {
      ready,
      leave: () => {
        open();
        if (this.tails.get(key) === done) this.tails.delete(key);
      },
    };
  }
}

interface Candidate {
  index: number;
  reading: DeviceReading;
  route: FeedRoute;
}

/**
 * The one path from raw readings to the durable outbox, shared by HTTP and MQTT:
 * schema → device (identity) → metric and feed → signature → sequence → outbox, each reading
 * judged on its own. Accepted readings are on disk (fsync'ed, with their device's new `seq`)
 * when `accept` resolves — only then may the transport acknowledge them.
 */
export class ReadingIntake {
  private readonly arrivals = new ArrivalOrder();

  constructor(
    private readonly deps: {
      store: BridgeStore;
      registry: DeviceRegistry;
      feeds: FeedRouter;
      sequences: SequenceTracker;
      outbox: Outbox;
      proofs: ReadingProofs;
      metrics: BridgeMetrics;
      maxClockSkewMs: number;
      now?: () => number;
    },
  ) {}

  /**
   * @throws TooManyRequestsError when the outbox is full and `whenFull` is `refuse`;
   *   LedgerUnavailableError when device keys are needed and the ledger cannot be asked.
   */
  async accept(raw: readonly unknown[], options: IntakeOptions): Promise<IntakeVerdicts> {
    const turn = options.orderKey === undefined ? undefined : this.arrivals.enter(options.orderKey);
    try {
      return await this.judgeAndStore(raw, options, turn?.ready, turn?.leave);
    } finally {
      turn?.leave();
    }
  }

  private async judgeAndStore(
    raw: readonly unknown[],
    options: IntakeOptions,
    myTurn: Promise<void> | undefined,
    claimed: (() => void) | undefined,
  ): Promise<IntakeVerdicts> {
    const { outbox, metrics } = this.deps;
    if (options.whenFull === 'refuse' && outbox.isFull) throw this.outboxFull(options.transport);
    const rejected: ReadingRejection[] = [];
    const reject = (index: number, reason: RejectionReason, detail: string) =>
      rejected.push({ index, reason, detail });

    const parsed: Array<{ index: number; reading: DeviceReading }> = [];
    raw.forEach((value, index) => {
      const result = deviceReadingSchema.safeParse(value);
      if (result.success) parsed.push({ index, reading: result.data });
      else reject(index, 'invalid', schemaRejectionDetail(value, result.error));
    });

    const devices = new Map<string, Promise<RegisteredDevice | undefined>>();
    for (const { reading } of parsed) {
      if (!devices.has(reading.deviceId))
        devices.set(reading.deviceId, this.deps.registry.lookup(reading.deviceId));
    }
    const now = (this.deps.now ?? Date.now)();
    const skewSeconds = this.deps.maxClockSkewMs / 1000;
    const checks = await Promise.all(
      parsed.map(async ({ index, reading }): Promise<Candidate | undefined> => {
        const { deviceId, metric } = reading;
        const device = await devices.get(deviceId)!;
        if (!device)
          return void reject(index, 'unknown-device', `deviceId: no device ${deviceId} is registered`);
        if (!device.active)
          return void reject(index, 'deactivated-device', `deviceId: ${deviceId} is deactivated`);
        const at = readingInstant(reading.timestamp);
        const ahead = Date.parse(at) - now;
        if (ahead > this.deps.maxClockSkewMs) {
          return void reject(
            index,
            'invalid',
            `timestamp: ${Math.ceil(ahead / 1000)} s ahead of the gateway's clock; at most ${skewSeconds} s is allowed`,
          );
        }
        if (!device.metrics.has(metric)) {
          return void reject(index, 'metric-not-allowed', `metric: the device may not publish ${metric}`);
        }
        const feed = await this.deps.feeds.feed(device.channel, device.feedId);
        if (!feed || !feed.metrics.has(metric) || !feed.deviceKinds.has(device.kind)) {
          return void reject(
            index,
            'metric-not-allowed',
            `metric: feed ${device.feedId} takes no ${metric} from a ${device.kind}`,
          );
        }
        const key = this.deps.registry.keyAt(device, at);
        if (!key)
          return void reject(index, 'bad-signature', `signature: the device had no key valid at ${at}`);
        if (!(await verifyReadingSignatureAsync(reading, key.key))) {
          return void reject(
            index,
            'bad-signature',
            `signature: does not verify with key ${key.keyId}, valid at ${at}`,
          );
        }
        return { index, reading, route: this.deps.feeds.routeOf(feed) };
      }),
    );
    const candidates = checks.filter((c): c is Candidate => c !== undefined);

    let reserved = candidates.length;
    if (reserved > 0) {
      if (options.whenFull === 'refuse') {
        if (!outbox.tryReserve(reserved)) throw this.outboxFull(options.transport);
      } else {
        const waited = outbox.isFull;
        if (waited) metrics.backPressure.inc({ transport: options.transport });
        if (!(await outbox.reserve(reserved, options.cancelled ?? (() => false)))) {
          throw this.outboxFull(options.transport);
        }
      }
    }

    await myTurn;
    // From the claims to the write call nothing awaits: claims and writes keep the same order.
    const claims: SeqClaim[] = [];
    const accepted: Candidate[] = [];
    const stale: Candidate[] = [];
    const claimedHere = new Set<string>();
    for (const candidate of candidates.sort((a, b) => a.index - b.index)) {
      const { deviceId, seq } = candidate.reading;
      const claim = this.deps.sequences.claim(deviceId, seq);
      if (claim) {
        claims.push(claim);
        accepted.push(candidate);
        claimedHere.add(`${deviceId}/${seq}`);
      } else if (claimedHere.has(`${deviceId}/${seq}`)) {
        reject(candidate.index, 'duplicate', staleRejectionDetail('duplicate', seq));
      } else {
        stale.push(candidate);
      }
    }
    claimed?.();
    outbox.release(reserved - accepted.length);
    reserved = accepted.length;

    let written: Promise<void> = Promise.resolve();
    let entries: ReturnType<Outbox['stage']>['entries'] = [];
    if (accepted.length > 0) {
      const acceptedAt = new Date().toISOString();
      const staged = outbox.stage(
        accepted.map(({ reading, route }) => ({ reading, route, status: 'pending' as const, acceptedAt })),
      );
      entries = staged.entries;
      written = this.deps.store.write([
        ...staged.operations,
        ...this.deps.sequences.persistOperations(claims),
      ]);
    }
    const staleReasons = Promise.all(
      stale.map(async ({ index, reading: { deviceId, seq } }) => {
        const last = this.deps.sequences.lastAccepted(deviceId);
        const reason = await this.deps.sequences.staleReason(this.deps.proofs, deviceId, seq);
        reject(index, reason, staleRejectionDetail(reason, seq, last));
      }),
    );
    try {
      await written;
    } catch (error) {
      for (const claim of claims.reverse()) this.deps.sequences.release(claim);
      outbox.release(reserved);
      throw error;
    }
    if (entries.length > 0) outbox.enqueue(entries);
    await staleReasons;

    metrics.accepted.inc({ transport: options.transport }, accepted.length);
    for (const r of rejected) metrics.rejected.inc({ transport: options.transport, reason: r.reason });
    return { accepted: accepted.length, rejected: rejected.sort((a, b) => a.index - b.index) };
  }

  private outboxFull(transport: Transport): TooManyRequestsError {
    this.deps.metrics.backPressure.inc({ transport });
    return new TooManyRequestsError(
      'SATURATED',
      `the IoT outbox holds ${this.deps.outbox.size} readings not yet on the ledger (its bound is ${this.deps.outbox.maxReadings}); retry later`,
      5,
    );
  }
}
