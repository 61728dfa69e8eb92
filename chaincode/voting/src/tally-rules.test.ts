import { expect } from 'chai';
import * as fc from 'fast-check';
import { tallyBallots, type TallyInput } from './tally-rules';

const yesNo: TallyInput = { rule: 'plurality', options: [{ optionId: 'yes' }, { optionId: 'no' }] };

/** The proposals of the worked example in docs/contracts/voting.md. */
const pb: TallyInput = {
  rule: 'budget-allocation',
  totalBudget: 100000,
  options: [
    { optionId: 'park', cost: 50000 },
    { optionId: 'bikes', cost: 120000 },
    { optionId: 'library', cost: 30000 },
    { optionId: 'trees', cost: 40000 },
  ],
};

const budgetInputs = fc
  .array(fc.integer({ min: 1, max: 1000 }), { minLength: 2, maxLength: 8 })
  .chain((costs) =>
    fc.record({
      input: fc.constant<TallyInput>({
        rule: 'budget-allocation',
        totalBudget: 0,
        options: costs.map((cost, i) => ({ optionId: `p${i}`, cost })),
      }),
      budget: fc.integer({ min: 1, max: 3000 }),
      ballots: fc.array(
        fc.subarray(
          costs.map((_, i) => `p${i}`),
          { minLength: 1 },
        ),
        { maxLength: 30 },
      ),
    }),
  )
  .map(({ input, budget, ballots }) => ({ input: { ...input, totalBudget: budget }, ballots }));

describe('tally rules', () => {
  it('names the option with the most votes under plurality', () => {
    const outcome = tallyBallots(yesNo, [['yes'], ['no'], ['yes']]);
    expect(outcome).to.deep.equal({
      ballotsCounted: 3,
      counts: [
        { optionId: 'yes', votes: 2 },
        { optionId: 'no', votes: 1 },
      ],
      winners: ['yes'],
    });
  });

  it('reports every tied option as winner rather than picking one', () => {
    expect(tallyBallots(yesNo, [['yes'], ['no']]).winners).to.deep.equal(['yes', 'no']);
  });

  it('names no winner when nobody voted', () => {
    expect(tallyBallots(yesNo, []).winners).to.deep.equal([]);
  });

  it('counts each approved option once per ballot under approval', () => {
    const approval: TallyInput = {
      rule: 'approval',
      options: [{ optionId: 'a' }, { optionId: 'b' }, { optionId: 'c' }],
    };
    const outcome = tallyBallots(approval, [['a', 'b'], ['b'], ['b', 'c']]);
    expect(outcome.counts.map((c) => c.votes)).to.deep.equal([1, 3, 1]);
    expect(outcome.winners).to.deep.equal(['b']);
  });

  it('funds the most-voted proposals that fit, skipping one that does not', () => {
    const ballots = [
      ['park', 'library'],
      ['park', 'bikes'],
      ['bikes', 'trees'],
      ['park', 'trees', 'library'],
      ['bikes', 'library'],
      ['trees'],
    ];
    // votes: park 3, bikes 3, library 3, trees 3 → all tied; cheaper first: library 30000, trees 40000, park 50000 (no longer fits), bikes.
    const outcome = tallyBallots(pb, ballots);
    expect(outcome.winners).to.deep.equal(['library', 'trees']);
    expect(outcome.budgetSpent).to.equal(70000);
    const more = tallyBallots(pb, [...ballots, ['park'], ['park', 'bikes']]);
    // park 5, bikes 4, library 3, trees 3: park 50000, bikes does not fit, library 30000, trees does not fit (20000 left).
    expect(more.winners).to.deep.equal(['park', 'library']);
    expect(more.budgetSpent).to.equal(80000);
    expect(more.counts.find((c) => c.optionId === 'bikes')).to.deep.equal({
      optionId: 'bikes',
      votes: 4,
      funded: false,
    });
  });

  it('reproduces the worked example of the contract documentation', () => {
    const ballots = [
      ['park', 'bikes'],
      ['park', 'library'],
      ['bikes'],
      ['bikes', 'trees'],
      ['library', 'park'],
    ];
    const outcome = tallyBallots(pb, ballots);
    expect(outcome.winners).to.deep.equal(['park', 'library']);
    expect(outcome.budgetSpent).to.equal(80000);
  });

  it('never funds a proposal without votes', () => {
    expect(tallyBallots(pb, [['library']]).winners).to.deep.equal(['library']);
  });

  it('refuses a ballot naming an unknown option', () => {
    expect(() => tallyBallots(yesNo, [['maybe']])).to.throw(/unknown option 'maybe'/);
  });

  it('counts exactly the selections cast, whatever the ballot order', () => {
    fc.assert(
      fc.property(budgetInputs, ({ input, ballots }) => {
        const outcome = tallyBallots(input, ballots);
        const reversed = tallyBallots(input, [...ballots].reverse());
        const total = outcome.counts.reduce((sum, c) => sum + c.votes, 0);
        return (
          total === ballots.reduce((sum, b) => sum + b.length, 0) &&
          outcome.ballotsCounted === ballots.length &&
          JSON.stringify(outcome) === JSON.stringify(reversed)
        );
      }),
    );
  });

  it('never spends more than the budget, and leaves unfunded only proposals that no longer fit or have no votes', () => {
    fc.assert(
      fc.property(budgetInputs, ({ input, ballots }) => {
        const outcome = tallyBallots(input, ballots);
        const spent = outcome.budgetSpent!;
        const cost = new Map(input.options.map((o) => [o.optionId, o.cost!]));
        const fundedCost = outcome.counts
          .filter((c) => c.funded)
          .reduce((sum, c) => sum + cost.get(c.optionId)!, 0);
        const left = input.totalBudget! - spent;
        return (
          spent <= input.totalBudget! &&
          fundedCost === spent &&
          outcome.counts.every((c) => c.funded || c.votes === 0 || cost.get(c.optionId)! > left)
        );
      }),
    );
  });

  it('gives plurality winners the top count and everybody else less', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('yes', 'no'), { maxLength: 40 }), (picks) => {
        const outcome = tallyBallots(
          yesNo,
          picks.map((p) => [p]),
        );
        const top = Math.max(...outcome.counts.map((c) => c.votes));
        return outcome.counts.every(
          (c) => outcome.winners.includes(c.optionId) === (top > 0 && c.votes === top),
        );
      }),
    );
  });
});
