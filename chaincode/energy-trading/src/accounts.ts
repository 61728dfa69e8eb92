/**
 * Market configuration, prosumer accounts, their meters, and the fiat bridge (deposits and
 * withdrawals). An account's balance lives in the account's own key: only that account's own
 * transactions, and the clearing/settlement of intervals it traded in, write it.
 */
import {
  ConflictError,
  emitEvent,
  getJson,
  keyExists,
  parseDid,
  parseEnum,
  parseId,
  parseOptionalString,
  parsePositiveInteger,
  parseString,
  putIndex,
  putJson,
  requireCaller,
  requireCredential,
  txTimeIso,
} from '@cityledger/chaincode-common';
import type { Context } from 'fabric-contract-api';
import { anyKeyUnder } from './key-probe';
import { keys, KEY } from './keys';
import { parseMarketParameters } from './market-config';
import { requireAccount } from './market-state';
import { readMeterDevice, requireActiveMeter } from './meter-device';
import { HOLDER_MSPS, MARKET_OPERATOR, PROSUMER_CREDENTIAL } from './policy';
import type { EnergyMarketConfig, FundsTransfer, MeterLink, ProsumerAccount } from './records';

/** One fiat transfer is at most 10^12 cents; balances stay far within safe integers. */
export const MAX_TRANSFER_CENTS = 1e12;
const HOLDER_ID = /^x509::.+::.+$/s;

export async function configureMarket(ctx: Context, configJson: string): Promise<EnergyMarketConfig> {
  requireCaller(ctx, MARKET_OPERATOR, 'configure the energy market');
  const parameters = parseMarketParameters('configJson', configJson);
  const previous = await getJson<EnergyMarketConfig>(ctx, keys.config(ctx));
  if (previous && previous.intervalMinutes !== parameters.intervalMinutes) {
    // Interval names, reading buckets and open orders all hang on the grid.
    throw new ConflictError(
      `intervalMinutes is fixed at ${previous.intervalMinutes} once the market is configured`,
    );
  }
  const config: EnergyMarketConfig = { ...parameters, updatedAt: txTimeIso(ctx) };
  await putJson(ctx, keys.config(ctx), config);
  emitEvent(ctx, 'MarketConfigured', { ...config });
  return config;
}

export async function openAccount(
  ctx: Context,
  accountDid: string,
  holderMspId: string,
  holderId: string,
): Promise<ProsumerAccount> {
  requireCaller(ctx, MARKET_OPERATOR, 'open a prosumer account');
  const did = parseDid('accountDid', accountDid, { channel: ctx.stub.getChannelID() }).did;
  const mspId = parseEnum('holderMspId', holderMspId, HOLDER_MSPS);
  const holder = parseString('holderId', holderId, {
    maxLength: 2048,
    pattern: HOLDER_ID,
    patternDescription: 'an X.509 identity x509::<subject>::<issuer> as ClientIdentity.getID() gives it',
  });
  if (await keyExists(ctx, keys.account(ctx, did))) {
    throw new ConflictError(`account ${did} already exists`);
  }
  const credentialId = await requireCredential(ctx, did, PROSUMER_CREDENTIAL);
  const now = txTimeIso(ctx);
  const account: ProsumerAccount = {
    accountDid: did,
    holderMspId: mspId,
    holderId: holder,
    credentialId,
    balanceCents: 0,
    reservedCents: 0,
    depositedCents: 0,
    withdrawnCents: 0,
    openedAt: now,
    updatedAt: now,
  };
  await putJson(ctx, keys.account(ctx, did), account);
  emitEvent(ctx, 'AccountOpened', {
    accountDid: did,
    holderMspId: mspId,
    holderId: holder,
    credentialId,
    openedAt: now,
  });
  return account;
}

