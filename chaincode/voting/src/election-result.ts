/**
 * Builds an election's published result from its ballot records: the tally rule's counts and the
 * Merkle root over the ballots. The tally transaction, the recompute query and receipt checks all
 * go through here, so they cannot disagree.
 */
import { merkleRoot, merkleTree } from '@cityledger/proofs';
import { ballotHashOf } from './ballot-hashes';
import type { Ballot, Election, ElectionResult, OptionTally } from './records';
import { tallyBallots, type TallyRule } from './tally-rules';

/** Ballots in ascending nullifier order: the leaf order of the Merkle tree. */
export function ballotsInTreeOrder(ballots: readonly Ballot[]): Ballot[] {
  return [...ballots].sort((a, b) => (a.nullifier < b.nullifier ? -1 : a.nullifier > b.nullifier ? 1 : 0));
}

/** Leaf hashes recomputed from each ballot's content (never trusting its stored ballotHash). */
export function ballotLeaves(electionId: string, ballots: readonly Ballot[]): string[] {
  return ballotsInTreeOrder(ballots).map((b) => ballotHashOf(electionId, b.nullifier, b.choice));
}

export function computeResult(
  election: Election,
  ballots: readonly Ballot[],
  tokensIssued: number,
  talliedAt: string,
  talliedByMsp: string,
): ElectionResult {
  const ordered = ballotsInTreeOrder(ballots);
  const rule = election.rule as TallyRule;
  const outcome = tallyBallots(
    { rule, options: election.options, totalBudget: election.totalBudget },
    ordered.map((b) => b.choice),
  );
  const labels = new Map(election.options.map((o) => [o.optionId, o]));
  const budget = rule === 'budget-allocation';
  const counts: OptionTally[] = outcome.counts.map((c) => ({
    optionId: c.optionId,
    label: labels.get(c.optionId)!.label,
    votes: c.votes,
    ...(budget ? { cost: labels.get(c.optionId)!.cost, funded: c.funded } : {}),
  }));
  return {
    electionId: election.electionId,
    rule,
    ballotsCounted: outcome.ballotsCounted,
    tokensIssued,
    ballotsWithinTokens: outcome.ballotsCounted <= tokensIssued,
    counts,
    winners: outcome.winners,
    tie: !budget && outcome.winners.length > 1,
    ...(budget ? { totalBudget: election.totalBudget, budgetSpent: outcome.budgetSpent } : {}),
    merkleRoot: merkleRoot(ballotLeaves(election.electionId, ordered)),
    talliedAt,
    talliedByMsp,
  };
}

export interface BallotInclusion {
  leafIndex: number;
  treeSize: number;
  auditPath: string[];
  merkleRoot: string;
}

/** The inclusion proof of the ballot with `nullifier`, or undefined when there is no such ballot. */
export function proveInclusion(
  electionId: string,
  ballots: readonly Ballot[],
  nullifier: string,
): BallotInclusion | undefined {
  const ordered = ballotsInTreeOrder(ballots);
  const index = ordered.findIndex((b) => b.nullifier === nullifier);
  if (index < 0) return undefined;
  const tree = merkleTree(ballotLeaves(electionId, ordered));
  return { leafIndex: index, treeSize: tree.size, auditPath: tree.auditPath(index), merkleRoot: tree.root };
}
