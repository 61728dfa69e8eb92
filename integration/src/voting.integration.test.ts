/**
 * The voting contract on the embedded network of the real consortium (network/consortium.yaml):
 * the identity chaincode beside it for eligibility credentials, real X.509 identities with role
 * attributes, the `AND('CityMSP.peer', OR('CommunityMSP.peer', 'AuditorMSP.peer'))` policy,
 * MVCC validation and chaincode events — the typical flow of docs/contracts/voting.md end to end.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { canonicalJson } from '@cityledger/chaincode-common';
import { contracts as identityContracts } from '@cityledger/chaincode-identity';
import {
  type Ballot,
  ballotHashOf,
  type BallotPage,
  type BallotReceipt,
  contracts,
  type Election,
  type ElectionResult,
  nullifierOf,
  type ReceiptCheck,
  type VotingTokenIssuance,
} from '@cityledger/chaincode-voting';
import {
  CommitError,
  EndorseError,
  type EmbeddedNetwork,
  type EndorsedTransaction,
  type Signer,
  type SubmitResult,
} from '@cityledger/network';
import { ManualClock, rejectionOf, startConsortiumNetwork } from '@cityledger/network/testing';
import { merkleRoot, rootFromAuditPath } from '@cityledger/proofs';
import {
  parseRsaPublicKeyPem,
  prepareVotingToken,
  signBlinded,
  unblindSignature,
  verifyTokenSignature,
  type RsaPublicKey,
  type VotingTokenRequest,
} from '@cityledger/voter';
import { expect } from 'chai';
import { ChaincodeEvents } from './testing/chaincode-events';
import { registerPersonOnNetwork } from './testing/register-person';

const CIVIC = 'civic';
const ELECTION = 'pb-2025';
/** Long enough for issuing, opening and casting on the embedded network; the close waits for it. */
const VOTING_WINDOW_MS = 5000;

const OPTIONS = [
  { optionId: 'park', label: 'Pocket park', cost: 50000 },
  { optionId: 'bikes', label: 'Bike lanes', cost: 120000 },
  { optionId: 'library', label: 'Library hours', cost: 30000 },
  { optionId: 'trees', label: 'Street trees', cost: 40000 },
];

/** The five ballots of the worked example in docs/contracts/voting.md, one per voter. */
const CHOICES: Record<string, string[]> = {
  ada: ['park', 'bikes'],
  grace: ['park', 'library'],
  katherine: ['bikes'],
  dorothy: ['bikes', 'trees'],
  mary: ['park', 'library'],
};
/** Eligible and given a token, but casts only after the close. */
const LATE_VOTER = 'hedy';
const VOTERS = [...Object.keys(CHOICES), LATE_VOTER];

interface Voter {
  name: string;
  did: string;
  request: VotingTokenRequest;
  signature: string;
}

function didOf(name: string): string {
  return `did:cityledger:civic:${name}`;
}

function personalData(name: string) {
  return {
    name,
    birthDate: '1990-01-01',
    address: `${name} House, 1 Main Street`,
    salt: createHash('sha256').update(name).digest('hex'),
  };
}

/** Whether the endorsing organisations satisfy voting's policy in consortium.yaml. */
function satisfiesVotingPolicy(orgs: readonly string[]): boolean {
  return orgs.includes('CityMSP') && (orgs.includes('CommunityMSP') || orgs.includes('AuditorMSP'));
}

