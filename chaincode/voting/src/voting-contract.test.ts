import { expect } from 'chai';
import * as fc from 'fast-check';
import type { FakeLedger, TxOptions } from '@cityledger/chaincode-common/testing';
import { rootFromAuditPath } from '@cityledger/proofs';
import { bigIntToHex, prepareVotingToken, signBlinded, unblindSignature } from '@cityledger/voter';
import type { Ballot, ElectionResult } from './records';
import {
  AFTER_CLOSE,
  auditor,
  authority,
  authorityKey,
  BEFORE_OPEN,
  castBallot,
  citizen,
  cityBallotBox,
  cityRegistrar,
  civicLedger,
  CLOSES,
  closeElection,
  community,
  communityBallotBox,
  contract,
  createElection,
  DURING,
  failure,
  issueToken,
  OPENS,
  openElection,
  utilityOperator,
  voterDid,
  type SignedToken,
} from './voting-test-support';

const ada = voterDid('ada');
const bob = voterDid('bob');
const eve = voterDid('eve');

/** Runs `fn` and checks that it failed with `expected` and left the ledger and its events untouched. */
async function refusedWithoutChange(
  ledger: FakeLedger,
  promise: () => Promise<unknown>,
  expected: string | RegExp,
): Promise<void> {
  const before = JSON.stringify([...ledger.state.entries()]);
  const events = ledger.events.length;
  const message = await failure(promise());
  if (typeof expected === 'string') expect(message).to.equal(expected);
  else expect(message).to.match(expected);
  expect(JSON.stringify([...ledger.state.entries()])).to.equal(before);
  expect(ledger.events.length).to.equal(events);
}

function create(ledger: FakeLedger, caller: TxOptions, args: Partial<Record<string, string>> = {}) {
  const a = {
    electionId: 'pb-2025',
    title: 'Participatory budget 2025',
    description: '',
    rule: 'plurality',
    optionsJson: '[{"optionId":"yes","label":"Yes"},{"optionId":"no","label":"No"}]',
    totalBudget: '',
    maxSelections: '',
    eligibilityCredential: '',
    opensAt: OPENS,
    closesAt: CLOSES,
    tokenKeyPem: authorityKey().publicKeyPem,
    ...args,
  };
  return ledger.submit({ ...caller, time: '2025-02-15T00:00:00.000Z' }, (ctx) =>
    contract.CreateElection(
      ctx,
      a.electionId,
      a.title,
      a.description,
      a.rule,
      a.optionsJson,
      a.totalBudget,
      a.maxSelections,
      a.eligibilityCredential,
      a.opensAt,
      a.closesAt,
      a.tokenKeyPem,
    ),
  );
}

/** An open yes/no election with tokens for the given voters. */
async function openWithTokens(...dids: string[]): Promise<{ ledger: FakeLedger; tokens: SignedToken[] }> {
  const { ledger } = civicLedger(dids);
  await createElection(ledger);
  const tokens: SignedToken[] = [];
  for (const did of dids) tokens.push(await issueToken(ledger, did));
  await openElection(ledger);
  return { ledger, tokens };
}

