import {
  AccessDeniedError,
  compositeKey,
  ConflictError,
  emitEvent,
  getJson,
  InvalidArgumentError,
  jsonRecord,
  keyExists,
  parseBookmark,
  parseDid,
  parseEnum,
  parseId,
  parseIsoTimestamp,
  parseOptionalString,
  parsePageSize,
  parseSha256Hex,
  parseString,
  putJson,
  queryAll,
  queryPage,
  requireCaller,
  requireCredential,
  requireJson,
  requireTxTimeNotBefore,
  txTimeIso,
} from '@cityledger/chaincode-common';
import { verifyRaw, verifyTokenSignature, type RsaPublicKey } from '@cityledger/voter';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { ballotHashOf, nullifierOf } from './ballot-hashes';
import { parseModularHex, parseRsaPublicKeyPem } from './token-arguments';
import {
  parseChoice,
  parseEligibilityCredential,
  parseMaxSelections,
  parseOptions,
  parseTotalBudget,
} from './election-arguments';
import { ballotLeaves, computeResult, proveInclusion } from './election-result';
import {
  BALLOT_BOXES,
  CHANNEL_MEMBERS,
  DEFAULT_ELIGIBILITY_CREDENTIAL,
  ELECTION_AUTHORITY,
  MAX_TALLIED_RECORDS,
} from './policy';
import {
  Ballot,
  BallotCount,
  BallotPage,
  BallotReceipt,
  Election,
  ElectionPage,
  ElectionPhase,
  ElectionResult,
  ReceiptCheck,
  VotingTokenIssuance,
} from './records';
import { TALLY_RULES } from './tally-rules';

/**
 * Composite key object types. The definition of an election is written once; its phase, each token
 * issuance, each ballot and the result live under keys of their own, so that no key is written by
 * more than one transaction while the election runs (see docs/contracts/voting.md, "Hot keys").
 */
const KEY = {
  election: 'election',
  phase: 'election-phase',
  token: 'voting-token',
  ballot: 'ballot',
  result: 'election-result',
} as const;

const TOKEN_PATTERN = /^[0-9a-fA-F]{64}$/;

type ElectionDefinition = Omit<Election, 'status' | 'openedAt' | 'closedAt' | 'talliedAt'>;

@Info({
  title: 'CityLedger voting',
  description:
    'Elections and participatory budgets with eligibility by credential, one blind-signed voting token per voter, ' +
    'secret ballots, a tally anyone can recompute and Merkle receipts',
})
export class VotingContract extends Contract {
  constructor() {
    super('voting');
  }

  // ---------------------------------------------------------------- elections

