/**
 * The transfer workflow: an owner proposes, buyers accept, co-sellers and lenders consent, and the
 * registrar approves or rejects, unless a party withdraws first. Only approval changes the title;
 * who must consent is decided in transfer-consents.ts.
 */
import {
  AccessDeniedError,
  compositeKey,
  ConflictError,
  emitEvent,
  getJson,
  InvalidArgumentError,
  parseId,
  parseNonNegativeInteger,
  parseSha256Hex,
  putIndex,
  putJson,
  requireCaller,
  requireControlledCallerDid,
  txTimeIso,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { KEY } from './keys';
import { parseCurrency, parseReason, parseShareList } from './land-arguments';
import { REGISTRAR, requireEligibleOwner } from './party';
import type { LandTitle, ParcelTransfer, TransferConsent } from './records';
import {
  asParty,
  consentsOf,
  consentStatus,
  linkDocument,
  openEncumbrancesBurdening,
  openTransferIdOf,
  openTransferKey,
  partyConsentStatus,
  requireActiveParcel,
  requireOpenTransfer,
  requireTitle,
  transferKey,
  writeConsent,
  writeTitle,
  type StoredTransfer,
} from './registry-state';
import { applyTransfer, totalShares } from './shares';
import { pendingConsents, requiredConsents, type ConsentParty } from './transfer-consents';

export async function proposeTransfer(
  ctx: Context,
  transferId: string,
  parcelId: string,
  sellersJson: string,
  buyersJson: string,
  price: string,
  currency: string,
  documentHash: string,
): Promise<ParcelTransfer> {
  const proposer = await requireControlledCallerDid(ctx, 'propose a transfer');
  const channel = ctx.stub.getChannelID();
  const id = parseId('transferId', transferId);
  const pid = parseId('parcelId', parcelId);
  const givenSellers = sellersJson === '' ? undefined : parseShareList('sellersJson', sellersJson, channel);
  const buyers = parseShareList('buyersJson', buyersJson, channel);
  const amount = parseNonNegativeInteger('price', price);
  const money = parseCurrency('currency', currency);
  const document = parseSha256Hex('documentHash', documentHash);

  const parcel = await requireActiveParcel(ctx, pid);
  const title = await requireTitle(ctx, pid);
  const sellers = givenSellers ?? title.owners;
  if (!title.owners.some((o) => o.did === proposer)) {
    throw new AccessDeniedError(
      `${proposer} does not own parcel ${pid}; only an owner may propose its transfer`,
    );
  }
  if (!sellers.some((s) => s.did === proposer)) {
    throw new AccessDeniedError(
      `${proposer} is not among the sellers; an owner proposes only a sale of its own part`,
    );
  }
  sellers.forEach((seller, i) => {
    const held = title.owners.find((o) => o.did === seller.did)?.shares ?? 0;
    if (held === 0)
      throw new InvalidArgumentError(`sellersJson[${i}].did`, `${seller.did} does not own parcel ${pid}`);
    if (seller.shares > held) {
      throw new InvalidArgumentError(
        `sellersJson[${i}].shares`,
        `${seller.did} holds only ${held} parts of parcel ${pid}`,
      );
    }
  });
  buyers.forEach((buyer, i) => {
    if (sellers.some((s) => s.did === buyer.did)) {
      throw new InvalidArgumentError(`buyersJson[${i}].did`, `${buyer.did} is also a seller`);
    }
  });
  if (totalShares(buyers) !== totalShares(sellers)) {
    throw new InvalidArgumentError(
      'buyersJson',
      `shares must add up to the ${totalShares(sellers)} parts sold, got ${totalShares(buyers)}`,
    );
  }
  if (await getJson(ctx, transferKey(ctx, id))) {
    throw new ConflictError(`transfer ${id} already exists`);
  }
  const open = await openTransferIdOf(ctx, pid);
  if (open) {
    throw new ConflictError(`parcel ${pid} already has the open transfer ${open}`);
  }
  for (const [i, buyer] of buyers.entries()) {
    await requireEligibleOwner(ctx, buyer.did, { field: `buyersJson[${i}].did` });
  }
  const required = requiredConsents({ sellers, buyers }, await openEncumbrancesBurdening(ctx, parcel));

  const now = txTimeIso(ctx);
  const transfer: StoredTransfer = {
    transferId: id,
    parcelId: pid,
    sellers,
    buyers,
    price: amount,
    currency: money,
    documentHash: document,
    status: 'open',
    proposedBy: proposer,
    proposedAt: now,
  };
  const proposerConsent = await writeConsent(ctx, id, { capacity: 'seller', did: proposer });
  await putJson(ctx, transferKey(ctx, id), transfer);
  await putJson(ctx, openTransferKey(ctx, pid), { transferId: id });
  await putIndex(ctx, compositeKey(ctx, KEY.transferByParcel, [pid, id]));
  const pending = pendingConsents(required, [{ capacity: 'seller', did: proposer }]);
  emitEvent(ctx, 'TransferProposed', {
    transferId: id,
    parcelId: pid,
    sellers,
    buyers,
    price: amount,
    currency: money,
    documentHash: document,
    proposedBy: proposer,
    proposedAt: now,
    pendingConsents: pending,
  });
  return { ...transfer, consents: [proposerConsent], pendingConsents: pending };
}

export async function acceptTransfer(ctx: Context, transferId: string): Promise<ParcelTransfer> {
  const buyer = await requireControlledCallerDid(ctx, 'accept a transfer');
  const id = parseId('transferId', transferId);
  const transfer = await requireOpenTransfer(ctx, id);
  if (!transfer.buyers.some((b) => b.did === buyer)) {
    throw new AccessDeniedError(`${buyer} is not a buyer in transfer ${id}`);
  }
  const status = await partyConsentStatus(ctx, transfer, buyer);
  const owed = status.owed.filter((p) => p.capacity === 'buyer');
  if (owed.length === 0) {
    throw new ConflictError(`${buyer} has already accepted transfer ${id}`);
  }
  return recordConsents(ctx, transfer, buyer, owed, status, 'TransferAccepted');
}

export async function consentToTransfer(ctx: Context, transferId: string): Promise<ParcelTransfer> {
  const did = await requireControlledCallerDid(ctx, 'consent to a transfer');
  const id = parseId('transferId', transferId);
  const transfer = await requireOpenTransfer(ctx, id);
  const status = await partyConsentStatus(ctx, transfer, did);
  const mine = status.required.filter((p) => p.did === did && p.capacity !== 'buyer');
  if (mine.length === 0) {
    throw new AccessDeniedError(
      `${did} is neither a seller in transfer ${id} nor the holder of an open mortgage or lien on parcel ${transfer.parcelId}`,
    );
  }
  const owed = status.owed.filter((p) => p.capacity !== 'buyer');
  if (owed.length === 0) {
    throw new ConflictError(`${did} has already consented to transfer ${id}`);
  }
  return recordConsents(ctx, transfer, did, owed, status, 'TransferConsented');
}

export async function withdrawTransfer(
  ctx: Context,
  transferId: string,
  reason: string,
): Promise<ParcelTransfer> {
  const did = await requireControlledCallerDid(ctx, 'withdraw a transfer');
  const id = parseId('transferId', transferId);
  const why = parseReason('reason', reason, false);
  const transfer = await requireOpenTransfer(ctx, id);
  if (![...transfer.sellers, ...transfer.buyers].some((p) => p.did === did)) {
    throw new AccessDeniedError(`${did} is neither a seller nor a buyer in transfer ${id}`);
  }
  return closeTransfer(ctx, transfer, 'withdrawn', did, why, 'TransferWithdrawn');
}

export async function rejectTransfer(
  ctx: Context,
  transferId: string,
  reason: string,
): Promise<ParcelTransfer> {
  const caller = requireCaller(ctx, REGISTRAR, 'reject a transfer');
  const id = parseId('transferId', transferId);
  const why = parseReason('reason', reason, true);
  const transfer = await requireOpenTransfer(ctx, id);
  return closeTransfer(ctx, transfer, 'rejected', caller.id, why, 'TransferRejected');
}

export async function approveTransfer(ctx: Context, transferId: string): Promise<ParcelTransfer> {
  const caller = requireCaller(ctx, REGISTRAR, 'approve a transfer');
  const id = parseId('transferId', transferId);
  const transfer = await requireOpenTransfer(ctx, id);
  await requireActiveParcel(ctx, transfer.parcelId);
  const { given, pending } = await consentStatus(ctx, transfer);
  if (pending.length > 0) {
    throw new ConflictError(
      `transfer ${id} still needs the consent of ${pending.map(describeParty).join(', ')}`,
    );
  }
  for (const buyer of transfer.buyers) {
    await requireEligibleOwner(ctx, buyer.did, 'conflict');
  }
  const previous = await requireTitle(ctx, transfer.parcelId);
  const owners = applyTransfer(previous.owners, transfer.sellers, transfer.buyers);

  const now = txTimeIso(ctx);
  const title: LandTitle = {
    parcelId: transfer.parcelId,
    owners,
    acquiredBy: 'transfer',
    transferId: id,
    documentHash: transfer.documentHash,
    since: now,
    txId: ctx.stub.getTxID(),
  };
  const approved: StoredTransfer = { ...transfer, status: 'approved', closedAt: now, closedBy: caller.id };
  await writeTitle(ctx, title, previous);
  await putJson(ctx, transferKey(ctx, id), approved);
  await ctx.stub.deleteState(openTransferKey(ctx, transfer.parcelId));
  await linkDocument(ctx, transfer.documentHash, 'deed', `transfer ${id}`, [transfer.parcelId], caller.id);
  emitEvent(ctx, 'TransferApproved', {
    transferId: id,
    parcelId: transfer.parcelId,
    previousOwners: previous.owners,
    owners,
    price: transfer.price,
    currency: transfer.currency,
    documentHash: transfer.documentHash,
    approvedAt: now,
  });
  return { ...approved, consents: given, pendingConsents: [] };
}

/**
 * Records the caller's consents (one key each, see keys.ts) and emits one event. The other
 * parties' consents are not read, so that parties of one transfer can consent in the same block:
 * `consents` are the caller's, and `pendingConsents` counts as given only those and the
 * proposer's (recorded with the proposal). GetTransfer tells what is really still pending.
 */
async function recordConsents(
  ctx: Context,
  transfer: StoredTransfer,
  did: string,
  parties: ConsentParty[],
  status: { required: ConsentParty[]; given: TransferConsent[] },
  eventName: 'TransferAccepted' | 'TransferConsented',
): Promise<ParcelTransfer> {
  const written: TransferConsent[] = [];
  for (const party of parties) {
    written.push(await writeConsent(ctx, transfer.transferId, party));
  }
  const consents = [...status.given, ...written];
  const pending = pendingConsents(status.required, [
    ...consents.map(asParty),
    { capacity: 'seller', did: transfer.proposedBy },
  ]);
  emitEvent(ctx, eventName, {
    transferId: transfer.transferId,
    parcelId: transfer.parcelId,
    did,
    consents: parties.map((p) => ({ capacity: p.capacity, encumbranceId: p.encumbranceId })),
    at: txTimeIso(ctx),
    pendingConsents: pending,
  });
  return { ...transfer, consents, pendingConsents: pending };
}

async function closeTransfer(
  ctx: Context,
  transfer: StoredTransfer,
  status: 'withdrawn' | 'rejected',
  closedBy: string,
  reason: string,
  eventName: 'TransferWithdrawn' | 'TransferRejected',
): Promise<ParcelTransfer> {
  const now = txTimeIso(ctx);
  const closed: StoredTransfer = { ...transfer, status, closedAt: now, closedBy, reason };
  await putJson(ctx, transferKey(ctx, transfer.transferId), closed);
  await ctx.stub.deleteState(openTransferKey(ctx, transfer.parcelId));
  emitEvent(ctx, eventName, {
    transferId: transfer.transferId,
    parcelId: transfer.parcelId,
    closedBy,
    reason,
    closedAt: now,
  });
  return { ...closed, consents: await consentsOf(ctx, transfer.transferId), pendingConsents: [] };
}

function describeParty(party: ConsentParty): string {
  return party.capacity === 'encumbrance-holder'
    ? `${party.did} (holder of ${party.encumbranceId})`
    : `${party.did} (${party.capacity})`;
}
