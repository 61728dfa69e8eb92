/**
 * Parsing of the JSON arguments of CreateCampaign, and of the milestone index that later
 * transactions name.
 */
import {
  InvalidArgumentError,
  parseArray,
  parseDid,
  parseInteger,
  parseJsonObject,
  parseString,
} from '@cityledger/chaincode-common';
import { parseCents, sumCents } from './money';

export const MAX_MILESTONES = 50;
export const MAX_BENEFICIARIES = 100;

export interface MilestoneDefinition {
  description: string;
  amountCents: number;
  evidenceRequired: string;
}

/** `[{"description", "amountCents", "evidenceRequired"}, ...]`; amounts must add up to the goal. */
export function parseMilestones(field: string, value: unknown, goalCents: number): MilestoneDefinition[] {
  const milestones = parseArray(
    field,
    value,
    (itemField, item) => {
      const raw = parseJsonObject(itemField, item, {
        allowedKeys: ['description', 'amountCents', 'evidenceRequired'],
      });
      return {
        description: parseString(`${itemField}.description`, raw.description, { maxLength: 500 }),
        amountCents: parseCents(`${itemField}.amountCents`, raw.amountCents),
        evidenceRequired: parseString(`${itemField}.evidenceRequired`, raw.evidenceRequired, {
          maxLength: 500,
        }),
      };
    },
    { minItems: 1, maxItems: MAX_MILESTONES, maxBytes: 64 * 1024 },
  );
  const total = sumCents(milestones.map((m) => m.amountCents));
  if (total !== goalCents) {
    // The goal is what the milestones cost: a gap would be money with no purpose to approve.
    throw new InvalidArgumentError(
      field,
      `milestone amounts add up to ${total}, not to goalCents ${goalCents}`,
    );
  }
  return milestones;
}

/** A JSON array of distinct DIDs of the campaign's channel. */
export function parseBeneficiaries(field: string, value: unknown, channel: string): string[] {
  return parseArray(field, value, (itemField, item) => parseDid(itemField, item, { channel }).did, {
    minItems: 1,
    maxItems: MAX_BENEFICIARIES,
    unique: true,
  });
}

export function parseMilestoneIndex(value: string): number {
  return parseInteger('milestoneIndex', value, { min: 1, max: MAX_MILESTONES });
}