  /**
   * Creates an election (City election authority). `optionsJson` is a JSON array of
   * `{optionId, label}` (budget-allocation: `{optionId, label, cost}`); `totalBudget` is required for
   * budget-allocation and '' otherwise; `maxSelections` '' means one under plurality and all options
   * otherwise; `eligibilityCredential` '' means `eligible-voter`.
   */
  @Transaction()
  @Returns('Election')
  async CreateElection(
    ctx: Context,
    electionId: string,
    title: string,
    description: string,
    rule: string,
    optionsJson: string,
    totalBudget: string,
    maxSelections: string,
    eligibilityCredential: string,
    opensAt: string,
    closesAt: string,
    tokenKeyPem: string,
  ): Promise<Election> {
    const caller = requireCaller(ctx, ELECTION_AUTHORITY, 'create an election');
    const id = parseId('electionId', electionId, { maxLength: 64 });
    const tallyRule = parseEnum('rule', rule, TALLY_RULES);
    const options = parseOptions('optionsJson', optionsJson, tallyRule);
    const definition: ElectionDefinition = {
      electionId: id,
      title: parseString('title', title, { maxLength: 300 }),
      description: parseOptionalString('description', description, { maxLength: 4000 }) ?? '',
      rule: tallyRule,
      options,
      maxSelections: parseMaxSelections('maxSelections', maxSelections, tallyRule, options.length),
      eligibilityCredential: parseEligibilityCredential(
        'eligibilityCredential',
        eligibilityCredential,
        DEFAULT_ELIGIBILITY_CREDENTIAL,
      ),
      opensAt: parseIsoTimestamp('opensAt', opensAt),
      closesAt: parseIsoTimestamp('closesAt', closesAt),
      tokenKeyPem: '',
      tokenKeyBits: 0,
      authorityMsp: caller.mspId,
      createdAt: txTimeIso(ctx),
    };
    const budget = parseTotalBudget('totalBudget', totalBudget, tallyRule);
    if (budget !== undefined) {
      definition.totalBudget = budget;
    }
    const key = parseRsaPublicKeyPem('tokenKeyPem', tokenKeyPem);
    definition.tokenKeyPem = key.pem;
    definition.tokenKeyBits = key.n.toString(2).length;
    if (definition.closesAt <= definition.opensAt) {
      throw new InvalidArgumentError('closesAt', `must be after opensAt (${definition.opensAt})`);
    }
    if (definition.closesAt <= definition.createdAt) {
      throw new InvalidArgumentError(
        'closesAt',
        `must be in the future (transaction time ${definition.createdAt})`,
      );
    }

    if (await keyExists(ctx, this.electionKey(ctx, id))) {
      throw new ConflictError(`election ${id} already exists`);
    }
    const phase: ElectionPhase = { electionId: id, status: 'scheduled' };
    await putJson(ctx, this.electionKey(ctx, id), definition);
    await putJson(ctx, this.phaseKey(ctx, id), phase);
    emitEvent(ctx, 'ElectionCreated', {
      electionId: id,
      title: definition.title,
      rule: tallyRule,
      optionIds: options.map((o) => o.optionId),
      eligibilityCredential: definition.eligibilityCredential,
      opensAt: definition.opensAt,
      closesAt: definition.closesAt,
    });
    return { ...definition, ...phase };
  }

  /**
   * Opens the ballot box once `opensAt` has come (any member of the channel). Ballots need this
   * transaction committed: it is the last write to anything a ballot reads until the close.
   */
  @Transaction()
  @Returns('Election')
  async OpenElection(ctx: Context, electionId: string): Promise<Election> {
    requireCaller(ctx, CHANNEL_MEMBERS, 'open an election');
    const id = parseId('electionId', electionId, { maxLength: 64 });
    const definition = await this.requireDefinition(ctx, id);
    const phase = await this.requirePhase(ctx, id);
    const now = txTimeIso(ctx);
    if (phase.status !== 'scheduled') {
      throw new ConflictError(`election ${id} is ${phase.status}, not scheduled`);
    }
    if (now < definition.opensAt) {
      throw new ConflictError(`election ${id} opens at ${definition.opensAt}; it is ${now}`);
    }
    if (now >= definition.closesAt) {
      throw new ConflictError(`election ${id} closed at ${definition.closesAt}; close it instead`);
    }
    requireTxTimeNotBefore(ctx, ...lastStepOf(definition, phase));
    const opened: ElectionPhase = { ...phase, status: 'open', openedAt: now };
    await putJson(ctx, this.phaseKey(ctx, id), opened);
    emitEvent(ctx, 'ElectionOpened', { electionId: id, openedAt: now, closesAt: definition.closesAt });
    return { ...definition, ...opened };
  }

  /** Closes the ballot box once `closesAt` has passed (any member of the channel). */
  @Transaction()
  @Returns('Election')
  async CloseElection(ctx: Context, electionId: string): Promise<Election> {
    requireCaller(ctx, CHANNEL_MEMBERS, 'close an election');
    const id = parseId('electionId', electionId, { maxLength: 64 });
    const definition = await this.requireDefinition(ctx, id);
    const phase = await this.requirePhase(ctx, id);
    const now = txTimeIso(ctx);
    if (phase.status !== 'scheduled' && phase.status !== 'open') {
      throw new ConflictError(`election ${id} is already ${phase.status}`);
    }
    if (now < definition.closesAt) {
      throw new ConflictError(`election ${id} closes at ${definition.closesAt}; it is ${now}`);
    }
    const closed: ElectionPhase = { ...phase, status: 'closed', closedAt: now };
    await putJson(ctx, this.phaseKey(ctx, id), closed);
    emitEvent(ctx, 'ElectionClosed', { electionId: id, closedAt: now, closesAt: definition.closesAt });
    return { ...definition, ...closed };
  }

