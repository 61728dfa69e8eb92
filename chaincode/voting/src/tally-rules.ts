/**
 * The tally rules, as pure functions of the election's options and the counted choices, so that the
 * contract, a receipt checker and anyone recomputing a result from the ledger get the same answer.
 *
 * - plurality: one option per ballot; the most votes wins.
 * - approval: any number of distinct options per ballot (up to the election's maximum); the most
 *   approvals wins.
 * - budget-allocation: ballots approve proposals (each with an integer cost); proposals are ranked
 *   by votes (more first), then by cost (cheaper first), then by their order in the election; walking
 *   down that ranking, a proposal with at least one vote is funded when its cost fits in what is
 *   left of the budget, otherwise it is skipped and the walk goes on (so a large proposal that does
 *   not fit does not leave the remaining money unspent).
 *
 * Ties are reported, never broken at random: plurality and approval name every option with the top
 * count as winner; the authority's published rules decide between them.
 */

export const TALLY_RULES = ['plurality', 'approval', 'budget-allocation'] as const;
export type TallyRule = (typeof TALLY_RULES)[number];

export interface TallyOption {
  optionId: string;
  /** Budget-allocation only: the proposal's cost in the smallest currency unit. */
  cost?: number;
}

export interface TallyInput {
  rule: TallyRule;
  options: readonly TallyOption[];
  /** Budget-allocation only. */
  totalBudget?: number;
}

export interface OptionCount {
  optionId: string;
  votes: number;
  /** Budget-allocation only. */
  funded?: boolean;
}

export interface TallyOutcome {
  ballotsCounted: number;
  /** One entry per option, in the election's order. */
  counts: OptionCount[];
  /** Plurality/approval: the options with the most votes (several on a tie, none without votes). Budget: funded proposals in ranking order. */
  winners: string[];
  /** Budget-allocation only. */
  budgetSpent?: number;
}

export function tallyBallots(input: TallyInput, choices: readonly (readonly string[])[]): TallyOutcome {
  const votes = new Map<string, number>(input.options.map((o) => [o.optionId, 0]));
  for (const choice of choices) {
    for (const optionId of choice) {
      const current = votes.get(optionId);
      if (current === undefined) {
        throw new Error(`tallyBallots: a ballot names unknown option '${optionId}'`);
      }
      votes.set(optionId, current + 1);
    }
  }
  const counts: OptionCount[] = input.options.map((o) => ({
    optionId: o.optionId,
    votes: votes.get(o.optionId)!,
  }));
  if (input.rule === 'budget-allocation') {
    return { ballotsCounted: choices.length, ...allocateBudget(input, counts) };
  }
  const top = Math.max(0, ...counts.map((c) => c.votes));
  const winners = top === 0 ? [] : counts.filter((c) => c.votes === top).map((c) => c.optionId);
  return { ballotsCounted: choices.length, counts, winners };
}

function allocateBudget(
  input: TallyInput,
  counts: OptionCount[],
): { counts: OptionCount[]; winners: string[]; budgetSpent: number } {
  const costOf = new Map(input.options.map((o) => [o.optionId, o.cost ?? 0]));
  const order = new Map(input.options.map((o, i) => [o.optionId, i]));
  const ranking = [...counts].sort(
    (a, b) =>
      b.votes - a.votes ||
      costOf.get(a.optionId)! - costOf.get(b.optionId)! ||
      order.get(a.optionId)! - order.get(b.optionId)!,
  );
  let remaining = input.totalBudget ?? 0;
  const funded = new Set<string>();
  const winners: string[] = [];
  for (const entry of ranking) {
    const cost = costOf.get(entry.optionId)!;
    if (entry.votes > 0 && cost <= remaining) {
      remaining -= cost;
      funded.add(entry.optionId);
      winners.push(entry.optionId);
    }
  }
  return {
    counts: counts.map((c) => ({ ...c, funded: funded.has(c.optionId) })),
    winners,
    budgetSpent: (input.totalBudget ?? 0) - remaining,
  };
}
