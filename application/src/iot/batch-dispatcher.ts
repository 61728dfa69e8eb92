import { randomInt } from 'node:crypto';
import {
  AccessDeniedError,
  ConflictError,
  GatewayError,
  InvalidInputError,
  NotFoundError,
  UpstreamChaincodeError,
} from '../errors/gateway-errors';
import type { Logger } from '../observability/logger';
import type { BatchLanding } from './batch-landing';
import type { BridgeMetrics } from './bridge-metrics';
import type { LandingChaincode } from './feed-router';
import type { Outbox, PendingBatch } from './outbox';

export interface DispatchPolicy {
  batchMaxReadings: number;
  batchMaxWaitMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/**
 * A refusal by the chaincode itself (bad argument, access, unknown record, business conflict):
 * the same transaction would be refused again. Everything else — ledger unavailable, too many
 * submissions, MVCC conflicts that outlasted the connector's re-endorsements, endorsement
 * failures — may pass later and is retried.
 */
export function isChaincodeRefusal(error: unknown): error is GatewayError {
  return (
    error instanceof InvalidInputError ||
    error instanceof AccessDeniedError ||
    error instanceof NotFoundError ||
    error instanceof UpstreamChaincodeError ||
    (error instanceof ConflictError && error.code === 'CONFLICT')
  );
}

/**
 * Drains the outbox onto the ledger: per route, readings are cut into batches by size or age,
 * and each batch is landed before the next (so a device's readings reach the chaincode in `seq`
 * order), with exponential backoff while the ledger is unavailable or conflicting. Routes run
 * concurrently.
 *
 * Exactly once: a batch is persisted before its first submission and resubmitted unchanged after
 * any failure or crash; the chaincodes refuse to anchor a batch twice, and that refusal is
 * recognised as "already landed" ({@link BatchLanding.alreadyLanded}). A batch the chaincode
 * refuses for a reason of its own is split in halves until the refused readings are isolated;
 * those are kept in the store as `refused`, with the chaincode's reason, and never retried.
 */
export class BatchDispatcher {
  private readonly workers = new Map<string, Promise<void>>();
  private readonly wakeups = new Map<string, () => void>();
  private readonly sleepers = new Set<() => void>();
  private stopped = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly landings: Record<LandingChaincode, BatchLanding>,
    private readonly policy: DispatchPolicy,
    private readonly logger: Logger,
    private readonly metrics: BridgeMetrics,
  ) {}

  start(): void {
    this.outbox.onReadings = (routeKey) => this.wake(routeKey);
    for (const routeKey of this.outbox.routeKeys()) this.wake(routeKey);
  }

  /** Lets in-flight submissions finish (their outcome is recorded), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.sleepers]) wake();
    await Promise.allSettled(this.workers.values());
  }

  private wake(routeKey: string): void {
    if (this.stopped) return;
    const wakeup = this.wakeups.get(routeKey);
    if (wakeup) {
      wakeup();
      return;
    }
    if (this.workers.has(routeKey)) return;
    const worker = this.drain(routeKey).finally(() => this.workers.delete(routeKey));
    this.workers.set(routeKey, worker);
  }

  /**
   * Sleeps up to `ms` or until the dispatcher stops; a wait for more readings (not a retry's
   * backoff) also ends when new readings arrive.
   */
  private pause(routeKey: string, ms: number, untilReadings = false): Promise<void> {
    let wake!: () => void;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => wake(), ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.sleepers.add(wake);
      if (untilReadings) this.wakeups.set(routeKey, wake);
    }).finally(() => {
      this.sleepers.delete(wake);
      if (this.wakeups.get(routeKey) === wake) this.wakeups.delete(routeKey);
    });
  }

  private async drain(routeKey: string): Promise<void> {
    while (!this.stopped) {
      let batch = this.outbox.headBatch(routeKey);
      if (!batch) {
        const waiting = this.outbox.waiting(routeKey);
        if (waiting.length === 0) return;
        const age = Date.now() - waiting[0]!.queuedAt;
        if (waiting.length < this.policy.batchMaxReadings && age < this.policy.batchMaxWaitMs) {
          await this.pause(routeKey, this.policy.batchMaxWaitMs - age, true);
          continue;
        }
        const landing = this.landings[waiting[0]!.record.route.chaincode];
        try {
          batch = await this.outbox.cutBatch(routeKey, (taken, next) => landing.fits(taken, next));
        } catch (error) {
          this.logger.error('iot: could not persist a batch; retrying', {
            route: routeKey,
            error: String(error),
          });
          await this.pause(routeKey, this.policy.retryMaxMs);
          continue;
        }
        if (!batch) continue;
      }
      await this.land(batch);
    }
  }

  private async land(batch: PendingBatch): Promise<void> {
    const { route } = batch;
    const landing = this.landings[route.chaincode];
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    for (let attempt = 1; !this.stopped; attempt++) {
      let failure: unknown;
      try {
        const landings = await landing.land(batch);
        await this.outbox.landed(batch, landings);
        this.metrics.batches.inc({ chaincode: route.chaincode, outcome: 'landed' });
        this.metrics.landed.inc({ chaincode: route.chaincode }, batch.entries.length);
        this.metrics.landingDuration.observe({ chaincode: route.chaincode }, seconds());
        return;
      } catch (error) {
        failure = error;
      }
      try {
        const landings = await landing.alreadyLanded(batch, failure);
        if (landings) {
          await this.outbox.landed(batch, landings);
          this.metrics.batches.inc({ chaincode: route.chaincode, outcome: 'already-landed' });
          this.metrics.landed.inc({ chaincode: route.chaincode }, batch.entries.length);
          this.logger.info('iot: batch was already on the ledger', {
            batchId: batch.batchId,
            txId: landings[0]?.txId,
          });
          return;
        }
      } catch (error) {
        failure = error;
      }
      if (isChaincodeRefusal(failure)) {
        if (batch.entries.length > 1) {
          this.metrics.batches.inc({ chaincode: route.chaincode, outcome: 'split' });
          await this.retryStore(() => this.outbox.split(batch), route.key);
          return;
        }
        const reading = batch.entries[0]!.record.reading;
        this.logger.error('iot: the chaincode refused a reading; kept as refused', {
          route: route.key,
          deviceId: reading.deviceId,
          seq: reading.seq,
          code: failure.code,
          error: failure.message,
        });
        this.metrics.batches.inc({ chaincode: route.chaincode, outcome: 'refused' });
        this.metrics.refused.inc({ chaincode: route.chaincode });
        await this.retryStore(
          () => this.outbox.refused(batch, { code: failure.code, message: failure.message }),
          route.key,
        );
        return;
      }
      this.metrics.batches.inc({ chaincode: route.chaincode, outcome: 'retried' });
      const delay = this.backoff(attempt);
      if (attempt === 1 || attempt % 10 === 0) {
        this.logger.warn('iot: batch not landed; retrying', {
          batchId: batch.batchId,
          route: route.key,
          attempt,
          retryInMs: delay,
          error: failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure),
        });
      }
      await this.pause(route.key, delay);
    }
  }

  private async retryStore(write: () => Promise<void>, routeKey: string): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await write();
        return;
      } catch (error) {
        this.logger.error('iot: store write failed; retrying', { route: routeKey, error: String(error) });
        await this.pause(routeKey, this.backoff(attempt));
      }
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(
      this.policy.retryMaxMs,
      this.policy.retryBaseMs * 2 ** Math.min(attempt - 1, 20),
    );
    // Jitter spreads the retries of many routes after an outage.
    return Math.round(ceiling / 2) + randomInt(Math.floor(ceiling / 2) + 1);
  }
}