  @Transaction(false)
  @Returns('Election')
  async GetElection(ctx: Context, electionId: string): Promise<Election> {
    const id = parseId('electionId', electionId, { maxLength: 64 });
    const definition = await this.requireDefinition(ctx, id);
    return { ...definition, ...(await this.requirePhase(ctx, id)) };
  }

  @Transaction(false)
  @Returns('ElectionPage')
  async ListElections(ctx: Context, pageSize: string, bookmark: string): Promise<ElectionPage> {
    const size = parsePageSize('pageSize', pageSize);
    const mark = parseBookmark('bookmark', bookmark);
    return queryPage(ctx, KEY.election, [], size, mark, async (entry) => {
      const definition = jsonRecord<ElectionDefinition>(entry);
      return { ...definition, ...(await this.requirePhase(ctx, definition.electionId)) };
    });
  }

  // ---------------------------------------------------------------- voting tokens

  /**
   * Records that the election authority blind-signed the one voting token of `voterDid` (City
   * election authority). The voter must hold a valid eligibility credential (identity chaincode);
   * `blindSignature` must be the election key's signature of `blindedMessage` (both hex, as long as
   * the modulus). The token itself stays with the voter.
   */
  @Transaction()
  @Returns('VotingTokenIssuance')
  async IssueVotingToken(
    ctx: Context,
    electionId: string,
    voterDid: string,
    blindedMessage: string,
    blindSignature: string,
  ): Promise<VotingTokenIssuance> {
    requireCaller(ctx, ELECTION_AUTHORITY, 'issue voting tokens');
    const id = parseId('electionId', electionId, { maxLength: 64 });
    const voter = parseDid('voterDid', voterDid, { channel: ctx.stub.getChannelID() }).did;
    const definition = await this.requireDefinition(ctx, id);
    const key = this.tokenKey(definition);
    const blinded = parseModularHex('blindedMessage', blindedMessage, key);
    const signature = parseModularHex('blindSignature', blindSignature, key);
    if (!verifyRaw(key, blinded, signature)) {
      throw new InvalidArgumentError(
        'blindSignature',
        "is not the election key's signature of blindedMessage",
      );
    }
    // Only the definition is read (not the phase), so issuing tokens never collides with OpenElection.
    const now = requireTxTimeNotBefore(ctx, definition.createdAt, `the creation of election ${id}`);
    if (now >= definition.closesAt) {
      throw new ConflictError(`election ${id} closed at ${definition.closesAt}; no more voting tokens`);
    }
    const issuanceKey = compositeKey(ctx, KEY.token, [id, voter]);
    if (await keyExists(ctx, issuanceKey)) {
      throw new ConflictError(`${voter} has already received the voting token of election ${id}`);
    }
    const credentialId = await requireCredential(ctx, voter, definition.eligibilityCredential);
    const issuance: VotingTokenIssuance = {
      electionId: id,
      voterDid: voter,
      credentialId,
      blindedMessage: blindedMessage.toLowerCase(),
      blindSignature: blindSignature.toLowerCase(),
      issuedAt: now,
    };
    await putJson(ctx, issuanceKey, issuance);
    // The voter's DID stays out of the event: events are the feed apps and dashboards show.
    emitEvent(ctx, 'VotingTokenIssued', { electionId: id, issuedAt: now });
    return issuance;
  }

