import type { TransactionDetails } from '@cityledger/network';
import type { BlockCommit } from '../api/event-stream';
import type { AnswerOf } from '../api/gateway-client';
import { h } from '../ui/dom';
import { shortHash, when } from '../ui/format';
import { PanelFrame, errorText, replaceWith, stat, verdict } from '../ui/panel';
import type { PanelContext } from './panel-context';

// The explorer's answers: blocks and verification as the gateway's OpenAPI document describes them,
// a transaction as the network package describes it for both ledgers.
type BlockSummary = AnswerOf<'getChannelsByChannelBlocksByBlockNumber'>;
type Verification = AnswerOf<'getChannelsByChannelVerify'>;

const RECENT_BLOCKS = 12;

/**
 * Ledger health for auditors: height per channel, recent blocks and transactions with their
 * validation codes, and chain verification (hash chain and signatures recomputed by the gateway)
 * with the first bad block highlighted. The explorer API is for auditors and admins; anyone
 * else sees the gateway's refusal.
 */
export function mountLedgerPanel(context: PanelContext): PanelFrame {
  const frame = new PanelFrame(
    'ledger',
    'Ledger health',
    'Height per channel, recent blocks and transactions with validation codes, and chain verification.',
  );
  const channels = context.channels.map((c) => c.name);
  const recent = new Map<string, BlockCommit[]>(channels.map((c) => [c, []]));
  const badBlock = new Map<string, number>();
  const slots = new Map(
    channels.map((c) => [
      c,
      {
        stats: h('div', { class: 'stats' }),
        blocks: h('div'),
        verify: h('div', { class: 'verify-result', 'aria-live': 'polite', id: `verify-${c}` }),
        detail: h('div', { class: 'block-detail', 'aria-live': 'polite' }),
      },
    ]),
  );
  for (const channel of channels) {
    const slot = slots.get(channel)!;
    frame.body.append(
      h(
        'div',
        { class: 'part channel-health', 'data-channel': channel },
        h('h3', {}, `Channel ${channel}`),
        slot.stats,
        h(
          'button',
          { type: 'button', id: `verify-chain-${channel}`, onclick: () => void verify(channel) },
          `Verify the ${channel} chain`,
        ),
        slot.verify,
        slot.blocks,
        slot.detail,
      ),
    );
  }

  function render(channel: string): void {
    const slot = slots.get(channel)!;
    const blocks = recent.get(channel)!;
    const height = context.events.heights.get(channel) ?? 0;
    const invalid = blocks.flatMap((b) => b.transactions).filter((t) => t.validationCode !== 'VALID').length;
    replaceWith(
      slot.stats,
      stat('Height', String(height), `height-${channel}`),
      stat('Transactions (recent blocks)', String(blocks.reduce((n, b) => n + b.transactions.length, 0))),
      stat('Invalid (recent blocks)', String(invalid)),
    );
    const bad = badBlock.get(channel);
    replaceWith(
      slot.blocks,
      h(
        'ol',
        { class: 'blocks', reversed: true, 'aria-label': `Recent blocks of ${channel}` },
        [...blocks].reverse().map((block) =>
          h(
            'li',
            { class: block.blockNumber === bad ? 'block bad' : 'block', 'data-block': block.blockNumber },
            h(
              'button',
              { type: 'button', class: 'link', onclick: () => void showBlock(channel, block.blockNumber) },
              `Block ${block.blockNumber}`,
            ),
            block.blockNumber === bad ? h('strong', { class: 'bad-label' }, ' first bad block') : null,
            ' ',
            block.transactions.map((tx) =>
              h(
                'button',
                {
                  type: 'button',
                  class: `tx ${tx.validationCode === 'VALID' ? 'valid' : 'invalid'}`,
                  onclick: () => void showTransaction(channel, tx.txId),
                  'aria-label': `transaction ${tx.txIndex} ${tx.chaincode ?? 'config'} ${tx.validationCode}`,
                },
                `${tx.chaincode ?? 'config'} · ${tx.validationCode}`,
              ),
            ),
          ),
        ),
      ),
    );
  }

  async function verify(channel: string): Promise<void> {
    const slot = slots.get(channel)!;
    replaceWith(slot.verify, h('p', {}, 'Recomputing hashes and signatures…'));
    try {
      const result = await context.client.get<Verification>(`/channels/${channel}/verify`);
      if (result.ok) {
        badBlock.delete(channel);
        replaceWith(
          slot.verify,
          verdict(
            true,
            `Chain ${channel} verified: ${result.height} blocks, hash chain and signatures intact.`,
          ),
        );
      } else {
        badBlock.set(channel, result.firstBadBlock);
        replaceWith(
          slot.verify,
          verdict(false, `Chain ${channel} is broken at block ${result.firstBadBlock}: ${result.reason}`),
        );
      }
      frame.setState('live');
      render(channel);
    } catch (error) {
      if (frame.showFailure(error, 'the ledger explorer') !== 'refused')
        replaceWith(slot.verify, verdict(false, errorText(error)));
    }
  }

  async function showBlock(channel: string, blockNumber: number): Promise<void> {
    const slot = slots.get(channel)!;
    try {
      const block = await context.client.get<BlockSummary>(`/channels/${channel}/blocks/${blockNumber}`);
      replaceWith(
        slot.detail,
        h('h4', {}, `Block ${block.blockNumber}`),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Header hash'),
          h('dd', {}, h('code', {}, block.headerHash)),
          h('dt', {}, 'Previous hash'),
          h('dd', {}, h('code', {}, block.previousHash)),
          h('dt', {}, 'Data hash'),
          h('dd', {}, h('code', {}, block.dataHash)),
        ),
        h(
          'ul',
          {},
          block.transactions.map((tx) =>
            h(
              'li',
              {},
              `${tx.txIndex}: ${tx.chaincode ?? 'config'} ${tx.validationCode} ${when(tx.timestamp)} `,
              h('code', {}, shortHash(tx.txId, 16)),
            ),
          ),
        ),
      );
    } catch (error) {
      replaceWith(slot.detail, verdict(false, errorText(error)));
    }
  }

  async function showTransaction(channel: string, txId: string): Promise<void> {
    const slot = slots.get(channel)!;
    try {
      const tx = await context.client.get<TransactionDetails>(`/channels/${channel}/transactions/${txId}`);
      replaceWith(
        slot.detail,
        h('h4', {}, `Transaction ${shortHash(tx.txId, 16)}`),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Validation'),
          h('dd', {}, tx.validationCodeName),
          h('dt', {}, 'Call'),
          h('dd', {}, `${tx.chaincode ?? '—'} ${tx.function ?? ''}`),
          h('dt', {}, 'Creator'),
          h('dd', {}, `${tx.creator.mspId} ${tx.creator.subject}`),
          h('dt', {}, 'Endorsed by'),
          h('dd', {}, tx.endorsements.map((e) => e.mspId).join(', ')),
          h('dt', {}, 'Event'),
          h('dd', {}, tx.event?.name ?? '—'),
          h('dt', {}, 'Time'),
          h('dd', {}, when(tx.timestamp)),
        ),
      );
    } catch (error) {
      replaceWith(slot.detail, verdict(false, errorText(error)));
    }
  }

  async function probe(channel: string): Promise<void> {
    // One explorer call tells whether the gateway lets this user see blocks at all.
    try {
      const height = context.events.heights.get(channel) ?? 1;
      await context.client.get<BlockSummary>(`/channels/${channel}/blocks/${Math.max(0, height - 1)}`);
      frame.setState('live');
    } catch (error) {
      frame.showFailure(error, 'the ledger explorer');
    }
    render(channel);
  }

  context.events.subscribe({
    block: (commit) => {
      const blocks = recent.get(commit.channel);
      if (!blocks) return;
      blocks.push(commit);
      if (blocks.length > RECENT_BLOCKS) blocks.shift();
      if (context.events.isCaughtUp(commit.channel)) render(commit.channel);
    },
    caughtUp: (channel) => {
      if (channel === channels[0]) void probe(channel);
      else render(channel);
    },
    status: (channel, status) => {
      if (status.state === 'refused')
        frame.setState('refused', `The event stream of ${channel} is refused: ${status.message}`);
    },
  });
  return frame;
}
