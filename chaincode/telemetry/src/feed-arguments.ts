/** Parsing of feed definitions and threshold rules. */
import {
  InvalidArgumentError,
  parseArray,
  parseEnum,
  parseFiniteNumber,
  parseId,
  parseJsonObject,
  parseString,
} from '@cityledger/chaincode-common';
import { COMPARISONS, type Comparison, type FeedMetric, type ThresholdRule } from './records';

const METRIC_NAME = /^[a-z][a-z0-9_.-]{0,63}$/;
const DEVICE_KIND = /^[a-z][a-z0-9-]{0,63}$/;

export interface FeedDefinition {
  feedId: string;
  description: string;
  metrics: FeedMetric[];
  deviceKinds: string[];
  thresholds: ThresholdRule[];
}

export function parseFeedDefinition(field: string, value: unknown): FeedDefinition {
  const raw = parseJsonObject(field, value, {
    maxBytes: 32 * 1024,
    allowedKeys: ['feedId', 'description', 'metrics', 'deviceKinds', 'thresholds'],
  });
  const metrics = parseArray(`${field}.metrics`, raw.metrics, parseMetric, { minItems: 1, maxItems: 32 });
  const names = metrics.map((m) => m.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) {
      throw new InvalidArgumentError(`${field}.metrics[${i}].name`, `duplicates metric '${name}'`);
    }
  });
  return {
    feedId: parseId(`${field}.feedId`, raw.feedId),
    description: parseString(`${field}.description`, raw.description ?? '', { minLength: 0, maxLength: 500 }),
    metrics,
    deviceKinds: parseArray(
      `${field}.deviceKinds`,
      raw.deviceKinds,
      (f, v) =>
        parseString(f, v, {
          maxLength: 64,
          pattern: DEVICE_KIND,
          patternDescription: 'a device kind like air-quality-sensor',
        }),
      { minItems: 1, maxItems: 16, unique: true },
    ),
    thresholds: parseThresholds(`${field}.thresholds`, raw.thresholds ?? [], names),
  };
}

function parseMetric(field: string, value: unknown): FeedMetric {
  const raw = parseJsonObject(field, value, { allowedKeys: ['name', 'unit'] });
  return {
    name: parseString(`${field}.name`, raw.name, {
      maxLength: 64,
      pattern: METRIC_NAME,
      patternDescription: 'a metric name like pm2_5',
    }),
    unit: parseString(`${field}.unit`, raw.unit, { maxLength: 32 }),
  };
}

export function parseThresholds(
  field: string,
  value: unknown,
  metricNames: readonly string[],
): ThresholdRule[] {
  return parseArray(
    field,
    value,
    (f, v) => {
      const raw = parseJsonObject(f, v, { allowedKeys: ['metric', 'comparison', 'limit'] });
      return {
        metric: parseEnum(`${f}.metric`, raw.metric, metricNames),
        comparison: parseEnum(`${f}.comparison`, raw.comparison, COMPARISONS),
        limit: parseFiniteNumber(`${f}.limit`, raw.limit),
      };
    },
    { maxItems: 32, unique: true },
  );
}

export function crosses(value: number, comparison: Comparison, limit: number): boolean {
  switch (comparison) {
    case 'gt':
      return value > limit;
    case 'gte':
      return value >= limit;
    case 'lt':
      return value < limit;
    case 'lte':
      return value <= limit;
  }
}
