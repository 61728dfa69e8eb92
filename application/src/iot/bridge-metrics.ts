import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type Transport = 'http' | 'mqtt';

/** The bridge's Prometheus metrics, registered in the gateway's registry when it passes one. */
export class BridgeMetrics {
  readonly accepted: Counter<'transport'>;
  readonly rejected: Counter<'transport' | 'reason'>;
  readonly backPressure: Counter<'transport'>;
  readonly landed: Counter<'chaincode'>;
  readonly refused: Counter<'chaincode'>;
  readonly batches: Counter<'chaincode' | 'outcome'>;
  readonly landingDuration: Histogram<'chaincode'>;

  constructor(registry: Registry | undefined, outboxSize: () => number) {
    const registers = registry ? [registry] : [];
    this.accepted = new Counter({
      name: 'cityledger_iot_readings_accepted_total',
      help: 'Readings verified and durably stored, by transport',
      labelNames: ['transport'],
      registers,
    });
    this.rejected = new Counter({
      name: 'cityledger_iot_readings_rejected_total',
      help: 'Readings rejected at ingest, by transport and reason',
      labelNames: ['transport', 'reason'],
      registers,
    });
    this.backPressure = new Counter({
      name: 'cityledger_iot_back_pressure_total',
      help: 'Requests answered 429 (HTTP) or messages held back (MQTT) because the outbox was full',
      labelNames: ['transport'],
      registers,
    });
    this.landed = new Counter({
      name: 'cityledger_iot_readings_landed_total',
      help: 'Readings committed to the ledger, by chaincode',
      labelNames: ['chaincode'],
      registers,
    });
    this.refused = new Counter({
      name: 'cityledger_iot_readings_refused_total',
      help: 'Stored readings the chaincode refused (kept with the reason, not retried)',
      labelNames: ['chaincode'],
      registers,
    });
    this.batches = new Counter({
      name: 'cityledger_iot_batches_total',
      help: 'Batch submissions by chaincode and outcome (landed, already-landed, retried, split, refused)',
      labelNames: ['chaincode', 'outcome'],
      registers,
    });
    this.landingDuration = new Histogram({
      name: 'cityledger_iot_batch_landing_seconds',
      help: 'From cutting a batch to its commit, retries included',
      labelNames: ['chaincode'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    new Gauge({
      name: 'cityledger_iot_outbox_readings',
      help: 'Readings stored and not yet on the ledger',
      registers,
      collect() {
        this.set(outboxSize());
      },
    });
  }
}
