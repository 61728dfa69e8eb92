/**
 * Ledger records and results of the telemetry contract (`@Object` names are global per chaincode
 * process, hence the specific names).
 */
import { Object as DataType, Property } from 'fabric-contract-api';

export const COMPARISONS = ['gt', 'gte', 'lt', 'lte'] as const;
export type Comparison = (typeof COMPARISONS)[number];

@DataType()
export class FeedMetric {
  @Property() name!: string;
  @Property() unit!: string;
}

@DataType()
export class ThresholdRule {
  @Property() metric!: string;
  /** gt, gte, lt or lte: an alert is raised when `value <comparison> limit`. */
  @Property() comparison!: string;
  @Property() limit!: number;
}

@DataType()
export class Feed {
  @Property() feedId!: string;
  @Property() description!: string;
  @Property() channel!: string;
  @Property() ownerMsp!: string;
  @Property('metrics', 'FeedMetric[]') metrics!: FeedMetric[];
  @Property('deviceKinds', 'string[]') deviceKinds!: string[];
  @Property('thresholds', 'ThresholdRule[]') thresholds!: ThresholdRule[];
  @Property() created!: string;
  @Property() updated!: string;
}

@DataType()
export class FeedPage {
  @Property('records', 'Feed[]') records!: Feed[];
  @Property() bookmark!: string;
  @Property() fetchedRecordsCount!: number;
}

@DataType()
export class FeedHistoryEntry {
  @Property() txId!: string;
  @Property() timestamp!: string;
  @Property() isDelete!: boolean;
  @Property('value', 'Feed') value?: Feed | null;
}

@DataType()
export class SeqRange {
  @Property() firstSeq!: number;
  @Property() lastSeq!: number;
}

@DataType()
export class ThresholdAlert {
  @Property() feedId!: string;
  @Property() batchId!: string;
  @Property() deviceId!: string;
  @Property() seq!: number;
  @Property() metric!: string;
  @Property() value!: number;
  @Property() unit!: string;
  @Property() timestamp!: string;
  /** The first rule of the feed (in feed order) that the value crosses. */
  @Property() comparison!: string;
  @Property() limit!: number;
}

@DataType()
export class ThresholdAlertPage {
  @Property('records', 'ThresholdAlert[]') records!: ThresholdAlert[];
  @Property() bookmark!: string;
  @Property() fetchedRecordsCount!: number;
}

@DataType()
export class BatchAnchor {
  @Property() feedId!: string;
  @Property() batchId!: string;
  @Property() merkleRoot!: string;
  @Property() count!: number;
  @Property('perDevice', 'Map<string, SeqRange>') perDevice!: Record<string, SeqRange>;
  @Property() from!: string;
  @Property() to!: string;
  @Property() anchoredAt!: string;
  @Property() anchoredBy!: string;
  @Property() txId!: string;
  @Property() alertCount!: number;
}

@DataType()
export class BatchAnchorPage {
  @Property('records', 'BatchAnchor[]') records!: BatchAnchor[];
  @Property() bookmark!: string;
  @Property() fetchedRecordsCount!: number;
}

@DataType()
export class ReadingVerification {
  @Property() valid!: boolean;
  /** device-not-in-batch, seq-outside-range, timestamp-outside-batch or proof-mismatch. */
  @Property('reason', 'string') reason?: string;
  @Property() batchId!: string;
  @Property() merkleRoot!: string;
  @Property() leafHash!: string;
}

@DataType()
export class SeqAnchorStatus {
  @Property() deviceId!: string;
  @Property() seq!: number;
  @Property() anchored!: boolean;
}