  /** Whether and when `voterDid` received a token, with the blind signature to unblind. */
  @Transaction(false)
  @Returns('VotingTokenIssuance')
  async GetVotingTokenIssuance(
    ctx: Context,
    electionId: string,
    voterDid: string,
  ): Promise<VotingTokenIssuance> {
    const id = parseId('electionId', electionId, { maxLength: 64 });
    const voter = parseDid('voterDid', voterDid).did;
    return requireJson<VotingTokenIssuance>(
      ctx,
      compositeKey(ctx, KEY.token, [id, voter]),
      `the voting token of ${voter} in election ${id}`,
    );
  }

  // ---------------------------------------------------------------- ballots

  /**
   * Casts a ballot with an unblinded voting token (a shared `ballot-box` identity of CityMSP or
   * CommunityMSP). `token` is 64 hex digits, `signature` the authority's unblinded signature of it,
   * `choiceJson` a JSON array of option ids. Returns the receipt the voter keeps.
   */
  @Transaction()
  @Returns('BallotReceipt')
  async CastBallot(
    ctx: Context,
    electionId: string,
    token: string,
    signature: string,
    choiceJson: string,
  ): Promise<BallotReceipt> {
    requireCaller(ctx, BALLOT_BOXES, 'cast ballots');
    const id = parseId('electionId', electionId, { maxLength: 64 });
    const tokenHex = parseString('token', token, {
      pattern: TOKEN_PATTERN,
      patternDescription: '64 hexadecimal digits (32 random bytes)',
    }).toLowerCase();
    const definition = await this.requireDefinition(ctx, id);
    const key = this.tokenKey(definition);
    const tokenSignature = parseModularHex('signature', signature, key);
    const choice = parseChoice('choiceJson', choiceJson, definition);

    const phase = await this.requirePhase(ctx, id);
    const now = txTimeIso(ctx);
    if (now >= definition.closesAt || phase.status === 'closed' || phase.status === 'tallied') {
      throw new ConflictError(`election ${id} is closed (voting ended at ${definition.closesAt})`);
    }
    if (now < definition.opensAt || phase.status !== 'open') {
      throw new ConflictError(`election ${id} is not open yet (opens at ${definition.opensAt})`);
    }
    // The phase is the election's last recorded step a ballot reads (ballots share no key).
    requireTxTimeNotBefore(ctx, ...lastStepOf(definition, phase));
    if (!verifyTokenSignature(key, id, tokenHex, tokenSignature)) {
      throw new AccessDeniedError(`the voting token is not signed by the authority of election ${id}`);
    }
    const nullifier = nullifierOf(id, tokenHex);
    const ballotKey = compositeKey(ctx, KEY.ballot, [id, nullifier]);
    if (await keyExists(ctx, ballotKey)) {
      throw new ConflictError(`this voting token has already been used in election ${id}`);
    }
    const ballot: Ballot = {
      electionId: id,
      nullifier,
      token: tokenHex,
      signature: signature.toLowerCase(),
      choice,
      ballotHash: ballotHashOf(id, nullifier, choice),
      castAt: now,
    };
    await putJson(ctx, ballotKey, ballot);
    emitEvent(ctx, 'BallotCast', { electionId: id, nullifier, ballotHash: ballot.ballotHash, castAt: now });
    return {
      electionId: id,
      nullifier,
      ballotHash: ballot.ballotHash,
      castAt: now,
      txId: ctx.stub.getTxID(),
    };
  }

  @Transaction(false)
  @Returns('Ballot')
  async GetBallot(ctx: Context, electionId: string, nullifier: string): Promise<Ballot> {
    const id = parseId('electionId', electionId, { maxLength: 64 });
    const n = parseSha256Hex('nullifier', nullifier);
    return requireJson<Ballot>(ctx, compositeKey(ctx, KEY.ballot, [id, n]), `ballot ${n} of election ${id}`);
  }

