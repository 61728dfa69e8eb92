import {
  DOCUMENT_TYPES,
  ENCUMBRANCE_KINDS,
  LAND_USES,
  SHARE_DENOMINATOR,
} from '@cityledger/chaincode-land-registry';
import { z } from 'zod';
import { channelName } from '../../chaincode-api/chaincode-call-schemas';
import { currencyCode, sha256Hex } from '../common-schemas';
import { did, recordId } from '../identity/identity-schemas';

export const parcelId = recordId.meta({ description: 'Cadastral id, e.g. P-1017' });
export const landUse = z.enum(LAND_USES);
const zoning = z.string().max(32).optional().meta({ description: 'Plan code such as R2; empty for none' });

export const parcelParams = z.object({ channel: channelName, parcelId });
export const transferParams = z.object({ channel: channelName, transferId: recordId });
export const encumbranceParams = z.object({ channel: channelName, encumbranceId: recordId });
export const documentParams = z.object({ channel: channelName, documentHash: sha256Hex });

const position = z.tuple([z.number(), z.number()]).meta({ description: '[longitude, latitude], WGS 84' });

/** A GeoJSON Polygon (RFC 7946): an outer ring and its holes, each closed (last position = first). */
export const polygon = z
  .object({ type: z.literal('Polygon'), coordinates: z.array(z.array(position).min(4)).min(1).max(50) })
  .strict();

/** Either the polygon itself (it goes on the ledger, hashed) or only its hash and a survey reference. */
export const parcelLocation = z.union([
  z.object({ geometry: polygon, geometryRef: z.string().max(256).optional() }).strict(),
  z.object({ geometryHash: sha256Hex, geometryRef: z.string().min(1).max(256) }).strict(),
]);

const shares = z
  .number()
  .int('must be a whole number of parts')
  .min(1)
  .max(SHARE_DENOMINATOR)
  .meta({ description: `Parts per ${SHARE_DENOMINATOR}` });
const holdings = z.array(z.object({ did, shares }).strict()).min(1).max(100);

export const registerParcelBody = z
  .object({
    parcelId,
    location: parcelLocation,
    areaM2: z.number().int().min(1),
    landUse,
    zoning,
    owners: holdings.meta({ description: `Owners and their shares, adding up to ${SHARE_DENOMINATOR}` }),
    documentHash: sha256Hex.meta({ description: 'SHA-256 of the deed' }),
  })
  .strict();

export const changeLandUseBody = z.object({ landUse, zoning, documentHash: sha256Hex }).strict();

export const proposeTransferBody = z
  .object({
    transferId: recordId,
    parcelId,
    sellers: holdings
      .optional()
      .meta({ description: 'Owners and the parts each gives; absent: every owner sells all' }),
    buyers: holdings.meta({ description: 'Buyers and the parts each receives (same total)' }),
    price: z.number().int().min(0).meta({ description: 'Minor currency units; 0 for a gift' }),
    currency: currencyCode,
    documentHash: sha256Hex.meta({ description: 'SHA-256 of the deed of sale' }),
  })
  .strict();

export const withdrawalBody = z.object({ reason: z.string().max(1024).optional() }).strict();
export const rejectionBody = z.object({ reason: z.string().min(1).max(1024) }).strict();

export const registerEncumbranceBody = z
  .object({
    encumbranceId: recordId,
    kind: z.enum(ENCUMBRANCE_KINDS),
    holderDid: did.meta({ description: 'Lender, lien holder or easement beneficiary' }),
    amount: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'Secured amount: required for a mortgage, none for an easement' }),
    currency: currencyCode.optional(),
    description: z.string().max(1024).optional(),
    documentHash: sha256Hex,
  })
  .strict();

export const releaseBody = z
  .object({ documentHash: sha256Hex.optional().meta({ description: 'The discharge document' }) })
  .strict();

export const subdivisionBody = z
  .object({
    children: z
      .array(
        z
          .object({
            parcelId,
            areaM2: z.number().int().min(1),
            location: parcelLocation,
            landUse: landUse.optional(),
            zoning,
          })
          .strict(),
      )
      .min(2)
      .max(100)
      .meta({ description: 'New parcels whose areas add up exactly to the parent’s' }),
    documentHash: sha256Hex.meta({ description: 'SHA-256 of the survey' }),
  })
  .strict();

export const mergeBody = z
  .object({
    parcelId: parcelId.meta({ description: 'Id of the merged parcel' }),
    parentIds: z.array(parcelId).min(2).max(20),
    location: parcelLocation,
    landUse,
    zoning,
    documentHash: sha256Hex,
  })
  .strict();

export const anchorDocumentBody = z
  .object({
    documentHash: sha256Hex,
    documentType: z.enum(DOCUMENT_TYPES),
    reference: z.string().min(1).max(256).meta({ description: 'Archive reference of the original' }),
    parcelIds: z.array(parcelId).max(100).default([]),
  })
  .strict();
