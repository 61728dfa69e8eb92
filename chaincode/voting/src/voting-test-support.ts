/** Callers, keys and a scripted election shared by the voting contract tests. */
import { FakeLedger, type TxOptions } from '@cityledger/chaincode-common/testing';
import { prepareVotingToken, signBlinded, unblindSignature } from '@cityledger/voter';
import { authorityKey, type AuthorityKey } from '@cityledger/voter/testing';
import type { BallotReceipt, Election, VotingTokenIssuance } from './records';
import { VotingContract } from './voting-contract';

export { failure } from '@cityledger/chaincode-common/testing';

export const authority: TxOptions = {
  mspId: 'CityMSP',
  role: 'election-authority',
  user: 'returning-officer',
};
export const cityBallotBox: TxOptions = { mspId: 'CityMSP', role: 'ballot-box', user: 'ballot-box' };
export const communityBallotBox: TxOptions = {
  mspId: 'CommunityMSP',
  role: 'ballot-box',
  user: 'ballot-box',
};
export const cityRegistrar: TxOptions = { mspId: 'CityMSP', role: 'registrar' };
export const citizen: TxOptions = { mspId: 'CityMSP', role: 'citizen', user: 'ada' };
export const auditor: TxOptions = { mspId: 'AuditorMSP', role: 'auditor' };
export const community: TxOptions = { mspId: 'CommunityMSP', role: 'operator' };
export const utilityOperator: TxOptions = { mspId: 'UtilityMSP', role: 'operator' };

export const OPENS = '2025-03-01T08:00:00.000Z';
export const CLOSES = '2025-03-01T20:00:00.000Z';
export const BEFORE_OPEN = '2025-03-01T07:00:00.000Z';
export const DURING = '2025-03-01T12:00:00.000Z';
export const AFTER_CLOSE = '2025-03-01T20:00:00.000Z';

export { authorityKey, type AuthorityKey };

export function voterDid(name: string): string {
  return `did:cityledger:civic:${name}`;
}

/** A civic-channel ledger whose identity chaincode names `eligible` DIDs as eligible voters. */
export function civicLedger(eligible: readonly string[] = []): { ledger: FakeLedger; eligible: Set<string> } {
  const ledger = new FakeLedger('civic', '2025-02-01T00:00:00.000Z');
  const set = new Set(eligible);
  ledger.chaincodes.set('identity', async (args) => {
    const [fn, did, type] = args;
    if (fn !== 'IsCredentialValid') return { status: 500, message: `unexpected ${fn}` };
    const valid = type === 'eligible-voter' && set.has(did);
    const answer = valid
      ? { valid, credentialId: `ev-${did.split(':').pop()}` }
      : { valid, reason: 'no-credential' };
    return { status: 200, payload: Buffer.from(JSON.stringify(answer)) };
  });
  return { ledger, eligible: set };
}

export const contract = new VotingContract();

export const PB_PROPOSALS = [
  { optionId: 'park', label: 'Pocket park on Elm Street', cost: 50000 },
  { optionId: 'bikes', label: 'Protected bike lanes', cost: 120000 },
  { optionId: 'library', label: 'Library open on Sundays', cost: 30000 },
  { optionId: 'trees', label: '200 street trees', cost: 40000 },
];

export interface ElectionSpec {
  electionId?: string;
  rule?: string;
  options?: unknown[];
  totalBudget?: string;
  maxSelections?: string;
  keyIndex?: number;
}

export async function createElection(ledger: FakeLedger, spec: ElectionSpec = {}): Promise<Election> {
  const rule = spec.rule ?? 'plurality';
  const options =
    spec.options ??
    (rule === 'budget-allocation'
      ? PB_PROPOSALS
      : [
          { optionId: 'yes', label: 'Yes' },
          { optionId: 'no', label: 'No' },
        ]);
  return ledger.submit({ ...authority, time: '2025-02-15T00:00:00.000Z' }, (ctx) =>
    contract.CreateElection(
      ctx,
      spec.electionId ?? 'pb-2025',
      'Participatory budget 2025',
      '',
      rule,
      JSON.stringify(options),
      spec.totalBudget ?? (rule === 'budget-allocation' ? '100000' : ''),
      spec.maxSelections ?? '',
      '',
      OPENS,
      CLOSES,
      authorityKey(spec.keyIndex ?? 0).publicKeyPem,
    ),
  );
}

/** What a voter holds after the authority blind-signed their token. */
export interface SignedToken {
  token: string;
  signature: string;
  issuance: VotingTokenIssuance;
}

export async function issueToken(
  ledger: FakeLedger,
  did: string,
  electionId = 'pb-2025',
  opts: { keyIndex?: number; time?: string } = {},
): Promise<SignedToken> {
  const { key, privateKey } = authorityKey(opts.keyIndex ?? 0);
  const request = prepareVotingToken(key, electionId);
  const blindSignature = signBlinded(privateKey, request.blindedMessage);
  const issuance = await ledger.submit(
    { ...authority, time: opts.time ?? '2025-02-20T00:00:00.000Z' },
    (ctx) => contract.IssueVotingToken(ctx, electionId, did, request.blindedMessage, blindSignature),
  );
  return { token: request.token, signature: unblindSignature(key, request, blindSignature), issuance };
}

export async function openElection(ledger: FakeLedger, electionId = 'pb-2025'): Promise<Election> {
  return ledger.submit({ ...auditor, time: OPENS }, (ctx) => contract.OpenElection(ctx, electionId));
}

export async function castBallot(
  ledger: FakeLedger,
  signed: { token: string; signature: string },
  choice: string[],
  opts: { electionId?: string; time?: string; caller?: TxOptions } = {},
): Promise<BallotReceipt> {
  return ledger.submit({ ...(opts.caller ?? cityBallotBox), time: opts.time ?? DURING }, (ctx) =>
    contract.CastBallot(
      ctx,
      opts.electionId ?? 'pb-2025',
      signed.token,
      signed.signature,
      JSON.stringify(choice),
    ),
  );
}

export async function closeElection(ledger: FakeLedger, electionId = 'pb-2025'): Promise<Election> {
  return ledger.submit({ ...community, time: AFTER_CLOSE }, (ctx) => contract.CloseElection(ctx, electionId));
}