  /** The ballots of an election in nullifier order (the Merkle leaf order), a page at a time. */
  @Transaction(false)
  @Returns('BallotPage')
  async ListBallots(
    ctx: Context,
    electionId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<BallotPage> {
    const id = parseId('electionId', electionId, { maxLength: 64 });
    const size = parsePageSize('pageSize', pageSize);
    const mark = parseBookmark('bookmark', bookmark);
    await this.requireDefinition(ctx, id);
    return queryPage(ctx, KEY.ballot, [id], size, mark, (entry) => jsonRecord<Ballot>(entry));
  }

  /** How many ballots were cast and tokens issued so far (counted from the records, no counter key). */
  @Transaction(false)
  @Returns('BallotCount')
  async GetBallotCount(ctx: Context, electionId: string): Promise<BallotCount> {
    const id = parseId('electionId', electionId, { maxLength: 64 });
    await this.requireDefinition(ctx, id);
    const ballots = await queryAll(ctx, KEY.ballot, [id], 100000);
    const tokens = await queryAll(ctx, KEY.token, [id], 100000);
    return { electionId: id, ballots: ballots.length, tokensIssued: tokens.length };
  }

  // ---------------------------------------------------------------- tally and receipts

  /**
   * Tallies a closed election from its ballot records and publishes the result with the Merkle root
   * over the counted ballots (any member of the channel).
   */
  @Transaction()
  @Returns('ElectionResult')
  async TallyElection(ctx: Context, electionId: string): Promise<ElectionResult> {
    const caller = requireCaller(ctx, CHANNEL_MEMBERS, 'tally an election');
    const id = parseId('electionId', electionId, { maxLength: 64 });
    const definition = await this.requireDefinition(ctx, id);
    const phase = await this.requirePhase(ctx, id);
    if (phase.status === 'tallied') {
      throw new ConflictError(`election ${id} is already tallied`);
    }
    if (phase.status !== 'closed') {
      throw new ConflictError(`election ${id} is ${phase.status}; close it first`);
    }
    const now = requireTxTimeNotBefore(ctx, ...lastStepOf(definition, phase));
    const ballots = await this.readBallots(ctx, id);
    const tokensIssued = (await this.readAllOrRefuse(ctx, KEY.token, id, 'voting tokens')).length;
    const result = computeResult({ ...definition, ...phase }, ballots, tokensIssued, now, caller.mspId);
    await putJson(ctx, compositeKey(ctx, KEY.result, [id]), result);
    await putJson(ctx, this.phaseKey(ctx, id), { ...phase, status: 'tallied', talliedAt: now });
    emitEvent(ctx, 'ElectionTallied', {
      electionId: id,
      rule: result.rule,
      ballotsCounted: result.ballotsCounted,
      tokensIssued: result.tokensIssued,
      counts: result.counts.map(({ optionId, votes, funded }) => ({ optionId, votes, funded })),
      winners: result.winners,
      tie: result.tie,
      budgetSpent: result.budgetSpent,
      merkleRoot: result.merkleRoot,
      talliedAt: now,
    });
    return result;
  }

  @Transaction(false)
  @Returns('ElectionResult')
  async GetResult(ctx: Context, electionId: string): Promise<ElectionResult> {
    const id = parseId('electionId', electionId, { maxLength: 64 });
    await this.requireDefinition(ctx, id);
    return requireJson<ElectionResult>(
      ctx,
      compositeKey(ctx, KEY.result, [id]),
      `the result of election ${id}`,
    );
  }

  /**
   * Recomputes the result of a closed or tallied election from the ballot records, without writing:
   * compare it with GetResult. `talliedAt` and `talliedByMsp` describe this evaluation.
   */
  @Transaction(false)
  @Returns('ElectionResult')
  async RecomputeTally(ctx: Context, electionId: string): Promise<ElectionResult> {
    const id = parseId('electionId', electionId, { maxLength: 64 });
    const definition = await this.requireDefinition(ctx, id);
    const phase = await this.requirePhase(ctx, id);
    if (phase.status !== 'closed' && phase.status !== 'tallied') {
      throw new ConflictError(`election ${id} is ${phase.status}; results exist only after the close`);
    }
    const ballots = await this.readBallots(ctx, id);
    const tokensIssued = (await this.readAllOrRefuse(ctx, KEY.token, id, 'voting tokens')).length;
    return computeResult(
      { ...definition, ...phase },
      ballots,
      tokensIssued,
      txTimeIso(ctx),
      ctx.clientIdentity.getMSPID(),
    );
  }

  /**
   * Checks a voter's receipt (from CastBallot) against the published result: the ballot exists with
   * that hash and its Merkle audit path leads to the published root. Returns the path, so the
   * voter can re-check it without trusting the peer that answered.
   */
  @Transaction(false)
  @Returns('ReceiptCheck')
  async VerifyReceipt(
    ctx: Context,
    electionId: string,
    nullifier: string,
    ballotHash: string,
  ): Promise<ReceiptCheck> {
    const id = parseId('electionId', electionId, { maxLength: 64 });
    const n = parseSha256Hex('nullifier', nullifier);
    const hash = parseSha256Hex('ballotHash', ballotHash);
    await this.requireDefinition(ctx, id);
    const check: ReceiptCheck = {
      electionId: id,
      nullifier: n,
      ballotHash: hash,
      counted: false,
      auditPath: [],
    };
    const result = await getJson<ElectionResult>(ctx, compositeKey(ctx, KEY.result, [id]));
    if (!result) {
      return { ...check, reason: 'not-tallied' };
    }
    const ballots = await this.readBallots(ctx, id);
    const inclusion = proveInclusion(id, ballots, n);
    if (!inclusion) {
      return { ...check, reason: 'unknown-ballot', merkleRoot: result.merkleRoot };
    }
    if (ballotLeaves(id, ballots)[inclusion.leafIndex] !== hash) {
      return { ...check, reason: 'ballot-hash-mismatch', merkleRoot: result.merkleRoot };
    }
    if (inclusion.merkleRoot !== result.merkleRoot || inclusion.treeSize !== result.ballotsCounted) {
      return { ...check, reason: 'result-mismatch', merkleRoot: result.merkleRoot };
    }
    return { ...check, counted: true, ...inclusion };
  }

  // ---------------------------------------------------------------- internals

  private electionKey(ctx: Context, id: string): string {
    return compositeKey(ctx, KEY.election, [id]);
  }

  private phaseKey(ctx: Context, id: string): string {
    return compositeKey(ctx, KEY.phase, [id]);
  }

  private async requireDefinition(ctx: Context, id: string): Promise<ElectionDefinition> {
    return requireJson<ElectionDefinition>(ctx, this.electionKey(ctx, id), `election ${id}`);
  }

  private async requirePhase(ctx: Context, id: string): Promise<ElectionPhase> {
    return requireJson<ElectionPhase>(ctx, this.phaseKey(ctx, id), `the phase of election ${id}`);
  }

  private tokenKey(definition: ElectionDefinition): RsaPublicKey {
    return parseRsaPublicKeyPem('tokenKeyPem', definition.tokenKeyPem);
  }

  private async readBallots(ctx: Context, id: string): Promise<Ballot[]> {
    return (await this.readAllOrRefuse(ctx, KEY.ballot, id, 'ballots')).map((entry) =>
      jsonRecord<Ballot>(entry),
    );
  }

  private async readAllOrRefuse(ctx: Context, objectType: string, id: string, what: string) {
    try {
      return await queryAll(ctx, objectType, [id], MAX_TALLIED_RECORDS);
    } catch (err) {
      if (/more than \d+ entries/.test((err as Error).message)) {
        throw new ConflictError(
          `election ${id} has more than ${MAX_TALLIED_RECORDS} ${what}, more than one transaction can tally`,
        );
      }
      throw err;
    }
  }
}

/** The latest time the election's records hold, and what happened then: no later step may predate it. */
function lastStepOf(definition: ElectionDefinition, phase: ElectionPhase): [string, string] {
  const id = definition.electionId;
  if (phase.closedAt) return [phase.closedAt, `the close of election ${id}`];
  if (phase.openedAt) return [phase.openedAt, `the opening of election ${id}`];
  return [definition.createdAt, `the creation of election ${id}`];
}