describe('voting chaincode on the embedded consortium network', function () {
  this.timeout(30000);

  // Transaction time comes from this clock: an election closes when the test moves it, not when
  // the wall clock gets there.
  const clock = new ManualClock();
  let network: EmbeddedNetwork;
  let cleanup: () => Promise<void>;
  let cityRegistrar: Signer;
  let authority: Signer;
  let cityBallotBox: Signer;
  let communityBallotBox: Signer;
  let auditor: Signer;
  let communityOperator: Signer;
  let citizen: Signer;
  let privateKey: KeyObject;
  let publicKeyPem: string;
  let events: ChaincodeEvents;

  const request = (fn: string, args: string[]) => ({
    channel: CIVIC,
    chaincode: 'voting',
    function: fn,
    args,
  });
  const submit = (user: Signer, fn: string, args: string[]) => network.submit(user, request(fn, args));
  const evaluate = async <T>(user: Signer, fn: string, args: string[]): Promise<T> =>
    JSON.parse((await network.evaluate(user, request(fn, args))).toString()) as T;
  const eventOf = (txId: string) => events.of(txId);
  const endorsersOf = async (txId: string): Promise<string[]> => {
    const details = await network.getTransaction(CIVIC, txId);
    expect(details?.validationCodeName, txId).to.equal('VALID');
    return details!.endorsements.map((e) => e.mspId).sort();
  };
  const createElection = (
    user: Signer,
    electionId: string,
    opensAt: string,
    closesAt: string,
    keyPem = publicKeyPem,
  ) =>
    submit(user, 'CreateElection', [
      electionId,
      'Participatory budget 2025',
      '',
      'budget-allocation',
      JSON.stringify(OPTIONS),
      '100000',
      '3',
      '',
      opensAt,
      closesAt,
      keyPem,
    ]);
  /** The voter's app and the authority: a blinded token, its blind signature on the ledger, unblinded. */
  const issueTokenRequest = (key: RsaPublicKey, electionId: string, name: string) => {
    const tokenRequest = prepareVotingToken(key, electionId);
    const blindSignature = signBlinded(privateKey, tokenRequest.blindedMessage);
    return {
      tokenRequest,
      blindSignature,
      args: [electionId, didOf(name), tokenRequest.blindedMessage, blindSignature],
    };
  };
  const expectAccessDenied = async (user: Signer, fn: string, args: string[], reason?: RegExp) => {
    const height = network.height(CIVIC);
    const error = await rejectionOf(submit(user, fn, args));
    expect(error).to.be.instanceOf(EndorseError);
    const message = (error as unknown as EndorseError).chaincodeMessage;
    expect(message).to.match(/^ACCESS_DENIED: /);
    if (reason) expect(message).to.match(reason);
    expect(network.height(CIVIC)).to.equal(height);
  };

  before(async () => {
    ({ network, cleanup } = await startConsortiumNetwork(
      { identity: identityContracts, voting: contracts },
      { now: clock.now },
    ));
    cityRegistrar = await network.crypto.enrollUser('CityMSP', 'city-registrar', { role: 'registrar' });
    authority = await network.crypto.enrollUser('CityMSP', 'returning-officer', {
      role: 'election-authority',
    });
    cityBallotBox = await network.crypto.enrollUser('CityMSP', 'city-ballot-box', { role: 'ballot-box' });
    communityBallotBox = await network.crypto.enrollUser('CommunityMSP', 'community-ballot-box', {
      role: 'ballot-box',
    });
    auditor = await network.crypto.enrollUser('AuditorMSP', 'auditor', { role: 'auditor' });
    communityOperator = await network.crypto.enrollUser('CommunityMSP', 'community-operator', {
      role: 'operator',
    });
    citizen = await network.crypto.enrollUser('CityMSP', 'ada', { role: 'citizen', did: didOf('ada') });
    events = ChaincodeEvents.follow(network, [CIVIC]);

    // Citizens on the identity chaincode; all but 'outsider' hold an eligible-voter credential.
    for (const name of [...VOTERS, 'outsider']) {
      await registerPersonOnNetwork(network, cityRegistrar, CIVIC, name, personalData(name));
    }
    for (const name of VOTERS) {
      await network.submit(cityRegistrar, {
        channel: CIVIC,
        chaincode: 'identity',
        function: 'IssueCredential',
        args: [`voter-${name}`, didOf(name), 'eligible-voter', '', '2099-01-01T00:00:00Z', ''],
      });
    }
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    privateKey = keys.privateKey;
    publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  });

  after(async () => {
    events?.stop();
    await cleanup?.();
  });

  describe('a participatory budget from creation to verified receipts', () => {
    let election: Election;
    let closesAt: string;
    const voters = new Map<string, Voter>();
    const txIds: Record<string, string[]> = {};
    let issuances: SubmitResult[];
    let ballots: SubmitResult[];
    const receipts = new Map<string, BallotReceipt>();
    let doubleVoteAtOnce: Array<PromiseSettledResult<SubmitResult>>;
    let doubleVoteLater: Error;
    let lateBallot: Error;
    let result: SubmitResult;
    let published: ElectionResult;

    const record = (step: string, ...results: SubmitResult[]) => {
      txIds[step] = [...(txIds[step] ?? []), ...results.map((r) => r.txId)];
    };
    const endorseBallot = (box: Signer, voter: Voter, choice: string[]): Promise<EndorsedTransaction> =>
      network.endorse(
        box,
        request('CastBallot', [ELECTION, voter.request.token, voter.signature, JSON.stringify(choice)]),
      );

    before(async () => {
      const start = clock.now();
      const opensAt = new Date(start - 60_000).toISOString();
      closesAt = new Date(start + VOTING_WINDOW_MS).toISOString();
      const created = await createElection(authority, ELECTION, opensAt, closesAt);
      record('CreateElection', created);
      election = JSON.parse(created.result.toString()) as Election;
      const key = parseRsaPublicKeyPem('tokenKeyPem', election.tokenKeyPem);

      // Token issuance for every voter at once: endorsed first, then ordered together.
      const prepared = VOTERS.map((name) => ({ name, ...issueTokenRequest(key, ELECTION, name) }));
      const endorsedIssuances = await Promise.all(
        prepared.map(({ args }) => network.endorse(authority, request('IssueVotingToken', args))),
      );
      issuances = await Promise.all(endorsedIssuances.map((e) => network.submitEndorsed(e)));
      record('IssueVotingToken', ...issuances);
      for (const { name, tokenRequest } of prepared) {
        // The voter's app reads its blind signature back from the ledger and unblinds it.
        const issuance = await evaluate<VotingTokenIssuance>(auditor, 'GetVotingTokenIssuance', [
          ELECTION,
          didOf(name),
        ]);
        const signature = unblindSignature(key, tokenRequest, issuance.blindSignature);
        voters.set(name, { name, did: didOf(name), request: tokenRequest, signature });
      }

      record('OpenElection', await submit(communityOperator, 'OpenElection', [ELECTION]));

      // Four voters through the two ballot boxes at once; the fifth's token is sent twice at once.
      const [first, second, third, fourth, fifth] = Object.keys(CHOICES).map((name) => voters.get(name)!);
      const endorsedBallots = await Promise.all([
        endorseBallot(cityBallotBox, first!, CHOICES[first!.name]!),
        endorseBallot(communityBallotBox, second!, CHOICES[second!.name]!),
        endorseBallot(cityBallotBox, third!, CHOICES[third!.name]!),
        endorseBallot(communityBallotBox, fourth!, CHOICES[fourth!.name]!),
      ]);
      const endorsedTwice = await Promise.all([
        endorseBallot(cityBallotBox, fifth!, CHOICES[fifth!.name]!),
        endorseBallot(communityBallotBox, fifth!, CHOICES[fifth!.name]!),
      ]);
      [ballots, doubleVoteAtOnce] = await Promise.all([
        Promise.all(endorsedBallots.map((e) => network.submitEndorsed(e))),
        Promise.allSettled(endorsedTwice.map((e) => network.submitEndorsed(e))),
      ]);
      const fifthBallot = doubleVoteAtOnce.find((s) => s.status === 'fulfilled')?.value;
      record('CastBallot', ...ballots, ...(fifthBallot ? [fifthBallot] : []));
      for (const [i, voter] of [first, second, third, fourth].entries()) {
        receipts.set(voter!.name, JSON.parse(ballots[i]!.result.toString()) as BallotReceipt);
      }
      if (fifthBallot) receipts.set(fifth!.name, JSON.parse(fifthBallot.result.toString()) as BallotReceipt);
      doubleVoteLater = await rejectionOf(endorseBallot(communityBallotBox, first!, ['trees']));

      // A ballot endorsed while the election is open but ordered after the close.
      const late = await endorseBallot(cityBallotBox, voters.get(LATE_VOTER)!, ['trees']);
      clock.reach(Date.parse(closesAt) + 20);
      record('CloseElection', await submit(auditor, 'CloseElection', [ELECTION]));
      lateBallot = await rejectionOf(network.submitEndorsed(late));

      result = await submit(communityOperator, 'TallyElection', [ELECTION]);
      record('TallyElection', result);
      published = JSON.parse(result.result.toString()) as ElectionResult;
    });

    it('has every step endorsed by the City and an independent peer that the client chose from the policy', async () => {
      for (const [step, ids] of Object.entries(txIds)) {
        for (const txId of ids) {
          const orgs = await endorsersOf(txId);
          expect(satisfiesVotingPolicy(orgs), `${step}: ${orgs.join(', ')}`).to.equal(true);
          expect(orgs, step).to.have.lengthOf(2);
        }
      }
      expect(Object.keys(txIds)).to.have.members([
        'CreateElection',
        'IssueVotingToken',
        'OpenElection',
        'CastBallot',
        'CloseElection',
        'TallyElection',
      ]);
    });

    it('commits token issuances and ballots of different voters submitted at once without MVCC conflicts', () => {
      expect(issuances).to.have.lengthOf(VOTERS.length);
      expect(ballots).to.have.lengthOf(4);
      // submitEndorsed resolves only for VALID transactions; they share blocks rather than queueing.
      expect(new Set(issuances.map((r) => r.blockNumber)).size).to.be.lessThan(issuances.length);
      expect(new Set(ballots.map((r) => r.blockNumber)).size).to.be.lessThan(ballots.length);
    });

    it('lets one of two ballots with the same token commit and fails the other on MVCC', () => {
      const outcomes = doubleVoteAtOnce.map((s) => s.status).sort();
      expect(outcomes).to.deep.equal(['fulfilled', 'rejected']);
      const failure = doubleVoteAtOnce.find((s) => s.status === 'rejected') as PromiseRejectedResult;
      expect(failure.reason).to.be.instanceOf(CommitError);
      expect((failure.reason as CommitError).validationCodeName).to.equal('MVCC_READ_CONFLICT');
    });

    it('refuses a token that was already used in a committed ballot', () => {
      expect(doubleVoteLater).to.be.instanceOf(EndorseError);
      expect((doubleVoteLater as EndorseError).chaincodeMessage).to.equal(
        `CONFLICT: this voting token has already been used in election ${ELECTION}`,
      );
    });

    it('invalidates a ballot endorsed before the close and ordered after it', () => {
      expect(lateBallot).to.be.instanceOf(CommitError);
      expect((lateBallot as CommitError).validationCodeName).to.equal('MVCC_READ_CONFLICT');
    });

    it('counts one ballot per voter and funds the proposals of the worked example', async () => {
      expect(published).to.include({
        electionId: ELECTION,
        rule: 'budget-allocation',
        ballotsCounted: 5,
        tokensIssued: VOTERS.length,
        ballotsWithinTokens: true,
        tie: false,
        totalBudget: 100000,
        budgetSpent: 80000,
        talliedByMsp: 'CommunityMSP',
      });
      expect(
        published.counts.map(({ optionId, votes, funded }) => ({ optionId, votes, funded })),
      ).to.deep.equal([
        { optionId: 'park', votes: 3, funded: true },
        { optionId: 'bikes', votes: 3, funded: false },
        { optionId: 'library', votes: 2, funded: true },
        { optionId: 'trees', votes: 1, funded: false },
      ]);
      expect(published.winners).to.deep.equal(['park', 'library']);
      expect(await evaluate<ElectionResult>(auditor, 'GetResult', [ELECTION])).to.deep.equal(published);
      expect((await evaluate<Election>(auditor, 'GetElection', [ELECTION])).status).to.equal('tallied');
    });

    it('lets any channel member recompute the published tally from the ballot records', async () => {
      for (const reader of [auditor, communityOperator]) {
        const recomputed = await evaluate<ElectionResult>(reader, 'RecomputeTally', [ELECTION]);
        const { talliedAt: _a, talliedByMsp: _b, ...counted } = published;
        const { talliedAt: _c, talliedByMsp: _d, ...again } = recomputed;
        expect(again).to.deep.equal(counted);
      }

      // Independently of the contract: every ballot's token signature, nullifier, leaf and count.
      const page = await evaluate<BallotPage>(auditor, 'ListBallots', [ELECTION, '200', '']);
      const key = parseRsaPublicKeyPem('tokenKeyPem', election.tokenKeyPem);
      const votes = new Map(OPTIONS.map((o) => [o.optionId, 0]));
      for (const ballot of page.records) {
        expect(verifyTokenSignature(key, ELECTION, ballot.token, BigInt(`0x${ballot.signature}`))).to.equal(
          true,
        );
        expect(ballot.nullifier).to.equal(nullifierOf(ELECTION, ballot.token));
        for (const optionId of ballot.choice) votes.set(optionId, votes.get(optionId)! + 1);
      }
      expect(Object.fromEntries(votes)).to.deep.equal(
        Object.fromEntries(published.counts.map((c) => [c.optionId, c.votes])),
      );
      const leaves = page.records.map((b) => ballotHashOf(ELECTION, b.nullifier, b.choice));
      expect(merkleRoot(leaves)).to.equal(published.merkleRoot);
    });

    it("verifies each voter's receipt against the published Merkle root", async () => {
      expect(receipts.size).to.equal(5);
      for (const [name, receipt] of receipts) {
        const check = await evaluate<ReceiptCheck>(communityOperator, 'VerifyReceipt', [
          ELECTION,
          receipt.nullifier,
          receipt.ballotHash,
        ]);
        expect(check.counted, name).to.equal(true);
        expect(
          rootFromAuditPath(receipt.ballotHash, check.leafIndex!, check.treeSize!, check.auditPath),
        ).to.equal(published.merkleRoot);
      }
      const late = voters.get(LATE_VOTER)!;
      const lateCheck = await evaluate<ReceiptCheck>(auditor, 'VerifyReceipt', [
        ELECTION,
        nullifierOf(ELECTION, late.request.token),
        ballotHashOf(ELECTION, nullifierOf(ELECTION, late.request.token), ['trees']),
      ]);
      expect(lateCheck).to.include({ counted: false, reason: 'unknown-ballot' });
    });

    it('keeps voters out of the ballots, their events and their transaction creators', async () => {
      // Voter names are checked in the certificate subject only: hex values may contain 'ada' by chance.
      const dids = [...voters.values()].map((v) => v.did);
      for (const txId of txIds.CastBallot!) {
        const details = await network.getTransaction(CIVIC, txId);
        expect(details!.creator.subject).to.match(/CN=(city|community)-ballot-box\b/);
        for (const name of [...voters.keys(), 'did:']) expect(details!.creator.subject).to.not.include(name);
        const ballot = await evaluate<Ballot>(auditor, 'GetBallot', [
          ELECTION,
          (JSON.parse(details!.response!.payload) as BallotReceipt).nullifier,
        ]);
        for (const text of [
          JSON.stringify(details!.args),
          JSON.stringify(ballot),
          (await eventOf(txId)).payload,
        ]) {
          for (const did of dids) expect(text, did).to.not.include(did);
        }
      }
      for (const txId of [...txIds.IssueVotingToken!, ...txIds.TallyElection!]) {
        const payload = (await eventOf(txId)).payload;
        for (const voter of voters.values()) expect(payload).to.not.include(voter.did);
      }
    });

    it('emits BallotCast and ElectionTallied with the documented payloads', async () => {
      const [first] = ballots;
      const receipt = JSON.parse(first!.result.toString()) as BallotReceipt;
      const cast = await eventOf(first!.txId);
      expect(cast.name).to.equal('BallotCast');
      expect(cast.payload).to.equal(
        canonicalJson({
          electionId: ELECTION,
          nullifier: receipt.nullifier,
          ballotHash: receipt.ballotHash,
          castAt: receipt.castAt,
        }),
      );

      const tallied = await eventOf(result.txId);
      expect(tallied.name).to.equal('ElectionTallied');
      expect(JSON.parse(tallied.payload)).to.deep.equal({
        electionId: ELECTION,
        rule: 'budget-allocation',
        ballotsCounted: 5,
        tokensIssued: VOTERS.length,
        counts: published.counts.map(({ optionId, votes, funded }) => ({ optionId, votes, funded })),
        winners: ['park', 'library'],
        tie: false,
        budgetSpent: 80000,
        merkleRoot: published.merkleRoot,
        talliedAt: published.talliedAt,
      });
      expect(tallied.payload).to.equal(canonicalJson(JSON.parse(tallied.payload)));

      const issued = await eventOf(issuances[0]!.txId);
      expect(issued).to.deep.equal({
        name: 'VotingTokenIssued',
        payload: canonicalJson({
          electionId: ELECTION,
          issuedAt: (JSON.parse(issuances[0]!.result.toString()) as VotingTokenIssuance).issuedAt,
        }),
      });
    });
  });

  describe('thirty voters at once: concurrency without MVCC conflicts, and no voter on the ledger', () => {
    const CROWD_ELECTION = 'pb-crowd';
    /**
     * Covers issuing 30 tokens, opening and casting 30 ballots on the embedded network (about a
     * second); the close waits for it, so it bounds this block's run time.
     */
    const CROWD_WINDOW_MS = 3000;
    /** Names with letters outside 0-9a-f, so no hex value (token, signature, hash) can contain one by chance. */
    const CROWD = Array.from({ length: 30 }, (_, i) => `resident-${String(i + 1).padStart(2, '0')}`);
    /** The worked example's five ballots, six times over. */
    const PATTERNS = Object.values(CHOICES);
    const choiceOf = (i: number): string[] => PATTERNS[i % PATTERNS.length]!;
    const boxOf = (i: number): Signer => (i % 2 === 0 ? cityBallotBox : communityBallotBox);

    const txIds: Record<string, string[]> = {};
    let registrations: SubmitResult[];
    let credentials: SubmitResult[];
    let issuances: SubmitResult[];
    let ballotTxIds: string[];
    let ballots: Array<PromiseSettledResult<SubmitResult>>;
    let published: ElectionResult;
    let countWhileOpen: { ballots: number; tokensIssued: number };

    const record = (step: string, ...results: SubmitResult[]) => {
      txIds[step] = [...(txIds[step] ?? []), ...results.map((r) => r.txId)];
    };
    const identityRequest = (fn: string, args: string[], transient?: Record<string, string>) => ({
      channel: CIVIC,
      chaincode: 'identity',
      function: fn,
      args,
      ...(transient ? { transient } : {}),
    });
    const committed = (settled: Array<PromiseSettledResult<SubmitResult>>): SubmitResult[] =>
      settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    /** Every text a voter's name or DID must not appear in; a name implies the DID, checked both. */
    const expectNoVoterIn = (text: string, where: string) => {
      for (const name of CROWD) {
        expect(text, `${where} names ${name}`).to.not.include(name);
        expect(text, `${where} names ${didOf(name)}`).to.not.include(didOf(name));
      }
    };

    before(async () => {
      // Register the 30 citizens and give each an eligible-voter credential: independent keys, so
      // each step is endorsed for everyone first and then ordered all at once.
      const endorsedPersonalData = await Promise.all(
        CROWD.map((name) =>
          network.endorse(
            cityRegistrar,
            identityRequest('StorePersonalData', [didOf(name)], {
              person: JSON.stringify(personalData(name)),
            }),
          ),
        ),
      );
      const stored = await Promise.all(endorsedPersonalData.map((e) => network.submitEndorsed(e)));
      const endorsedRegistrations = await Promise.all(
        CROWD.map((name, i) =>
          network.endorse(
            cityRegistrar,
            identityRequest('RegisterPerson', [
              name,
              (JSON.parse(stored[i]!.result.toString()) as { personalDataHash: string }).personalDataHash,
            ]),
          ),
        ),
      );
      registrations = await Promise.all(endorsedRegistrations.map((e) => network.submitEndorsed(e)));
      const endorsedCredentials = await Promise.all(
        CROWD.map((name) =>
          network.endorse(
            cityRegistrar,
            identityRequest('IssueCredential', [
              `voter-${name}`,
              didOf(name),
              'eligible-voter',
              '',
              '2099-01-01T00:00:00Z',
              '',
            ]),
          ),
        ),
      );
      credentials = await Promise.all(endorsedCredentials.map((e) => network.submitEndorsed(e)));

      // The voters' apps blind their tokens and the authority signs them before the window starts.
      const key = parseRsaPublicKeyPem('tokenKeyPem', publicKeyPem);
      const prepared = CROWD.map((name) => issueTokenRequest(key, CROWD_ELECTION, name));

      const start = clock.now();
      const closesAt = new Date(start + CROWD_WINDOW_MS).toISOString();
      record(
        'CreateElection',
        await createElection(authority, CROWD_ELECTION, new Date(start - 60_000).toISOString(), closesAt),
      );

      const endorsedIssuances = await Promise.all(
        prepared.map(({ args }) => network.endorse(authority, request('IssueVotingToken', args))),
      );
      issuances = await Promise.all(endorsedIssuances.map((e) => network.submitEndorsed(e)));
      record('IssueVotingToken', ...issuances);
      const signatures = await Promise.all(
        CROWD.map(async (name, i) => {
          const issuance = await evaluate<VotingTokenIssuance>(auditor, 'GetVotingTokenIssuance', [
            CROWD_ELECTION,
            didOf(name),
          ]);
          return unblindSignature(key, prepared[i]!.tokenRequest, issuance.blindSignature);
        }),
      );

      record('OpenElection', await submit(auditor, 'OpenElection', [CROWD_ELECTION]));

      // All 30 ballots, alternately through the City's and the Community's ballot box: endorsed
      // first, then ordered at once.
      const endorsedBallots = await Promise.all(
        prepared.map(({ tokenRequest }, i) =>
          network.endorse(
            boxOf(i),
            request('CastBallot', [
              CROWD_ELECTION,
              tokenRequest.token,
              signatures[i]!,
              JSON.stringify(choiceOf(i)),
            ]),
          ),
        ),
      );
      ballotTxIds = endorsedBallots.map((e) => e.txId);
      ballots = await Promise.allSettled(endorsedBallots.map((e) => network.submitEndorsed(e)));
      record('CastBallot', ...committed(ballots));
      countWhileOpen = await evaluate(auditor, 'GetBallotCount', [CROWD_ELECTION]);

      clock.reach(Date.parse(closesAt) + 20);
      record('CloseElection', await submit(auditor, 'CloseElection', [CROWD_ELECTION]));
      const tallied = await submit(communityOperator, 'TallyElection', [CROWD_ELECTION]);
      record('TallyElection', tallied);
      published = JSON.parse(tallied.result.toString()) as ElectionResult;
    });

    it('registers the voters and issues their credentials and tokens concurrently, in shared blocks', () => {
      for (const results of [registrations, credentials, issuances]) {
        expect(results).to.have.lengthOf(CROWD.length);
        expect(new Set(results.map((r) => r.blockNumber)).size).to.be.lessThan(results.length);
      }
    });

    it('commits all 30 ballots VALID, none on MVCC, in fewer blocks than ballots', async () => {
      const failures = ballots.flatMap((s, i) =>
        s.status === 'rejected'
          ? [`${CROWD[i]}: ${(s.reason as CommitError).validationCodeName ?? String(s.reason)}`]
          : [],
      );
      expect(failures).to.deep.equal([]);
      const blocks = new Set<number>();
      for (const txId of ballotTxIds) {
        const details = await network.getTransaction(CIVIC, txId);
        expect(details?.validationCodeName, txId).to.equal('VALID');
        blocks.add(details!.blockNumber);
      }
      expect(blocks.size).to.be.at.least(1).and.lessThan(ballotTxIds.length);
      expect(countWhileOpen).to.deep.include({ ballots: CROWD.length, tokensIssued: CROWD.length });
    });

    it('counts 30 ballots within 30 tokens, and RecomputeTally agrees', async () => {
      const votes = new Map(OPTIONS.map((o) => [o.optionId, 0]));
      CROWD.forEach((_, i) => choiceOf(i).forEach((o) => votes.set(o, votes.get(o)! + 1)));
      expect(published).to.include({
        electionId: CROWD_ELECTION,
        ballotsCounted: CROWD.length,
        tokensIssued: CROWD.length,
        ballotsWithinTokens: true,
      });
      expect(published.counts.map(({ optionId, votes: n }) => [optionId, n])).to.deep.equal([...votes]);
      expect(published.winners).to.deep.equal(['park', 'library']);

      const recomputed = await evaluate<ElectionResult>(auditor, 'RecomputeTally', [CROWD_ELECTION]);
      const { talliedAt: _a, talliedByMsp: _b, ...counted } = published;
      const { talliedAt: _c, talliedByMsp: _d, ...again } = recomputed;
      expect(again).to.deep.equal(counted);
      expect(await evaluate(communityOperator, 'GetBallotCount', [CROWD_ELECTION])).to.deep.equal({
        electionId: CROWD_ELECTION,
        ballots: CROWD.length,
        tokensIssued: CROWD.length,
      });
    });

    it("keeps every voter's name and DID out of the ballots, their transactions and the election's events", async () => {
      const page = await evaluate<BallotPage>(auditor, 'ListBallots', [CROWD_ELECTION, '200', '']);
      expect(page.records).to.have.lengthOf(CROWD.length);
      expectNoVoterIn(JSON.stringify(page), 'ListBallots');

      for (const txId of ballotTxIds) {
        const details = (await network.getTransaction(CIVIC, txId))!;
        expect(details.function).to.equal('CastBallot');
        expect(details.creator.subject).to.match(/CN=(city|community)-ballot-box\b/);
        expectNoVoterIn(details.creator.subject, `creator of ${txId}`);
        expectNoVoterIn(JSON.stringify(details.args), `args of ${txId}`);
        expectNoVoterIn(JSON.stringify(details.readWriteSet), `read/write set of ${txId}`);
        expectNoVoterIn(JSON.stringify(details.response), `response of ${txId}`);
        expectNoVoterIn(JSON.stringify(details.event), `event of ${txId}`);
        // A ballot reads and writes only the election, its phase and its own nullifier.
        const keys = details.readWriteSet!.flatMap((ns) => [
          ...ns.reads.map((r) => r.key),
          ...ns.writes.map((w) => w.key),
        ]);
        expect(keys.filter((k) => k.includes('voting-token'))).to.deep.equal([]);
        const { nullifier } = JSON.parse(details.response!.payload) as BallotReceipt;
        const ballot = await evaluate<Ballot>(auditor, 'GetBallot', [CROWD_ELECTION, nullifier]);
        expect(ballot.nullifier).to.equal(nullifier);
        expectNoVoterIn(JSON.stringify(ballot), `GetBallot ${nullifier}`);
      }

      // Every chaincode event of the election, from its creation to its tally.
      const electionTxIds = Object.values(txIds).flat();
      expect(electionTxIds).to.have.lengthOf(1 + CROWD.length + 1 + CROWD.length + 2);
      for (const txId of electionTxIds) {
        const event = await eventOf(txId);
        expectNoVoterIn(`${event.name} ${event.payload}`, `event of ${txId}`);
      }
    });
  });

  describe('access rules', () => {
    const ELECTION_B = 'consultation-b';
    let key: RsaPublicKey;
    let voter: { token: string; signature: string };

    before(async () => {
      const now = clock.now();
      await createElection(
        authority,
        ELECTION_B,
        new Date(now - 60_000).toISOString(),
        new Date(now + 3_600_000).toISOString(),
      );
      await submit(auditor, 'OpenElection', [ELECTION_B]);
      key = parseRsaPublicKeyPem('tokenKeyPem', publicKeyPem);
      const { tokenRequest, blindSignature, args } = issueTokenRequest(key, ELECTION_B, 'grace');
      await submit(authority, 'IssueVotingToken', args);
      voter = { token: tokenRequest.token, signature: unblindSignature(key, tokenRequest, blindSignature) };
    });

    it('refuses a City registrar and a Community election authority who try to create an election', async () => {
      const communityAuthority = await network.crypto.enrollUser('CommunityMSP', 'community-authority', {
        role: 'election-authority',
      });
      const now = clock.now();
      for (const user of [cityRegistrar, communityAuthority]) {
        await expectAccessDenied(user, 'CreateElection', [
          'not-allowed',
          'Not allowed',
          '',
          'plurality',
          JSON.stringify(OPTIONS.map(({ optionId, label }) => ({ optionId, label }))),
          '',
          '',
          '',
          new Date(now).toISOString(),
          new Date(now + 3_600_000).toISOString(),
          publicKeyPem,
        ]);
      }
    });

    it('refuses a voting token for a citizen without an eligible-voter credential', async () => {
      await expectAccessDenied(
        authority,
        'IssueVotingToken',
        issueTokenRequest(key, ELECTION_B, 'outsider').args,
        /holds no valid 'eligible-voter' credential \(no-credential\)/,
      );
    });

    it("invalidates a token issuance endorsed before the voter's credential was revoked", async () => {
      const endorsed = await network.endorse(
        authority,
        request('IssueVotingToken', issueTokenRequest(key, ELECTION_B, 'katherine').args),
      );
      await network.submit(cityRegistrar, {
        channel: CIVIC,
        chaincode: 'identity',
        function: 'RevokeCredential',
        args: ['voter-katherine', 'moved away'],
      });
      const error = await rejectionOf(network.submitEndorsed(endorsed));
      expect(error).to.be.instanceOf(CommitError);
      expect((error as unknown as CommitError).validationCodeName).to.equal('MVCC_READ_CONFLICT');
      const count = await evaluate<{ tokensIssued: number }>(auditor, 'GetBallotCount', [ELECTION_B]);
      expect(count.tokensIssued).to.equal(1);
    });

    it('refuses a token request signed by anyone but the City election authority', async () => {
      await expectAccessDenied(citizen, 'IssueVotingToken', issueTokenRequest(key, ELECTION_B, 'ada').args);
    });

    it('refuses a valid ballot from a citizen, the auditor and an auditor ballot box', async () => {
      const auditorBallotBox = await network.crypto.enrollUser('AuditorMSP', 'auditor-ballot-box', {
        role: 'ballot-box',
      });
      for (const user of [citizen, auditor, auditorBallotBox]) {
        await expectAccessDenied(user, 'CastBallot', [ELECTION_B, voter.token, voter.signature, '["park"]']);
      }
    });

    it('refuses a ballot whose token the election authority never signed', async () => {
      const forged = prepareVotingToken(key, ELECTION_B);
      await expectAccessDenied(
        cityBallotBox,
        'CastBallot',
        [ELECTION_B, forged.token, voter.signature, '["park"]'],
        /not signed by the authority of election consultation-b/,
      );
    });

    it('refuses a transaction endorsed by the City alone at validation, as the policy requires', async () => {
      const endorsed = await network.endorse(
        cityBallotBox,
        request('CastBallot', [ELECTION_B, voter.token, voter.signature, '["park"]']),
        { endorsingOrganizations: ['CityMSP'] },
      );
      const error = await rejectionOf(network.submitEndorsed(endorsed));
      expect(error).to.be.instanceOf(CommitError);
      expect((error as unknown as CommitError).validationCodeName).to.equal('ENDORSEMENT_POLICY_FAILURE');
      const count = await evaluate<{ ballots: number }>(auditor, 'GetBallotCount', [ELECTION_B]);
      expect(count.ballots).to.equal(0);
    });
  });
});
