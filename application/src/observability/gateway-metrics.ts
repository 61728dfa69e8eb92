import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LedgerConnector } from '../ledger/ledger-connector';

export type SubmissionOutcome = 'committed' | 'refused' | 'conflict' | 'saturated' | 'unavailable' | 'failed';

/**
 * The gateway's Prometheus metrics, in a registry of its own (not prom-client's global one) so
 * that several gateways can run in one process, as the tests do.
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'cityledger_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'cityledger_http_request_duration_seconds',
    help: 'HTTP request latency by method and route template',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly submissions = new Counter({
    name: 'cityledger_ledger_submissions_total',
    help: 'Transactions submitted, by channel, chaincode and outcome',
    labelNames: ['channel', 'chaincode', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly submissionRetries = new Counter({
    name: 'cityledger_ledger_submission_retries_total',
    help: 'Re-endorsements after MVCC/phantom read conflicts',
    labelNames: ['channel', 'chaincode'] as const,
    registers: [this.registry],
  });

  readonly submissionDuration = new Histogram({
    name: 'cityledger_ledger_submission_duration_seconds',
    help: 'Time from submission to commit (or failure), retries included',
    labelNames: ['channel', 'chaincode'] as const,
    buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });

  readonly eventStreams = new Gauge({
    name: 'cityledger_event_streams_open',
    help: 'Open server-sent event streams',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  constructor(ledger: LedgerConnector, channels: readonly string[]) {
    collectDefaultMetrics({ register: this.registry, prefix: 'cityledger_' });
    new Gauge({
      name: 'cityledger_ledger_height',
      help: 'Blocks committed per channel',
      labelNames: ['channel'] as const,
      registers: [this.registry],
      async collect() {
        for (const channel of channels) {
          try {
            this.set({ channel }, await ledger.height(channel));
          } catch {
            // An unavailable ledger shows as a missing sample; /readyz says why.
          }
        }
      },
    });
    new Gauge({
      name: 'cityledger_chain_verified',
      help: 'Whether a channel passed its last chain check (at open and by /verify): 1 yes, 0 no',
      labelNames: ['channel'] as const,
      registers: [this.registry],
      collect() {
        for (const { channel, verified } of ledger.readiness().channels) {
          if (verified !== undefined) this.set({ channel }, verified ? 1 : 0);
        }
      },
    });
  }
}