export async function linkMeter(ctx: Context, accountDid: string, meterDid: string): Promise<MeterLink> {
  requireCaller(ctx, MARKET_OPERATOR, 'link a meter');
  const channel = ctx.stub.getChannelID();
  const account = parseDid('accountDid', accountDid, { channel }).did;
  const meter = parseDid('meterDid', meterDid, { channel }).did;
  await requireAccount(ctx, account);
  const existing = await getJson<MeterLink>(ctx, keys.meter(ctx, meter));
  if (existing) {
    throw new ConflictError(`meter ${meter} is already linked to ${existing.accountDid}`);
  }
  const device = await readMeterDevice(ctx, 'meterDid', meter);
  requireActiveMeter(device);
  if (device.ownerDid !== account) {
    throw new ConflictError(`meter ${meter} is owned by ${device.ownerDid}, not by ${account}`);
  }
  const link: MeterLink = { meterDid: meter, accountDid: account, linkedAt: txTimeIso(ctx) };
  await putJson(ctx, keys.meter(ctx, meter), link);
  await putIndex(ctx, keys.meterByAccount(ctx, account, meter));
  // Only the first link writes the marker, so later links never touch what bids read.
  const marker = keys.accountMetered(ctx, account);
  if (!(await keyExists(ctx, marker))) {
    await putJson(ctx, marker, { accountDid: account, firstMeterDid: meter, since: link.linkedAt });
  }
  emitEvent(ctx, 'MeterLinked', { ...link });
  return link;
}

export async function transferFunds(
  ctx: Context,
  kind: 'deposit' | 'withdrawal',
  accountDid: string,
  transferId: string,
  amountCents: string,
  reference: string,
): Promise<FundsTransfer> {
  requireCaller(ctx, MARKET_OPERATOR, kind === 'deposit' ? 'deposit funds' : 'withdraw funds');
  const did = parseDid('accountDid', accountDid, { channel: ctx.stub.getChannelID() }).did;
  const id = parseId('transferId', transferId);
  const amount = parsePositiveInteger('amountCents', amountCents, { max: MAX_TRANSFER_CENTS });
  const note = parseOptionalString('reference', reference, { maxLength: 256 }) ?? '';
  const account = await requireAccount(ctx, did);
  const transferKey = keys.transfer(ctx, did, id);
  if (await keyExists(ctx, transferKey)) {
    throw new ConflictError(`transfer ${id} of ${did} already exists`);
  }
  const available = account.balanceCents - account.reservedCents;
  if (kind === 'withdrawal' && amount > available) {
    throw new ConflictError(
      `insufficient available balance: ${did} has ${available} cents available, asked ${amount}`,
    );
  }
  const now = txTimeIso(ctx);
  const delta = kind === 'deposit' ? amount : -amount;
  const updated: ProsumerAccount = {
    ...account,
    balanceCents: account.balanceCents + delta,
    depositedCents: account.depositedCents + (kind === 'deposit' ? amount : 0),
    withdrawnCents: account.withdrawnCents + (kind === 'withdrawal' ? amount : 0),
    updatedAt: now,
  };
  const transfer: FundsTransfer = {
    accountDid: did,
    transferId: id,
    kind,
    amountCents: amount,
    reference: note,
    balanceAfterCents: updated.balanceCents,
    at: now,
  };
  await putJson(ctx, keys.account(ctx, did), updated);
  await putJson(ctx, transferKey, transfer);
  emitEvent(ctx, kind === 'deposit' ? 'FundsDeposited' : 'FundsWithdrawn', { ...transfer });
  return transfer;
}

/**
 * Whether the account has at least one meter: a point read of the marker its first link wrote,
 * so linking further meters never invalidates an order in flight (a range probe of the account's
 * meter index would: see key-probe.ts). Accounts linked before the marker existed fall back to
 * that probe.
 */
export async function hasLinkedMeter(ctx: Context, accountDid: string): Promise<boolean> {
  if (await keyExists(ctx, keys.accountMetered(ctx, accountDid))) return true;
  return anyKeyUnder(ctx, KEY.meterByAccount, [accountDid]);
}
