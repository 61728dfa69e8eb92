import { z } from 'zod';
import { channelParams } from '../../chaincode-api/chaincode-call-schemas';
import { did } from '../identity/identity-schemas';
import { type DomainModule, pageArgs, pageQuery } from '../ledger-resource';
import {
  anchorDocumentBody,
  changeLandUseBody,
  documentParams,
  encumbranceParams,
  mergeBody,
  parcelParams,
  proposeTransferBody,
  registerEncumbranceBody,
  registerParcelBody,
  rejectionBody,
  releaseBody,
  subdivisionBody,
  transferParams,
  withdrawalBody,
} from './land-registry-schemas';
import { parcelAnswers } from './parcel-answers';

const REGISTRAR = 'CityMSP `registrar`.';
const PARTY = 'A user whose token carries the `did` of';

/** Parcels, titles, the transfer workflow, encumbrances, subdivision and merge, documents, provenance. */
export const landRegistryResources: DomainModule = {
  chaincode: 'land-registry',
  tag: 'Land registry',
  register(resources) {
    resources.add({
      method: 'post',
      path: '/channels/{channel}/parcels',
      summary: 'Register a parcel with its first title and deed',
      description: `${REGISTRAR} Owners are residents (persons) or organisations; shares add up to 10000.`,
      params: channelParams,
      body: registerParcelBody,
      mode: 'submit',
      status: 201,
      call: ({ body }) => ({
        function: 'RegisterParcel',
        args: [
          body.parcelId,
          JSON.stringify(body.location),
          String(body.areaM2),
          body.landUse,
          body.zoning ?? '',
          JSON.stringify(body.owners),
          body.documentHash,
        ],
      }),
      location: (_record, { params, body }) => `/channels/${params.channel}/parcels/${body.parcelId}`,
      answer: parcelAnswers.parcel,
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/parcels',
      summary: 'Active parcels of an owner with their titles, paginated',
      params: channelParams,
      query: pageQuery.extend({ owner: did }),
      mode: 'evaluate',
      call: ({ query }) => ({ function: 'ListParcelsOfOwner', args: [query.owner, ...pageArgs(query)] }),
      answer: parcelAnswers.holdings,
    });

    const parcelReads = [
      ['', 'GetParcel', 'A parcel: location, area, land use, lineage, status', parcelAnswers.parcel],
      ['/title', 'GetTitle', 'The parcel’s title: owners and shares', undefined],
      [
        '/provenance',
        'GetProvenance',
        'Every version of the parcel, its titles and encumbrances, through its ancestors',
        parcelAnswers.provenance,
      ],
      ['/open-transfer', 'GetOpenTransfer', 'The parcel’s open transfer (404 when none)', undefined],
    ] as const;
    for (const [suffix, fn, summary, answer] of parcelReads) {
      resources.add({
        method: 'get',
        path: `/channels/{channel}/parcels/{parcelId}${suffix}`,
        summary,
        params: parcelParams,
        mode: 'evaluate',
        call: ({ params }) => ({ function: fn, args: [params.parcelId] }),
        ...(answer ? { answer } : {}),
      });
    }

    for (const [suffix, fn, summary] of [
      ['/transfers', 'ListTransfersOfParcel', 'Every transfer ever proposed for the parcel'],
      ['/documents', 'ListDocumentsOfParcel', 'Documents anchored for the parcel'],
    ] as const) {
      resources.add({
        method: 'get',
        path: `/channels/{channel}/parcels/{parcelId}${suffix}`,
        summary: `${summary}, paginated`,
        params: parcelParams,
        query: pageQuery,
        mode: 'evaluate',
        call: ({ params, query }) => ({ function: fn, args: [params.parcelId, ...pageArgs(query)] }),
      });
    }

    resources.add({
      method: 'put',
      path: '/channels/{channel}/parcels/{parcelId}/land-use',
      summary: 'Change a parcel’s land use and zoning, evidenced by a document',
      description: REGISTRAR,
      params: parcelParams,
      body: changeLandUseBody,
      mode: 'submit',
      call: ({ params, body }) => ({
        function: 'ChangeLandUse',
        args: [params.parcelId, body.landUse, body.zoning ?? '', body.documentHash],
      }),
      answer: parcelAnswers.parcel,
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/parcels/{parcelId}/encumbrances',
      summary: 'Encumbrances burdening the parcel, including those registered on its ancestors',
      params: parcelParams,
      query: z.object({ includeReleased: z.enum(['true', 'false']).optional() }),
      mode: 'evaluate',
      call: ({ params, query }) => ({
        function: 'ListEncumbrances',
        args: [params.parcelId, query.includeReleased ?? 'false'],
      }),
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/parcels/{parcelId}/encumbrances',
      summary: 'Register a mortgage, lien or easement on a parcel',
      description: REGISTRAR,
      params: parcelParams,
      body: registerEncumbranceBody,
      mode: 'submit',
      status: 201,
      call: ({ params, body }) => ({
        function: 'RegisterEncumbrance',
        args: [
          body.encumbranceId,
          params.parcelId,
          body.kind,
          body.holderDid,
          body.amount === undefined ? '' : String(body.amount),
          body.currency ?? '',
          body.description ?? '',
          body.documentHash,
        ],
      }),
      location: (_record, { params, body }) =>
        `/channels/${params.channel}/encumbrances/${body.encumbranceId}`,
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/parcels/{parcelId}/subdivision',
      summary: 'Subdivide a parcel into children whose areas add up to its own; the parent retires',
      description: REGISTRAR,
      params: parcelParams,
      body: subdivisionBody,
      mode: 'submit',
      status: 201,
      call: ({ params, body }) => ({
        function: 'SubdivideParcel',
        args: [params.parcelId, JSON.stringify(body.children), body.documentHash],
      }),
      answer: parcelAnswers.parcels,
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/parcel-merges',
      summary: 'Merge adjacent parcels with identical titles into a new parcel; the parents retire',
      description: REGISTRAR,
      params: channelParams,
      body: mergeBody,
      mode: 'submit',
      status: 201,
      call: ({ body }) => ({
        function: 'MergeParcels',
        args: [
          body.parcelId,
          JSON.stringify(body.parentIds),
          JSON.stringify(body.location),
          body.landUse,
          body.zoning ?? '',
          body.documentHash,
        ],
      }),
      location: (_record, { params, body }) => `/channels/${params.channel}/parcels/${body.parcelId}`,
      answer: parcelAnswers.parcel,
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/transfers',
      summary: 'Propose selling (part of) a parcel: the seller’s offer, its consent recorded',
      description: `${PARTY} an owner who is among the sellers.`,
      params: channelParams,
      body: proposeTransferBody,
      mode: 'submit',
      status: 201,
      call: ({ body }) => ({
        function: 'ProposeTransfer',
        args: [
          body.transferId,
          body.parcelId,
          body.sellers ? JSON.stringify(body.sellers) : '',
          JSON.stringify(body.buyers),
          String(body.price),
          body.currency,
          body.documentHash,
        ],
      }),
      location: (_record, { params, body }) => `/channels/${params.channel}/transfers/${body.transferId}`,
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/transfers',
      summary: 'Open transfers — the registrar’s queue — by parcel, paginated',
      params: channelParams,
      query: pageQuery,
      mode: 'evaluate',
      call: ({ query }) => ({ function: 'ListOpenTransfers', args: pageArgs(query) }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/transfers/{transferId}',
      summary: 'A transfer with its consents and, while open, the consents still needed',
      params: transferParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetTransfer', args: [params.transferId] }),
    });

    const transferActions = [
      ['acceptance', 'AcceptTransfer', 'Accept a transfer as its buyer', `${PARTY} a buyer.`],
      [
        'consents',
        'ConsentToTransfer',
        'Consent to a transfer as a co-selling owner or the holder of a mortgage or lien',
        `${PARTY} a co-seller or an encumbrance holder.`,
      ],
      [
        'approval',
        'ApproveTransfer',
        'Approve a transfer: the title changes',
        `${REGISTRAR} Needs every consent.`,
      ],
    ] as const;
    for (const [action, fn, summary, description] of transferActions) {
      resources.add({
        method: 'post',
        path: `/channels/{channel}/transfers/{transferId}/${action}`,
        summary,
        description,
        params: transferParams,
        mode: 'submit',
        call: ({ params }) => ({ function: fn, args: [params.transferId] }),
      });
    }

    resources.add({
      method: 'post',
      path: '/channels/{channel}/transfers/{transferId}/withdrawal',
      summary: 'Withdraw an open transfer',
      description: `${PARTY} a seller or a buyer.`,
      params: transferParams,
      body: withdrawalBody,
      mode: 'submit',
      call: ({ params, body }) => ({
        function: 'WithdrawTransfer',
        args: [params.transferId, body.reason ?? ''],
      }),
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/transfers/{transferId}/rejection',
      summary: 'Reject an open transfer, with a reason',
      description: REGISTRAR,
      params: transferParams,
      body: rejectionBody,
      mode: 'submit',
      call: ({ params, body }) => ({ function: 'RejectTransfer', args: [params.transferId, body.reason] }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/encumbrances/{encumbranceId}',
      summary: 'An encumbrance',
      params: encumbranceParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetEncumbrance', args: [params.encumbranceId] }),
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/encumbrances/{encumbranceId}/release',
      summary: 'Release an encumbrance (e.g. the loan is paid off)',
      description: `${PARTY} the holder.`,
      params: encumbranceParams,
      body: releaseBody,
      mode: 'submit',
      call: ({ params, body }) => ({
        function: 'ReleaseEncumbrance',
        args: [params.encumbranceId, body.documentHash ?? ''],
      }),
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/documents',
      summary: 'Anchor a document by its SHA-256 and link it to parcels',
      description: REGISTRAR,
      params: channelParams,
      body: anchorDocumentBody,
      mode: 'submit',
      status: 201,
      call: ({ body }) => ({
        function: 'AnchorDocument',
        args: [body.documentHash, body.documentType, body.reference, JSON.stringify(body.parcelIds)],
      }),
      location: (_record, { params, body }) => `/channels/${params.channel}/documents/${body.documentHash}`,
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/documents/{documentHash}',
      summary: 'Verify a document: the anchored record of its hash',
      params: documentParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetDocument', args: [params.documentHash] }),
    });
  },
};