describe('VotingContract', () => {
  describe('CreateElection', () => {
    it('lets the City election authority schedule an election and announces it', async () => {
      const { ledger } = civicLedger();
      const election = await create(ledger, authority);
      expect(election).to.deep.include({
        electionId: 'pb-2025',
        rule: 'plurality',
        maxSelections: 1,
        eligibilityCredential: 'eligible-voter',
        opensAt: OPENS,
        closesAt: CLOSES,
        tokenKeyBits: 2048,
        authorityMsp: 'CityMSP',
        status: 'scheduled',
      });
      expect(ledger.lastEvent()).to.deep.include({
        name: 'ElectionCreated',
        payload: {
          electionId: 'pb-2025',
          title: 'Participatory budget 2025',
          rule: 'plurality',
          optionIds: ['yes', 'no'],
          eligibilityCredential: 'eligible-voter',
          opensAt: OPENS,
          closesAt: CLOSES,
        },
      });
      const read = await ledger.evaluate(citizen, (ctx) => contract.GetElection(ctx, 'pb-2025'));
      expect(read).to.deep.equal(election);
    });

    it('schedules a participatory budget with proposal costs, a total budget and a selection limit', async () => {
      const { ledger } = civicLedger();
      const election = await createElection(ledger, { rule: 'budget-allocation', maxSelections: '3' });
      expect(election.totalBudget).to.equal(100000);
      expect(election.maxSelections).to.equal(3);
      expect(election.options[1]).to.deep.equal({
        optionId: 'bikes',
        label: 'Protected bike lanes',
        cost: 120000,
      });
    });

    it('defaults approval ballots to as many selections as there are options', async () => {
      const { ledger } = civicLedger();
      const election = await createElection(ledger, {
        rule: 'approval',
        options: ['a', 'b', 'c'].map((id) => ({ optionId: id, label: id.toUpperCase() })),
      });
      expect(election.maxSelections).to.equal(3);
    });

    for (const [who, caller] of [
      ['a City registrar', cityRegistrar],
      ['a citizen', citizen],
      ['a Community ballot box', communityBallotBox],
      ['an election authority role outside CityMSP', { mspId: 'CommunityMSP', role: 'election-authority' }],
    ] as const) {
      it(`refuses ${who}`, async () => {
        const { ledger } = civicLedger();
        await refusedWithoutChange(
          ledger,
          () => create(ledger, caller),
          /^ACCESS_DENIED: .* may not create an election/,
        );
      });
    }

    const invalid: [string, Partial<Record<string, string>>, string | RegExp][] = [
      ['an id with a colon', { electionId: 'pb:2025' }, /^INVALID_ARGUMENT: electionId: /],
      ['an unknown rule', { rule: 'borda' }, /^INVALID_ARGUMENT: rule: must be one of 'plurality'/],
      [
        'a single option',
        { optionsJson: '[{"optionId":"yes","label":"Yes"}]' },
        'INVALID_ARGUMENT: optionsJson: must have at least 2 item(s)',
      ],
      [
        'a repeated option',
        { optionsJson: '[{"optionId":"yes","label":"Yes"},{"optionId":"yes","label":"Again"}]' },
        "INVALID_ARGUMENT: optionsJson[1].optionId: duplicates an earlier option 'yes'",
      ],
      [
        'a cost outside a budget election',
        { optionsJson: '[{"optionId":"yes","label":"Yes","cost":5},{"optionId":"no","label":"No"}]' },
        "INVALID_ARGUMENT: optionsJson[0]: has unknown field(s) 'cost'",
      ],
      [
        'a total budget outside a budget election',
        { totalBudget: '100' },
        /^INVALID_ARGUMENT: totalBudget: must be empty/,
      ],
      [
        'several selections under plurality',
        { maxSelections: '2' },
        /^INVALID_ARGUMENT: maxSelections: must be empty or 1/,
      ],
      [
        'a malformed credential type',
        { eligibilityCredential: 'Eligible Voter' },
        /^INVALID_ARGUMENT: eligibilityCredential: /,
      ],
      [
        'a close before the opening',
        { closesAt: '2025-03-01T07:00:00Z' },
        /^INVALID_ARGUMENT: closesAt: must be after opensAt/,
      ],
      [
        'a close in the past',
        { opensAt: '2025-01-01T00:00:00Z', closesAt: '2025-02-01T00:00:00Z' },
        /^INVALID_ARGUMENT: closesAt: must be in the future/,
      ],
      [
        'a date that does not exist',
        { opensAt: '2025-02-30T00:00:00Z' },
        /^INVALID_ARGUMENT: opensAt: is not a valid instant/,
      ],
      [
        'a key that is not RSA',
        { tokenKeyPem: 'nope' },
        /^INVALID_ARGUMENT: tokenKeyPem: must be a PEM block/,
      ],
      ['an empty title', { title: '' }, 'INVALID_ARGUMENT: title: must not be empty'],
    ];
    for (const [what, args, expected] of invalid) {
      it(`refuses ${what}, naming the field`, async () => {
        const { ledger } = civicLedger();
        await refusedWithoutChange(ledger, () => create(ledger, authority, args), expected);
      });
    }

    it('refuses budget proposals without a cost and a budget election without a total budget', async () => {
      const { ledger } = civicLedger();
      const budget = { rule: 'budget-allocation', totalBudget: '1000' };
      await refusedWithoutChange(
        ledger,
        () => create(ledger, authority, budget),
        /^INVALID_ARGUMENT: optionsJson\[0\]\.cost: must be an integer/,
      );
      const options = '[{"optionId":"a","label":"A","cost":10},{"optionId":"b","label":"B","cost":20}]';
      await refusedWithoutChange(
        ledger,
        () => create(ledger, authority, { ...budget, optionsJson: options, totalBudget: '' }),
        /^INVALID_ARGUMENT: totalBudget: must be an integer/,
      );
      await refusedWithoutChange(
        ledger,
        () => create(ledger, authority, { ...budget, optionsJson: options.replace('10', '0') }),
        /^INVALID_ARGUMENT: optionsJson\[0\]\.cost: must be between 1/,
      );
    });

    it('refuses an election id that is taken', async () => {
      const { ledger } = civicLedger();
      await create(ledger, authority);
      await refusedWithoutChange(
        ledger,
        () => create(ledger, authority),
        'CONFLICT: election pb-2025 already exists',
      );
    });
  });

  describe('OpenElection', () => {
    it('lets any channel member open the ballot box once the opening time has come', async () => {
      const { ledger } = civicLedger();
      await createElection(ledger);
      const election = await openElection(ledger);
      expect(election).to.deep.include({ status: 'open', openedAt: OPENS });
      expect(ledger.lastEvent()).to.deep.include({
        name: 'ElectionOpened',
        payload: { electionId: 'pb-2025', openedAt: OPENS, closesAt: CLOSES },
      });
    });

    it('refuses to open before the opening time, twice, or after the close', async () => {
      const { ledger } = civicLedger();
      await createElection(ledger);
      const open = (time: string) => () =>
        ledger.submit({ ...auditor, time }, (ctx) => contract.OpenElection(ctx, 'pb-2025'));
      await refusedWithoutChange(ledger, open(BEFORE_OPEN), /^CONFLICT: election pb-2025 opens at /);
      await refusedWithoutChange(
        ledger,
        open(AFTER_CLOSE),
        /^CONFLICT: election pb-2025 closed at .*close it instead/,
      );
      await open(OPENS)();
      await refusedWithoutChange(ledger, open(DURING), 'CONFLICT: election pb-2025 is open, not scheduled');
    });

    it('refuses organisations outside the civic channel and unknown elections', async () => {
      const { ledger } = civicLedger();
      await createElection(ledger);
      await refusedWithoutChange(
        ledger,
        () =>
          ledger.submit({ ...utilityOperator, time: OPENS }, (ctx) => contract.OpenElection(ctx, 'pb-2025')),
        /^ACCESS_DENIED: /,
      );
      await refusedWithoutChange(
        ledger,
        () => ledger.submit({ ...auditor, time: OPENS }, (ctx) => contract.OpenElection(ctx, 'pb-2024')),
        'NOT_FOUND: election pb-2024 does not exist',
      );
    });
  });

  describe('IssueVotingToken', () => {
    it('records that an eligible voter received a token, without the DID in the event', async () => {
      const { ledger } = civicLedger([ada]);
      await createElection(ledger);
      const { issuance } = await issueToken(ledger, ada);
      expect(issuance).to.deep.include({
        electionId: 'pb-2025',
        voterDid: ada,
        credentialId: 'ev-ada',
        issuedAt: '2025-02-20T00:00:00.000Z',
      });
      expect(ledger.lastEvent()).to.deep.include({
        name: 'VotingTokenIssued',
        payload: { electionId: 'pb-2025', issuedAt: '2025-02-20T00:00:00.000Z' },
      });
      const read = await ledger.evaluate(citizen, (ctx) =>
        contract.GetVotingTokenIssuance(ctx, 'pb-2025', ada),
      );
      expect(read).to.deep.equal(issuance);
    });

    it('keeps issuing tokens while the election is open', async () => {
      const { ledger } = civicLedger([ada]);
      await createElection(ledger);
      await openElection(ledger);
      const signed = await issueToken(ledger, ada, 'pb-2025', { time: DURING });
      expect(signed.issuance.issuedAt).to.equal(DURING);
    });

    it('refuses an ineligible voter', async () => {
      const { ledger } = civicLedger([ada]);
      await createElection(ledger);
      await refusedWithoutChange(
        ledger,
        () => issueToken(ledger, eve),
        "ACCESS_DENIED: did:cityledger:civic:eve holds no valid 'eligible-voter' credential (no-credential)",
      );
    });

    it('refuses a second token for the same voter', async () => {
      const { ledger } = civicLedger([ada]);
      await createElection(ledger);
      await issueToken(ledger, ada);
      await refusedWithoutChange(
        ledger,
        () => issueToken(ledger, ada),
        'CONFLICT: did:cityledger:civic:ada has already received the voting token of election pb-2025',
      );
    });

    it('refuses tokens after the close', async () => {
      const { ledger } = civicLedger([ada]);
      await createElection(ledger);
      await refusedWithoutChange(
        ledger,
        () => issueToken(ledger, ada, 'pb-2025', { time: AFTER_CLOSE }),
        /^CONFLICT: election pb-2025 closed at .*no more voting tokens/,
      );
    });

    it('refuses a blind signature that the election key did not make', async () => {
      const { ledger } = civicLedger([ada]);
      await createElection(ledger);
      const { key } = authorityKey();
      const request = prepareVotingToken(key, 'pb-2025');
      // Another authority's key signs the same number (reduced into its own modulus, as it must be).
      const other = authorityKey(1);
      const wrong = signBlinded(
        other.privateKey,
        bigIntToHex(BigInt(`0x${request.blindedMessage}`) % other.key.n || 1n, other.key.k),
      );
      const issue = (blinded: string, signature: string) => () =>
        ledger.submit(authority, (ctx) => contract.IssueVotingToken(ctx, 'pb-2025', ada, blinded, signature));
      await refusedWithoutChange(
        ledger,
        issue(request.blindedMessage, bigIntToHex(BigInt(`0x${wrong}`) % key.n || 1n, key.k)),
        "INVALID_ARGUMENT: blindSignature: is not the election key's signature of blindedMessage",
      );
      await refusedWithoutChange(
        ledger,
        issue('ab', request.blindedMessage),
        /^INVALID_ARGUMENT: blindedMessage: must be 512 hexadecimal digits/,
      );
    });

    it('refuses callers other than the City election authority, and DIDs of another channel', async () => {
      const { ledger } = civicLedger([ada]);
      await createElection(ledger);
      for (const caller of [cityRegistrar, cityBallotBox, citizen, auditor]) {
        await refusedWithoutChange(
          ledger,
          () => ledger.submit(caller, (ctx) => contract.IssueVotingToken(ctx, 'pb-2025', ada, 'x', 'y')),
          /^ACCESS_DENIED: .* may not issue voting tokens/,
        );
      }
      await refusedWithoutChange(
        ledger,
        () =>
          ledger.submit(authority, (ctx) =>
            contract.IssueVotingToken(ctx, 'pb-2025', 'did:cityledger:energy:ada', 'x', 'y'),
          ),
        "INVALID_ARGUMENT: voterDid: must be a DID of channel 'civic', got one of 'energy'",
      );
    });
  });

  describe('CastBallot', () => {
    it('records a ballot through a ballot box and hands back a receipt, naming no voter', async () => {
      const { ledger, tokens } = await openWithTokens(ada);
      const receipt = await castBallot(ledger, tokens[0], ['no']);
      expect(receipt).to.include({ electionId: 'pb-2025', castAt: DURING });
      expect(receipt.nullifier).to.match(/^[0-9a-f]{64}$/);
      expect(receipt.txId).to.match(/^tx\d+$/);
      const ballot = await ledger.evaluate(citizen, (ctx) =>
        contract.GetBallot(ctx, 'pb-2025', receipt.nullifier),
      );
      expect(ballot).to.deep.equal({
        electionId: 'pb-2025',
        nullifier: receipt.nullifier,
        token: tokens[0].token,
        signature: tokens[0].signature,
        choice: ['no'],
        ballotHash: receipt.ballotHash,
        castAt: DURING,
      });
      expect(ledger.lastEvent()).to.deep.include({
        name: 'BallotCast',
        payload: {
          electionId: 'pb-2025',
          nullifier: receipt.nullifier,
          ballotHash: receipt.ballotHash,
          castAt: DURING,
        },
      });
    });

    it('accepts ballots through the community organisations ballot box too', async () => {
      const { ledger, tokens } = await openWithTokens(ada);
      await castBallot(ledger, tokens[0], ['yes'], { caller: communityBallotBox });
      const count = await ledger.evaluate(auditor, (ctx) => contract.GetBallotCount(ctx, 'pb-2025'));
      expect(count).to.deep.equal({ electionId: 'pb-2025', ballots: 1, tokensIssued: 1 });
    });

    it('refuses a second ballot with the same token (double vote)', async () => {
      const { ledger, tokens } = await openWithTokens(ada);
      await castBallot(ledger, tokens[0], ['yes']);
      await refusedWithoutChange(
        ledger,
        () => castBallot(ledger, tokens[0], ['no'], { caller: communityBallotBox }),
        'CONFLICT: this voting token has already been used in election pb-2025',
      );
    });

    it('refuses ballots before the opening time and before the election is opened', async () => {
      const { ledger } = civicLedger([ada]);
      await createElection(ledger);
      const signed = await issueToken(ledger, ada);
      await refusedWithoutChange(
        ledger,
        () => castBallot(ledger, signed, ['yes'], { time: DURING }),
        /^CONFLICT: election pb-2025 is not open yet/,
      );
      await openElection(ledger);
      await refusedWithoutChange(
        ledger,
        () => castBallot(ledger, signed, ['yes'], { time: BEFORE_OPEN }),
        /^CONFLICT: election pb-2025 is not open yet/,
      );
    });

    it('refuses a ballot timestamped after the opening time but before the election was opened', async () => {
      const { ledger } = civicLedger([ada]);
      await createElection(ledger);
      const signed = await issueToken(ledger, ada);
      await ledger.submit({ ...auditor, time: DURING }, (ctx) => contract.OpenElection(ctx, 'pb-2025'));
      await refusedWithoutChange(
        ledger,
        () => castBallot(ledger, signed, ['yes'], { time: '2025-03-01T10:00:00.000Z' }),
        'INVALID_ARGUMENT: txTimestamp: 2025-03-01T10:00:00.000Z is before the opening of election pb-2025 (2025-03-01T12:00:00.000Z); a transaction cannot be timestamped before what the ledger recorded',
      );
    });

    it('refuses ballots at or after the closing time, closed or not', async () => {
      const { ledger, tokens } = await openWithTokens(ada);
      await refusedWithoutChange(
        ledger,
        () => castBallot(ledger, tokens[0], ['yes'], { time: CLOSES }),
        /^CONFLICT: election pb-2025 is closed/,
      );
      await closeElection(ledger);
      await refusedWithoutChange(
        ledger,
        () => castBallot(ledger, tokens[0], ['yes'], { time: DURING }),
        /^CONFLICT: election pb-2025 is closed/,
      );
    });

    it('refuses a forged token: a signature the authority never made', async () => {
      const { ledger } = await openWithTokens(ada);
      const { key } = authorityKey();
      const forged = { token: 'ab'.repeat(32), signature: bigIntToHex(123456789n, key.k) };
      await refusedWithoutChange(
        ledger,
        () => castBallot(ledger, forged, ['yes']),
        'ACCESS_DENIED: the voting token is not signed by the authority of election pb-2025',
      );
    });

    it('refuses a token signed with another key or for another election', async () => {
      const { ledger, tokens } = await openWithTokens(ada);
      const { key } = authorityKey();
      const other = authorityKey(1);
      const request = prepareVotingToken(other.key, 'pb-2025');
      const signature = unblindSignature(
        other.key,
        request,
        signBlinded(other.privateKey, request.blindedMessage),
      );
      const foreign = {
        token: request.token,
        signature: bigIntToHex(BigInt(`0x${signature}`) % key.n, key.k),
      };
      await refusedWithoutChange(ledger, () => castBallot(ledger, foreign, ['yes']), /^ACCESS_DENIED: /);
      const mine = prepareVotingToken(key, 'pb-2024');
      const elsewhere = {
        token: mine.token,
        signature: unblindSignature(key, mine, signBlinded(authorityKey().privateKey, mine.blindedMessage)),
      };
      await refusedWithoutChange(ledger, () => castBallot(ledger, elsewhere, ['yes']), /^ACCESS_DENIED: /);
      // A token's signature with someone else's token is no better.
      const swapped = { token: 'cd'.repeat(32), signature: tokens[0].signature };
      await refusedWithoutChange(ledger, () => castBallot(ledger, swapped, ['yes']), /^ACCESS_DENIED: /);
    });

    it('refuses choices that are not a valid ballot for the rule, naming the field', async () => {
      const { ledger, tokens } = await openWithTokens(ada);
      const cases: [unknown[], string | RegExp][] = [
        [['maybe'], "INVALID_ARGUMENT: choiceJson[0]: 'maybe' is not an option of this election"],
        [['yes', 'no'], 'INVALID_ARGUMENT: choiceJson: must have at most 1 items'],
        [[], 'INVALID_ARGUMENT: choiceJson: must have at least 1 item(s)'],
        [[7], /^INVALID_ARGUMENT: choiceJson\[0\]: must be a string/],
      ];
      for (const [choice, expected] of cases) {
        await refusedWithoutChange(ledger, () => castBallot(ledger, tokens[0], choice as string[]), expected);
      }
      await refusedWithoutChange(
        ledger,
        () =>
          ledger.submit({ ...cityBallotBox, time: DURING }, (ctx) =>
            contract.CastBallot(ctx, 'pb-2025', 'xyz', 'aa', '["yes"]'),
          ),
        /^INVALID_ARGUMENT: token: must be 64 hexadecimal digits/,
      );
      await refusedWithoutChange(
        ledger,
        () =>
          ledger.submit({ ...cityBallotBox, time: DURING }, (ctx) =>
            contract.CastBallot(ctx, 'pb-2025', tokens[0].token, tokens[0].signature, '{"yes":1}'),
          ),
        /^INVALID_ARGUMENT: choiceJson: must be a JSON array/,
      );
    });

    it('records approval choices in the election order and refuses repeats and too many', async () => {
      const { ledger } = civicLedger([ada]);
      await createElection(ledger, { rule: 'budget-allocation', maxSelections: '2' });
      const signed = await issueToken(ledger, ada);
      await openElection(ledger);
      await refusedWithoutChange(
        ledger,
        () => castBallot(ledger, signed, ['trees', 'trees']),
        /^INVALID_ARGUMENT: choiceJson\[1\]: duplicates an earlier item/,
      );
      await refusedWithoutChange(
        ledger,
        () => castBallot(ledger, signed, ['trees', 'park', 'bikes']),
        'INVALID_ARGUMENT: choiceJson: must have at most 2 items',
      );
      const receipt = await castBallot(ledger, signed, ['trees', 'park']);
      const ballot = await ledger.evaluate(auditor, (ctx) =>
        contract.GetBallot(ctx, 'pb-2025', receipt.nullifier),
      );
      expect(ballot.choice).to.deep.equal(['park', 'trees']);
    });

    for (const [who, caller] of [
      ["the voter's own identity", citizen],
      ['the election authority', authority],
      ['the auditor', auditor],
      ['a ballot box role outside the civic ballot-box orgs', { mspId: 'AuditorMSP', role: 'ballot-box' }],
    ] as const) {
      it(`refuses ballots submitted by ${who}`, async () => {
        const { ledger, tokens } = await openWithTokens(ada);
        await refusedWithoutChange(
          ledger,
          () => castBallot(ledger, tokens[0], ['yes'], { caller }),
          /^ACCESS_DENIED: .* may not cast ballots/,
        );
      });
    }
  });

  describe('CloseElection', () => {
    it('lets any channel member close the ballot box once the closing time has passed', async () => {
      const { ledger } = await openWithTokens();
      const election = await closeElection(ledger);
      expect(election).to.deep.include({ status: 'closed', closedAt: AFTER_CLOSE });
      expect(ledger.lastEvent()).to.deep.include({
        name: 'ElectionClosed',
        payload: { electionId: 'pb-2025', closedAt: AFTER_CLOSE, closesAt: CLOSES },
      });
    });

    it('closes an election that was never opened', async () => {
      const { ledger } = civicLedger();
      await createElection(ledger);
      expect((await closeElection(ledger)).status).to.equal('closed');
    });

    it('refuses to close early or twice, and refuses outsiders', async () => {
      const { ledger } = await openWithTokens();
      await refusedWithoutChange(
        ledger,
        () => ledger.submit({ ...auditor, time: DURING }, (ctx) => contract.CloseElection(ctx, 'pb-2025')),
        /^CONFLICT: election pb-2025 closes at /,
      );
      await refusedWithoutChange(
        ledger,
        () =>
          ledger.submit({ ...utilityOperator, time: AFTER_CLOSE }, (ctx) =>
            contract.CloseElection(ctx, 'pb-2025'),
          ),
        /^ACCESS_DENIED: /,
      );
      await closeElection(ledger);
      await refusedWithoutChange(
        ledger,
        () => closeElection(ledger),
        'CONFLICT: election pb-2025 is already closed',
      );
    });
  });

  describe('timestamps the election records contradict', () => {
    it('refuses a tally timestamped before the recorded close', async () => {
      const { ledger } = await openWithTokens();
      await ledger.submit({ ...community, time: '2025-03-01T21:00:00.000Z' }, (ctx) =>
        contract.CloseElection(ctx, 'pb-2025'),
      );
      await refusedWithoutChange(
        ledger,
        () =>
          ledger.submit({ ...auditor, time: AFTER_CLOSE }, (ctx) => contract.TallyElection(ctx, 'pb-2025')),
        /^INVALID_ARGUMENT: txTimestamp: 2025-03-01T20:00:00\.000Z is before the close of election pb-2025 \(2025-03-01T21:00:00\.000Z\)/,
      );
    });
  });

  describe('TallyElection and receipts', () => {
    async function votedAndClosed() {
      const { ledger, tokens } = await openWithTokens(ada, bob, eve);
      const receipts = [
        await castBallot(ledger, tokens[0], ['yes']),
        await castBallot(ledger, tokens[1], ['no'], { caller: communityBallotBox }),
        await castBallot(ledger, tokens[2], ['yes']),
      ];
      await closeElection(ledger);
      return { ledger, receipts };
    }

    const tally = (ledger: FakeLedger, caller: TxOptions = auditor) =>
      ledger.submit({ ...caller, time: '2025-03-02T00:00:00.000Z' }, (ctx) =>
        contract.TallyElection(ctx, 'pb-2025'),
      );

    it('publishes counts, winners and the Merkle root of the counted ballots', async () => {
      const { ledger, receipts } = await votedAndClosed();
      const result = await tally(ledger, community);
      expect(result).to.deep.include({
        electionId: 'pb-2025',
        rule: 'plurality',
        ballotsCounted: 3,
        tokensIssued: 3,
        ballotsWithinTokens: true,
        winners: ['yes'],
        tie: false,
        talliedAt: '2025-03-02T00:00:00.000Z',
        talliedByMsp: 'CommunityMSP',
      });
      expect(result.counts).to.deep.equal([
        { optionId: 'yes', label: 'Yes', votes: 2 },
        { optionId: 'no', label: 'No', votes: 1 },
      ]);
      expect(result.merkleRoot).to.match(/^[0-9a-f]{64}$/);
      expect(ledger.lastEvent()).to.deep.include({
        name: 'ElectionTallied',
        payload: {
          electionId: 'pb-2025',
          rule: 'plurality',
          ballotsCounted: 3,
          tokensIssued: 3,
          counts: [
            { optionId: 'yes', votes: 2 },
            { optionId: 'no', votes: 1 },
          ],
          winners: ['yes'],
          tie: false,
          merkleRoot: result.merkleRoot,
          talliedAt: '2025-03-02T00:00:00.000Z',
        },
      });
      const published = await ledger.evaluate(citizen, (ctx) => contract.GetResult(ctx, 'pb-2025'));
      expect(published).to.deep.equal(result);
      const election = await ledger.evaluate(citizen, (ctx) => contract.GetElection(ctx, 'pb-2025'));
      expect(election).to.deep.include({ status: 'tallied', talliedAt: '2025-03-02T00:00:00.000Z' });
      expect(receipts).to.have.length(3);
    });

    it('lets anyone recompute the same result from the ballot records', async () => {
      const { ledger } = await votedAndClosed();
      const result = await tally(ledger);
      const recomputed = await ledger.evaluate(citizen, (ctx) => contract.RecomputeTally(ctx, 'pb-2025'));
      const { talliedAt: _a, talliedByMsp: _b, ...rest } = recomputed;
      expect(result).to.deep.include(rest);
    });

    it("proves each voter's receipt against the published root", async () => {
      const { ledger, receipts } = await votedAndClosed();
      const result = await tally(ledger);
      for (const receipt of receipts) {
        const check = await ledger.evaluate(citizen, (ctx) =>
          contract.VerifyReceipt(ctx, 'pb-2025', receipt.nullifier, receipt.ballotHash),
        );
        expect(check).to.deep.include({ counted: true, treeSize: 3, merkleRoot: result.merkleRoot });
        // The voter needs no trust in the peer: the path recomputes the published root.
        expect(rootFromAuditPath(receipt.ballotHash, check.leafIndex!, 3, check.auditPath)).to.equal(
          result.merkleRoot,
        );
      }
    });

    it('says why a receipt does not check out', async () => {
      const { ledger, receipts } = await votedAndClosed();
      const verify = (nullifier: string, hash: string) =>
        ledger.evaluate(citizen, (ctx) => contract.VerifyReceipt(ctx, 'pb-2025', nullifier, hash));
      expect(await verify(receipts[0].nullifier, receipts[0].ballotHash)).to.deep.include({
        counted: false,
        reason: 'not-tallied',
      });
      await tally(ledger);
      expect(await verify('00'.repeat(32), receipts[0].ballotHash)).to.deep.include({
        reason: 'unknown-ballot',
      });
      expect(await verify(receipts[0].nullifier, receipts[1].ballotHash)).to.deep.include({
        counted: false,
        reason: 'ballot-hash-mismatch',
      });
      expect(await failure(verify('xyz', receipts[0].ballotHash))).to.match(/^INVALID_ARGUMENT: nullifier: /);
    });

    it('refuses to tally before the close or twice, and refuses outsiders', async () => {
      const { ledger } = await openWithTokens(ada);
      await refusedWithoutChange(
        ledger,
        () => tally(ledger),
        'CONFLICT: election pb-2025 is open; close it first',
      );
      await closeElection(ledger);
      await refusedWithoutChange(ledger, () => tally(ledger, utilityOperator), /^ACCESS_DENIED: /);
      await tally(ledger);
      await refusedWithoutChange(
        ledger,
        () => tally(ledger),
        'CONFLICT: election pb-2025 is already tallied',
      );
    });

    it('has no result before the tally, and refuses recomputation while voting runs', async () => {
      const { ledger } = await openWithTokens(ada);
      expect(await failure(ledger.evaluate(citizen, (ctx) => contract.GetResult(ctx, 'pb-2025')))).to.equal(
        'NOT_FOUND: the result of election pb-2025 does not exist',
      );
      expect(
        await failure(ledger.evaluate(citizen, (ctx) => contract.RecomputeTally(ctx, 'pb-2025'))),
      ).to.match(/^CONFLICT: election pb-2025 is open; results exist only after the close/);
    });

    it('funds the participatory budget by votes until the money runs out', async () => {
      const voters = ['v1', 'v2', 'v3', 'v4', 'v5'].map(voterDid);
      const { ledger } = civicLedger(voters);
      await createElection(ledger, { rule: 'budget-allocation' });
      const tokens: SignedToken[] = [];
      for (const did of voters) tokens.push(await issueToken(ledger, did));
      await openElection(ledger);
      const choices = [
        ['park', 'bikes'],
        ['park', 'library'],
        ['bikes'],
        ['bikes', 'trees'],
        ['library', 'park'],
      ];
      for (let i = 0; i < voters.length; i += 1) await castBallot(ledger, tokens[i], choices[i]);
      await closeElection(ledger);
      const result = await tally(ledger);
      // park 3, bikes 3, library 2, trees 1; park before bikes (cheaper); bikes (120000) does not fit the 50000 left.
      expect(result.winners).to.deep.equal(['park', 'library']);
      expect(result.budgetSpent).to.equal(80000);
      expect(result.totalBudget).to.equal(100000);
      expect(result.counts.map((c) => [c.optionId, c.votes, c.funded])).to.deep.equal([
        ['park', 3, true],
        ['bikes', 3, false],
        ['library', 2, true],
        ['trees', 1, false],
      ]);
    });
  });

  describe('queries', () => {
    it('lists elections and ballots a page at a time', async () => {
      const { ledger, tokens } = await openWithTokens(ada, bob);
      await createElection(ledger, { electionId: 'consultation-1' });
      for (const t of tokens) await castBallot(ledger, t, ['yes']);
      const elections = await ledger.evaluate(citizen, (ctx) => contract.ListElections(ctx, '1', ''));
      expect(elections.records.map((e) => e.electionId)).to.deep.equal(['consultation-1']);
      const next = await ledger.evaluate(citizen, (ctx) =>
        contract.ListElections(ctx, '1', elections.bookmark),
      );
      expect(next.records.map((e) => [e.electionId, e.status])).to.deep.equal([['pb-2025', 'open']]);
      const ballots = await ledger.evaluate(citizen, (ctx) => contract.ListBallots(ctx, 'pb-2025', '10', ''));
      expect(ballots.records).to.have.length(2);
      expect(ballots.bookmark).to.equal('');
      const nullifiers = ballots.records.map((b) => b.nullifier);
      expect(nullifiers).to.deep.equal([...nullifiers].sort());
    });

    it('answers NOT_FOUND for unknown elections, issuances and ballots', async () => {
      const { ledger } = civicLedger();
      expect(await failure(ledger.evaluate(citizen, (ctx) => contract.GetElection(ctx, 'nope')))).to.equal(
        'NOT_FOUND: election nope does not exist',
      );
      await createElection(ledger);
      expect(
        await failure(
          ledger.evaluate(citizen, (ctx) => contract.GetVotingTokenIssuance(ctx, 'pb-2025', ada)),
        ),
      ).to.match(/^NOT_FOUND: the voting token of did:cityledger:civic:ada/);
      expect(
        await failure(ledger.evaluate(citizen, (ctx) => contract.GetBallot(ctx, 'pb-2025', '0'.repeat(64)))),
      ).to.match(/^NOT_FOUND: ballot /);
    });
  });

  describe('invariants', () => {
    // Tokens are expensive to sign (2048-bit RSA in BigInt), so a pool is signed once and reused
    // across runs: every run uses a fresh ledger, so each token is fresh to it.
    const pool: { did: string; request: ReturnType<typeof prepareVotingToken>; blindSignature: string }[] =
      [];
    before(() => {
      const { key, privateKey } = authorityKey();
      for (let i = 0; i < 6; i += 1) {
        const request = prepareVotingToken(key, 'pb-2025');
        pool.push({
          did: voterDid(`voter${i}`),
          request,
          blindSignature: signBlinded(privateKey, request.blindedMessage),
        });
      }
    });

    it('counts each token at most once, matches an independent count and never records who voted', async () => {
      const { key } = authorityKey();
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({ voter: fc.integer({ min: 0, max: 5 }), choice: fc.constantFrom('yes', 'no') }),
            {
              maxLength: 12,
            },
          ),
          async (attempts) => {
            const { ledger } = civicLedger(pool.map((p) => p.did));
            await createElection(ledger);
            const issued = new Set<number>();
            for (const { voter } of attempts) {
              if (issued.has(voter)) continue;
              issued.add(voter);
              const p = pool[voter];
              await ledger.submit({ ...authority, user: 'returning-officer' }, (ctx) =>
                contract.IssueVotingToken(ctx, 'pb-2025', p.did, p.request.blindedMessage, p.blindSignature),
              );
            }
            await openElection(ledger);
            const expected = { yes: 0, no: 0 };
            const voted = new Set<number>();
            for (const { voter, choice } of attempts) {
              const p = pool[voter];
              const signed = {
                token: p.request.token,
                signature: unblindSignature(key, p.request, p.blindSignature),
              };
              const outcome = await castBallot(ledger, signed, [choice]).then(
                () => 'ok',
                (err: Error) => err.message,
              );
              if (voted.has(voter)) {
                expect(outcome).to.match(/^CONFLICT: this voting token has already been used/);
              } else {
                expect(outcome).to.equal('ok');
                voted.add(voter);
                expected[choice] += 1;
              }
            }
            await closeElection(ledger);
            const result: ElectionResult = await ledger.submit(auditor, (ctx) =>
              contract.TallyElection(ctx, 'pb-2025'),
            );
            expect(result.counts.map((c) => c.votes)).to.deep.equal([expected.yes, expected.no]);
            expect(result.ballotsCounted).to.equal(voted.size);
            expect(result.tokensIssued).to.equal(issued.size);

            const ballots = ledger.keys('ballot').map((k) => ledger.getJson(k) as Ballot);
            const texts = [
              ...ballots.map((b) => JSON.stringify(b)),
              ...ledger.events.map((e) => JSON.stringify(e)),
            ];
            for (const p of pool) {
              expect(texts.some((t) => t.includes(p.did))).to.equal(false);
            }
            expect(texts.some((t) => t.includes('CN=ada') || t.includes('returning-officer'))).to.equal(
              false,
            );
          },
        ),
        { numRuns: 15 },
      );
    });
  });
});
