/**
 * A citizen's personal data: validated, written canonically to the City's private data collection,
 * and represented on the public record only by SHA-256 of those exact bytes (which is also what
 * Fabric's getPrivateDataHash returns). The registrar adds a random salt: without it, anyone on the
 * channel could confirm guesses of name and birth date against the public hash.
 */
import { createHash } from 'node:crypto';
import {
  canonicalJson,
  InvalidArgumentError,
  parseIsoDate,
  parseJsonObject,
  parseString,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { PERSON_TRANSIENT_KEY, PERSONAL_DATA_COLLECTION } from './policy';
import type { PersonalData } from './records';

const SALT_PATTERN = /^[0-9a-f]{32,128}$/;

export function parsePersonalData(field: string, value: unknown): PersonalData {
  const raw = parseJsonObject(field, value, {
    maxBytes: 8 * 1024,
    allowedKeys: ['name', 'birthDate', 'address', 'salt'],
  });
  return {
    name: parseString(`${field}.name`, raw.name, { maxLength: 200 }),
    birthDate: parseIsoDate(`${field}.birthDate`, raw.birthDate),
    address: parseString(`${field}.address`, raw.address, { maxLength: 500 }),
    salt: parseString(`${field}.salt`, raw.salt, {
      pattern: SALT_PATTERN,
      patternDescription: '32 to 128 lower-case hex characters (16+ random bytes)',
    }),
  };
}

/** Reads the `person` entry of the transient map. */
export function personalDataFromTransient(ctx: Context): PersonalData {
  const field = `transient.${PERSON_TRANSIENT_KEY}`;
  const bytes = ctx.stub.getTransient().get(PERSON_TRANSIENT_KEY);
  if (!bytes || bytes.length === 0) {
    throw new InvalidArgumentError(
      field,
      'personal data must be passed as transient data, never as an argument',
    );
  }
  return parsePersonalData(field, Buffer.from(bytes).toString('utf8'));
}

export function personalDataBytes(data: PersonalData): Buffer {
  return Buffer.from(canonicalJson(data), 'utf8');
}

export function personalDataHash(data: PersonalData): string {
  return createHash('sha256').update(personalDataBytes(data)).digest('hex');
}

/**
 * A transaction endorsed by organisations outside CityPersonalData must carry no transient data:
 * every endorser receives the whole proposal, transient map included.
 */
export function refuseTransientData(ctx: Context, transaction: string): void {
  const keys = [...ctx.stub.getTransient().keys()];
  if (keys.length > 0) {
    throw new InvalidArgumentError(
      `transient.${keys[0]}`,
      `${transaction} takes no transient data: organisations outside ${PERSONAL_DATA_COLLECTION} endorse it; store personal data with StorePersonalData first`,
    );
  }
}

/**
 * Fabric's wording when a peer holds the collection's hash but not the value (a peer outside the
 * collection, or one that has not received the data yet): the stub call fails with it.
 */
const PRIVATE_DATA_UNAVAILABLE = /private data matching public hash version is not available/;

/** The private value on this peer, or undefined when this peer does not hold it. */
export async function readPrivateDataOnThisPeer(
  ctx: Context,
  collection: string,
  key: string,
): Promise<Uint8Array | undefined> {
  try {
    return await ctx.stub.getPrivateData(collection, key);
  } catch (error) {
    if (PRIVATE_DATA_UNAVAILABLE.test((error as Error).message)) return undefined;
    throw error;
  }
}
