import { z } from 'zod';
import { channelName, channelParams } from '../../chaincode-api/chaincode-call-schemas';
import { type DomainModule, type LedgerCall, pageArgs, pageQuery } from '../ledger-resource';
import {
  credentialParams,
  credentialType,
  deactivationBody,
  did,
  didParams,
  isoTime,
  issueCredentialBody,
  personalData,
  registerDeviceBody,
  registerOrganisationBody,
  registerPersonBody,
  rotateKeyBody,
} from './identity-schemas';

const didOf = (channel: string, id: string) => `did:cityledger:${channel}:${id}`;

/**
 * The private half of a person's registration or update: only City's peer endorses it, so the
 * personal data reaches no other organisation (docs/contracts/identity.md).
 */
function storePersonalData(did: string, data: z.infer<typeof personalData>): LedgerCall {
  return { function: 'StorePersonalData', args: [did], transient: { person: JSON.stringify(data) } };
}

function storedHashOf(prepared: unknown): string {
  return (prepared as { personalDataHash: string }).personalDataHash;
}

/** Persons, organisations, devices and credentials of the identity chaincode. */
export const identityResources: DomainModule = {
  chaincode: 'identity',
  tag: 'Identity',
  register(resources) {
    resources.add({
      method: 'post',
      path: '/channels/{channel}/persons',
      summary: 'Register a person (personal data kept private to the City)',
      description:
        'CityMSP `registrar`. Two transactions: the personal data travels in the transient map to ' +
        "the City's collection alone (`StorePersonalData`, endorsed by City's peer), then the DID " +
        'records its salted hash (`RegisterPerson`, MAJORITY). Only the hash is public.',
      params: channelParams,
      body: registerPersonBody,
      mode: 'submit',
      status: 201,
      prepare: ({ params, body }) => storePersonalData(didOf(params.channel, body.id), body.personalData),
      call: ({ body, prepared }) => ({
        function: 'RegisterPerson',
        args: [body.id, storedHashOf(prepared)],
      }),
      location: (_record, { params, body }) =>
        `/channels/${params.channel}/dids/${didOf(params.channel, body.id)}`,
    });

    resources.add({
      method: 'put',
      path: '/channels/{channel}/persons/{did}/personal-data',
      summary: "Replace a person's personal data",
      description:
        "CityMSP `registrar`. `StorePersonalData` (City's peer alone), then `UpdatePersonalData` records the new hash.",
      params: didParams,
      body: personalData,
      mode: 'submit',
      prepare: ({ params, body }) => storePersonalData(params.did, body),
      call: ({ params, prepared }) => ({
        function: 'UpdatePersonalData',
        args: [params.did, storedHashOf(prepared)],
      }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/persons/{did}/personal-data',
      summary: "Read a person's personal data (from a City peer)",
      description: 'CityMSP `registrar`.',
      params: didParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'ReadPersonalData', args: [params.did] }),
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/persons/{did}/personal-data/verifications',
      summary: 'Check claimed personal data against the public hash',
      description: 'Any member of the channel.',
      params: didParams,
      body: personalData,
      mode: 'evaluate',
      call: ({ params, body }) => ({
        function: 'VerifyPersonalData',
        args: [params.did, JSON.stringify(body)],
      }),
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/organisations',
      summary: "Register the caller's own organisation",
      description: '`admin` or `registrar` of CityMSP, UtilityMSP or CommunityMSP.',
      params: channelParams,
      body: registerOrganisationBody,
      mode: 'submit',
      status: 201,
      call: ({ body }) => ({
        function: 'RegisterOrganisation',
        args: [body.id, body.name, body.publicKeyPem ?? ''],
      }),
      location: (_record, { params, body }) =>
        `/channels/${params.channel}/dids/${didOf(params.channel, body.id)}`,
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/devices',
      summary: 'Register an IoT device with its P-256 key and the metrics it may publish',
      description:
        '`operator` of the organisation that owns the device kind (smart meters: UtilityMSP; sensors: CityMSP).',
      params: channelParams,
      body: registerDeviceBody,
      mode: 'submit',
      status: 201,
      call: ({ body }) => ({
        function: 'RegisterDevice',
        args: [
          body.id,
          body.kind,
          body.ownerDid,
          body.publicKeyPem,
          JSON.stringify(body.metrics),
          body.feedId,
        ],
      }),
      location: (_record, { params, body }) =>
        `/channels/${params.channel}/devices/${didOf(params.channel, body.id)}`,
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/devices/{did}',
      summary: "A device's DID document",
      params: didParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetDid', args: [params.did] }),
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/devices/{did}/keys',
      summary: "Rotate a device's key; readings signed before stay verifiable",
      description: '`operator` of the controlling organisation.',
      params: didParams,
      body: rotateKeyBody,
      mode: 'submit',
      call: ({ params, body }) => ({ function: 'RotateDeviceKey', args: [params.did, body.publicKeyPem] }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/devices/{did}/key',
      summary: 'The device key valid at a time (default: now)',
      params: didParams,
      query: z.object({ at: isoTime.optional() }),
      mode: 'evaluate',
      call: ({ params, query }) => ({
        function: 'GetDeviceKeyAt',
        args: [params.did, query.at ?? new Date().toISOString()],
      }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/dids',
      summary: 'DIDs of one type, paginated',
      params: channelParams,
      query: pageQuery.extend({ type: z.enum(['person', 'organisation', 'device']) }),
      mode: 'evaluate',
      call: ({ query }) => ({ function: 'ListDidsByType', args: [query.type, ...pageArgs(query)] }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/dids/{did}',
      summary: 'A DID document (person, organisation or device)',
      params: didParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetDid', args: [params.did] }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/dids/{did}/history',
      summary: 'Every version of a DID document, newest first',
      params: didParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetDidHistory', args: [params.did] }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/dids/{did}/validity',
      summary: 'Whether a DID exists and is active',
      params: didParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'IsDidValid', args: [params.did] }),
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/dids/{did}/deactivation',
      summary: 'Deactivate a DID (its credentials stop being valid)',
      description:
        'Persons: CityMSP `registrar`; organisations: their own `admin`/`registrar`; devices: `operator` of the controlling org.',
      params: didParams,
      body: deactivationBody,
      mode: 'submit',
      call: ({ params, body }) => ({ function: 'DeactivateDid', args: [params.did, body.reason ?? ''] }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/dids/{did}/devices',
      summary: 'Devices owned by a person or organisation, paginated',
      params: didParams,
      query: pageQuery,
      mode: 'evaluate',
      call: ({ params, query }) => ({
        function: 'ListDevicesByOwner',
        args: [params.did, ...pageArgs(query)],
      }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/dids/{did}/credentials',
      summary: 'Credentials of a subject (all types and states), paginated',
      params: didParams,
      query: pageQuery,
      mode: 'evaluate',
      call: ({ params, query }) => ({
        function: 'ListCredentialsBySubject',
        args: [params.did, ...pageArgs(query)],
      }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/dids/{did}/credentials/{credentialType}/validity',
      summary: 'Whether a subject holds a valid credential of a type now',
      params: z.object({ channel: channelName, did, credentialType }),
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'IsCredentialValid', args: [params.did, params.credentialType] }),
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/credentials',
      summary: 'Issue a verifiable credential',
      description:
        'The issuer of the credential type (resident, eligible-voter, property-owner: CityMSP `registrar`; prosumer: UtilityMSP `operator`).',
      params: channelParams,
      body: issueCredentialBody,
      mode: 'submit',
      status: 201,
      call: ({ body }) => ({
        function: 'IssueCredential',
        args: [
          body.credentialId,
          body.subjectDid,
          body.credentialType,
          body.validFrom ?? '',
          body.validUntil,
          body.claims ? JSON.stringify(body.claims) : '',
        ],
      }),
      location: (_record, { params, body }) => `/channels/${params.channel}/credentials/${body.credentialId}`,
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/credentials/{credentialId}',
      summary: 'A credential',
      params: credentialParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetCredential', args: [params.credentialId] }),
    });

    resources.add({
      method: 'delete',
      path: '/channels/{channel}/credentials/{credentialId}',
      summary: 'Revoke a credential (it stays on the ledger, marked revoked)',
      description: 'The issuer of the credential type, of the issuing organisation.',
      params: credentialParams,
      query: z.object({ reason: z.string().max(1024).optional() }),
      mode: 'submit',
      call: ({ params, query }) => ({
        function: 'RevokeCredential',
        args: [params.credentialId, query.reason ?? ''],
      }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/credentials/{credentialId}/history',
      summary: 'Every version of a credential, newest first',
      params: credentialParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetCredentialHistory', args: [params.credentialId] }),
    });

    resources.addComposite({
      method: 'get',
      path: '/channels/{channel}/credentials/{credentialId}/validity',
      summary: 'Whether this credential is valid now (active, in its window, subject active)',
      params: credentialParams,
      success: {
        description:
          '`{credentialId, valid, reason?}`, reason one of revoked, not-yet-valid, expired, did-deactivated',
      },
      handler: async ({ params, evaluate }) => {
        const credential = (await evaluate('GetCredential', [params.credentialId])) as {
          status: string;
          validFrom: string;
          validUntil: string;
          subjectDid: string;
        };
        const now = Date.now();
        let reason: string | undefined;
        if (credential.status !== 'active') reason = 'revoked';
        else if (now < Date.parse(credential.validFrom)) reason = 'not-yet-valid';
        else if (now >= Date.parse(credential.validUntil)) reason = 'expired';
        else {
          const subject = (await evaluate('IsDidValid', [credential.subjectDid])) as {
            valid: boolean;
            reason?: string;
          };
          if (!subject.valid) reason = subject.reason ?? 'did-deactivated';
        }
        return {
          credentialId: params.credentialId,
          valid: reason === undefined,
          ...(reason ? { reason } : {}),
        };
      },
    });
  },
};
