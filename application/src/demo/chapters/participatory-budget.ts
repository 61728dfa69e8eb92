import { generateKeyPairSync } from 'node:crypto';
import { rootFromAuditPath } from '@cityledger/proofs';
import { parseRsaPublicKeyPem, prepareVotingToken, signBlinded, unblindSignature } from '@cityledger/voter';
import { type StoryContext, waitForMoment } from '../story-context';

const VOTING_WINDOW_MS = 12_000;

/** A participatory budget: Alice gets a blind-signed token, votes anonymously, and checks her vote was counted. */
export async function voteOnBudget(story: StoryContext): Promise<void> {
  const { narrator, cast, runId, clock } = story;
  const authority = story.as(cast.electionAuthority);
  const auditor = story.as(cast.auditor);
  narrator.chapter(
    'The neighbourhood votes on its budget',
    'Eligible voters get a voting token the authority signs blindly, so no reader of the ledger can link a ballot to a voter.',
  );
  const electionId = `budget-${runId}`;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  narrator.step(
    'The election authority schedules the vote with its own RSA key for this election',
    'POST /channels/civic/elections',
  );
  const election = await authority.post('/channels/civic/elections', {
    electionId,
    title: 'Harbour district budget',
    rule: 'budget-allocation',
    options: [
      { optionId: 'park', label: 'Pocket park', cost: 50_000 },
      { optionId: 'bikes', label: 'Bike lanes', cost: 120_000 },
      { optionId: 'library', label: 'Library corner', cost: 30_000 },
    ],
    totalBudget: 100_000,
    opensAt: new Date(clock.now() - 1000).toISOString(),
    closesAt: new Date(clock.now() + VOTING_WINDOW_MS).toISOString(),
    tokenKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  });
  narrator.result(`${election.electionId} is ${election.status}, open until ${election.closesAt}`);

  narrator.step(
    "Alice's app blinds a secret token; the authority signs it without seeing it",
    `POST /channels/civic/elections/${electionId}/tokens`,
  );
  const key = parseRsaPublicKeyPem('tokenKeyPem', election.tokenKeyPem);
  const request = prepareVotingToken(key, electionId);
  const issued = await authority.post(`/channels/civic/elections/${electionId}/tokens`, {
    voterDid: cast.alice.did,
    blindedMessage: request.blindedMessage,
    blindSignature: signBlinded(privateKey, request.blindedMessage),
  });
  const signature = unblindSignature(key, request, issued.blindSignature);
  narrator.result(
    `token issued to ${issued.voterDid} (eligible-voter credential checked); the ledger never sees the token itself`,
  );

  await auditor.post(`/channels/civic/elections/${electionId}/open`);
  narrator.step(
    'Alice votes for the park and the library through a community ballot box',
    `POST /channels/civic/elections/${electionId}/ballots`,
  );
  const receipt = await story.as(cast.ballotBox).post(`/channels/civic/elections/${electionId}/ballots`, {
    token: request.token,
    signature,
    choice: ['park', 'library'],
  });
  narrator.result(
    `ballot recorded under nullifier ${String(receipt.nullifier).slice(0, 12)}… — no name, no certificate of hers`,
  );

  await waitForMoment(story, 'the close of the vote', Date.parse(election.closesAt) + 300);
  await auditor.post(`/channels/civic/elections/${electionId}/close`);
  narrator.step(
    'The auditor closes the vote and tallies it on the ledger',
    `POST /channels/civic/elections/${electionId}/tally`,
  );
  const result = await auditor.post(`/channels/civic/elections/${electionId}/tally`);
  narrator.result(
    `${result.ballotsCounted} ballot(s) of ${result.tokensIssued} token(s); funded: ${result.winners.join(', ')} (${result.budgetSpent} of ${result.totalBudget})`,
  );

  narrator.step(
    'Alice checks her receipt against the published Merkle root',
    `GET /channels/civic/elections/${electionId}/receipts/{nullifier}`,
  );
  const check = await story
    .as(cast.alice)
    .get(
      `/channels/civic/elections/${electionId}/receipts/${receipt.nullifier}?ballotHash=${receipt.ballotHash}`,
    );
  const root = rootFromAuditPath(receipt.ballotHash, check.leafIndex, check.treeSize, check.auditPath);
  narrator.result(
    `counted: ${check.counted}; her own recomputation of the root ${root === result.merkleRoot ? 'matches' : 'DOES NOT match'}`,
  );
  if (!check.counted || root !== result.merkleRoot) throw new Error("Alice's ballot was not counted");
}
