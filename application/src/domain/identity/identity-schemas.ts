import { CREDENTIAL_POLICIES, DEVICE_KIND_OWNERS } from '@cityledger/chaincode-identity';
import { z } from 'zod';
import { channelName } from '../../chaincode-api/chaincode-call-schemas';
import { utcTime } from '../common-schemas';

/** The id part of a DID, as the identity contract accepts it. */
export const didLocalId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    "must be 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit",
  )
  .meta({ description: 'Local id; the DID becomes `did:cityledger:<channel>:<id>`' });

export const did = z
  .string()
  .regex(
    /^did:cityledger:[a-z][a-z0-9.-]*:[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'must be a DID such as did:cityledger:civic:alice',
  )
  .meta({ description: 'A CityLedger DID, `did:cityledger:<channel>:<id>`' });

export const recordId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "must be 1–128 letters, digits, '.', '_' or '-'");

/**
 * A time a chaincode takes: RFC 3339 in UTC, judged by the contracts' own parser, so that a time
 * with another offset is refused here (400 naming the field) rather than by the ledger.
 */
export const isoTime = utcTime;

const publicKeyPem = z
  .string()
  .regex(
    /^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/,
    'must be a PEM public key (-----BEGIN PUBLIC KEY-----)',
  )
  .max(4096);

export const deviceKind = z.enum(Object.keys(DEVICE_KIND_OWNERS) as [string, ...string[]]);
export const credentialType = z.enum(Object.keys(CREDENTIAL_POLICIES) as [string, ...string[]]);

export const didParams = z.object({ channel: channelName, did });
export const credentialParams = z.object({ channel: channelName, credentialId: recordId });

/** Personal data goes to the City's private data collection through the transient map, never into a block. */
export const personalData = z
  .object({
    name: z.string().min(1).max(256),
    birthDate: z.iso.date().meta({ description: 'YYYY-MM-DD' }),
    address: z.string().min(1).max(1024),
    salt: z
      .string()
      .regex(/^[0-9a-f]{32,128}$/, 'must be 32–128 lower-case hex characters (16+ random bytes)')
      .meta({ description: 'Random salt that keeps the public hash from being confirmed by guessing' }),
  })
  .strict();

export const registerPersonBody = z.object({ id: didLocalId, personalData }).strict();

export const registerOrganisationBody = z
  .object({ id: didLocalId, name: z.string().min(1).max(256), publicKeyPem: publicKeyPem.optional() })
  .strict();

export const registerDeviceBody = z
  .object({
    id: didLocalId,
    kind: deviceKind,
    ownerDid: did,
    publicKeyPem: publicKeyPem.meta({ description: 'The device’s P-256 public key (SPKI PEM)' }),
    metrics: z
      .array(z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'must be a metric name such as pm2_5'))
      .min(1)
      .max(32),
    feedId: recordId.meta({ description: 'The telemetry feed the device publishes to' }),
  })
  .strict();

export const rotateKeyBody = z.object({ publicKeyPem }).strict();

export const deactivationBody = z.object({ reason: z.string().max(1024).optional() }).strict();

export const issueCredentialBody = z
  .object({
    credentialId: recordId,
    subjectDid: did,
    credentialType,
    validFrom: isoTime.optional().meta({ description: 'Default: now' }),
    validUntil: isoTime,
    claims: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: 'Public claims — never personal data' }),
  })
  .strict();
