import type { Election, ElectionResult, ReceiptCheck } from '@cityledger/chaincode-voting';
import { rootFromAuditPath } from '@cityledger/proofs';
import { GatewayError } from '../api/gateway-client';
import { barChart } from '../ui/charts';
import { h } from '../ui/dom';
import { percent, shortHash, when } from '../ui/format';
import { PanelFrame, errorText, part, replaceWith, stat, table, verdict } from '../ui/panel';
import { type PanelContext, channelsWith, loadWithChaincodeEvents } from './panel-context';

/**
 * Voting: elections, turnout, results with the tally's Merkle root, and a receipt checker that
 * recomputes the root from the voter's ballot hash and audit path in the browser.
 */
export function mountVotingPanel(context: PanelContext): PanelFrame {
  const frame = new PanelFrame(
    'voting',
    'Voting',
    'Elections and participatory budgets: turnout, results with the tally’s Merkle root, and a receipt checker.',
  );
  const [channel] = channelsWith(context, 'voting');
  let elections: Election[] = [];
  let selected: string | undefined;

  const electionSelect = h('select', { id: 'voting-election' });
  electionSelect.addEventListener('change', () => {
    selected = electionSelect.value;
    void showElection();
  });
  const slots = {
    list: h('div'),
    detail: h('div', { 'aria-live': 'polite' }),
    receipt: h('div', { 'aria-live': 'polite', class: 'verify-result' }),
  };
  const nullifierInput = h('input', {
    id: 'receipt-nullifier',
    type: 'text',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const ballotHashInput = h('input', {
    id: 'receipt-ballot-hash',
    type: 'text',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const receiptJson = h('textarea', { id: 'receipt-json', rows: 3, spellcheck: 'false' });
  const receiptForm = h(
    'form',
    { class: 'verify-form', 'aria-labelledby': 'receipt-heading' },
    h('h3', { id: 'receipt-heading' }, 'Check a ballot receipt'),
    h(
      'div',
      { class: 'field' },
      h(
        'label',
        { for: 'receipt-json' },
        'Receipt (JSON as the ballot box returned it) — or fill in the two fields',
      ),
      receiptJson,
    ),
    h('div', { class: 'field' }, h('label', { for: 'receipt-nullifier' }, 'Nullifier'), nullifierInput),
    h('div', { class: 'field' }, h('label', { for: 'receipt-ballot-hash' }, 'Ballot hash'), ballotHashInput),
    h('button', { type: 'submit', id: 'receipt-check-button' }, 'Check my receipt'),
    slots.receipt,
  );
  receiptForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void checkReceipt();
  });
  frame.body.append(
    part('Elections', slots.list),
    h('div', { class: 'field inline' }, h('label', { for: 'voting-election' }, 'Election'), electionSelect),
    slots.detail,
    receiptForm,
  );

  const q = <T>(fn: string, args: string[]) => context.client.query<T>(channel!, 'voting', fn, args);
  const resultOf = (electionId: string) =>
    q<ElectionResult>('GetResult', [electionId]).catch((error) => {
      if (error instanceof GatewayError && error.status === 404) return undefined;
      throw error;
    });

  async function showElection(): Promise<void> {
    const election = elections.find((e) => e.electionId === selected);
    if (!election) {
      replaceWith(slots.detail, h('p', { class: 'empty' }, 'No elections yet.'));
      return;
    }
    try {
      const [count, result] = await Promise.all([
        q<{ ballots: number; tokensIssued: number }>('GetBallotCount', [election.electionId]),
        resultOf(election.electionId),
      ]);
      replaceWith(
        slots.detail,
        h(
          'div',
          { class: 'stats' },
          stat('Status', election.status),
          stat('Ballots', String(count.ballots)),
          stat('Voting tokens issued', String(count.tokensIssued)),
          stat('Turnout (of tokens)', percent(count.ballots, count.tokensIssued)),
        ),
        h(
          'p',
          { class: 'hint' },
          `${election.rule} · voting ${when(election.opensAt)} – ${when(election.closesAt)}`,
        ),
        result
          ? [
              barChart(
                result.counts.map((c) => ({
                  label: c.label,
                  value: c.votes,
                  highlight: result.winners.includes(c.optionId),
                  note: result.winners.includes(c.optionId) ? (c.funded ? '· funded' : '· winner') : '',
                })),
              ),
              h(
                'p',
                { class: 'result-line' },
                `Tallied ${when(result.talliedAt)}: ${result.ballotsCounted} ballots counted`,
                result.tie ? ' (tie)' : '',
                '. Merkle root of the counted ballots: ',
                h('code', { id: 'voting-merkle-root', title: result.merkleRoot }, result.merkleRoot),
              ),
            ]
          : h('p', { class: 'hint' }, 'Results appear when the election is tallied.'),
      );
    } catch (error) {
      replaceWith(slots.detail, verdict(false, errorText(error)));
    }
  }

  async function checkReceipt(): Promise<void> {
    replaceWith(slots.receipt, h('p', {}, 'Checking…'));
    try {
      let electionId = selected ?? '';
      let nullifier = nullifierInput.value.trim();
      let ballotHash = ballotHashInput.value.trim();
      if (receiptJson.value.trim()) {
        const receipt = JSON.parse(receiptJson.value) as {
          electionId?: string;
          nullifier?: string;
          ballotHash?: string;
        };
        electionId = receipt.electionId ?? electionId;
        nullifier = receipt.nullifier ?? nullifier;
        ballotHash = receipt.ballotHash ?? ballotHash;
      }
      const [check, result] = await Promise.all([
        q<ReceiptCheck>('VerifyReceipt', [electionId, nullifier, ballotHash]),
        resultOf(electionId),
      ]);
      if (!check.counted || check.leafIndex === undefined || check.treeSize === undefined) {
        replaceWith(
          slots.receipt,
          verdict(false, `Not counted in ${electionId}: ${check.reason ?? 'unknown reason'}.`),
        );
        return;
      }
      // Do not take the peer's word for it: recompute the root from the ballot hash and the path.
      const root = rootFromAuditPath(ballotHash, check.leafIndex, check.treeSize, check.auditPath);
      const ok = !!result && root === result.merkleRoot;
      replaceWith(
        slots.receipt,
        verdict(
          ok,
          ok
            ? `Your ballot is counted in ${electionId}: leaf ${check.leafIndex + 1} of ${check.treeSize}, and the recomputed root matches the published result.`
            : `The recomputed root ${shortHash(root)} does not match the published root ${shortHash(result?.merkleRoot)}.`,
        ),
        h('p', { class: 'hint' }, `Recomputed root: `, h('code', {}, root)),
      );
    } catch (error) {
      replaceWith(slots.receipt, verdict(false, `Could not check the receipt: ${errorText(error)}`));
    }
  }

  async function load(): Promise<void> {
    try {
      elections = await context.client.queryAll<Election>(channel!, 'voting', 'ListElections');
      frame.setState('live');
      if (!selected || !elections.some((e) => e.electionId === selected))
        selected = elections[elections.length - 1]?.electionId;
      electionSelect.replaceChildren(
        ...elections.map((e) =>
          h('option', { value: e.electionId, selected: e.electionId === selected }, e.title),
        ),
      );
      replaceWith(
        slots.list,
        table(
          'Elections',
          ['Election', 'Rule', 'Status', 'Closes'],
          elections.map((e) => [e.title, e.rule, e.status, when(e.closesAt)]),
          'No elections yet.',
        ),
      );
      await showElection();
    } catch (error) {
      frame.showFailure(error, 'the elections');
    }
  }

  if (!channel) {
    frame.setState('refused', 'Voting runs on channel civic, which your organisation is not a member of.');
    return frame;
  }
  loadWithChaincodeEvents(context, channel, 'voting', load);
  return frame;
}
