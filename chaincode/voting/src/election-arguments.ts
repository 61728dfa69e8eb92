/**
 * Parsing of the election definition and of a ballot's choice. Every failure names its field.
 */
import {
  InvalidArgumentError,
  parseArray,
  parseId,
  parseInteger,
  parseJsonObject,
  parseOptionalString,
  parsePositiveInteger,
  parseString,
} from '@cityledger/chaincode-common';
import { MAX_OPTIONS, MIN_OPTIONS } from './policy';
import type { ElectionOption } from './records';
import type { TallyRule } from './tally-rules';

const CREDENTIAL_TYPE_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;

export function parseOptions(field: string, value: unknown, rule: TallyRule): ElectionOption[] {
  const budget = rule === 'budget-allocation';
  const options = parseArray(
    field,
    value,
    (itemField, item) => {
      const raw = parseJsonObject(itemField, item, {
        allowedKeys: budget ? ['optionId', 'label', 'cost'] : ['optionId', 'label'],
      });
      const option: ElectionOption = {
        optionId: parseId(`${itemField}.optionId`, raw.optionId, { maxLength: 64 }),
        label: parseString(`${itemField}.label`, raw.label, { maxLength: 300 }),
      };
      if (budget) {
        option.cost = parsePositiveInteger(`${itemField}.cost`, raw.cost);
      }
      return option;
    },
    { minItems: MIN_OPTIONS, maxItems: MAX_OPTIONS, maxBytes: 64 * 1024 },
  );
  const seen = new Set<string>();
  options.forEach((option, i) => {
    if (seen.has(option.optionId)) {
      throw new InvalidArgumentError(
        `${field}[${i}].optionId`,
        `duplicates an earlier option '${option.optionId}'`,
      );
    }
    seen.add(option.optionId);
  });
  if (budget) {
    // Keeps every sum the tally forms an exact integer.
    const total = options.reduce((sum, o) => sum + o.cost!, 0);
    if (!Number.isSafeInteger(total)) {
      throw new InvalidArgumentError(field, 'the costs must add up to at most 2^53 - 1');
    }
  }
  return options;
}

/** The total budget: required for budget-allocation, '' otherwise. */
export function parseTotalBudget(field: string, value: unknown, rule: TallyRule): number | undefined {
  if (rule !== 'budget-allocation') {
    if (value !== '' && value !== undefined) {
      throw new InvalidArgumentError(field, `must be empty for a ${rule} election`);
    }
    return undefined;
  }
  return parsePositiveInteger(field, value);
}

/** Plurality: always 1. Approval/budget: '' or 0 means "as many as there are options". */
export function parseMaxSelections(
  field: string,
  value: unknown,
  rule: TallyRule,
  optionCount: number,
): number {
  if (rule === 'plurality') {
    if (value !== '' && value !== undefined && value !== '1' && value !== 1) {
      throw new InvalidArgumentError(field, 'must be empty or 1 for a plurality election');
    }
    return 1;
  }
  if (value === '' || value === undefined) {
    return optionCount;
  }
  const n = parseInteger(field, value, { min: 0, max: optionCount });
  return n === 0 ? optionCount : n;
}

export function parseEligibilityCredential(field: string, value: unknown, fallback: string): string {
  return (
    parseOptionalString(field, value, {
      maxLength: 64,
      pattern: CREDENTIAL_TYPE_PATTERN,
      patternDescription: 'a credential type like eligible-voter',
    }) ?? fallback
  );
}

/**
 * A ballot's choice: a JSON array of distinct option ids of the election, 1..maxSelections of them
 * (exactly one under plurality). Returned in the election's option order, so equal choices are
 * recorded identically whatever order the voter's app sent them in.
 */
export function parseChoice(
  field: string,
  value: unknown,
  election: { options: readonly ElectionOption[]; maxSelections: number; rule: string },
): string[] {
  const known = election.options.map((o) => o.optionId);
  const picked = parseArray(
    field,
    value,
    (itemField, item) => {
      const id = parseString(itemField, item, { maxLength: 64 });
      if (!known.includes(id)) {
        throw new InvalidArgumentError(itemField, `'${id}' is not an option of this election`);
      }
      return id;
    },
    { minItems: 1, maxItems: election.maxSelections, unique: true, maxBytes: 16 * 1024 },
  );
  return known.filter((id) => picked.includes(id));
}
