import type {
  Campaign,
  CampaignMilestone,
  CampaignReconciliation,
  Disbursement,
  Donation,
  DonationTrace,
} from '@cityledger/chaincode-donation-tracking';
import { type SankeyLink, type SankeyNode, sankeyChart } from '../ui/charts';
import { h } from '../ui/dom';
import { didCell, money, shortDid, shortHash, when } from '../ui/format';
import { PanelFrame, errorText, part, replaceWith, table, verdict } from '../ui/panel';
import { type PanelContext, channelsWith, loadWithChaincodeEvents } from './panel-context';

/**
 * Donations: campaigns with progress to goal, the flow from donations through milestones to
 * beneficiaries as a Sankey diagram, and a donor's "where did my money go" trace.
 */
export function mountDonationsPanel(context: PanelContext): PanelFrame {
  const frame = new PanelFrame(
    'donations',
    'Donations',
    'Campaigns and their progress, where the money went, and a trace of any donation.',
  );
  const [channel] = channelsWith(context, 'donation-tracking');
  let campaigns: Array<Campaign & { reconciliation?: CampaignReconciliation }> = [];
  let selected: string | undefined;
  let donations: Donation[] = [];

  const campaignSelect = h('select', { id: 'donation-campaign' });
  campaignSelect.addEventListener('change', () => {
    selected = campaignSelect.value;
    void showCampaign();
  });
  const donationSelect = h('select', { id: 'trace-donation' });
  const traceForm = h(
    'form',
    { class: 'inline-form', 'aria-labelledby': 'trace-heading' },
    h('label', { for: 'trace-donation' }, 'Donation'),
    donationSelect,
    h('button', { type: 'submit', id: 'trace-button' }, 'Where did my money go?'),
  );
  traceForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void trace();
  });
  const slots = {
    progress: h('div'),
    flow: h('div', { class: 'sankey-wrap' }),
    trace: h('div', { 'aria-live': 'polite', class: 'verify-result' }),
  };
  frame.body.append(
    part('Campaigns', slots.progress),
    h('div', { class: 'field inline' }, h('label', { for: 'donation-campaign' }, 'Campaign'), campaignSelect),
    part('Flow of funds', slots.flow),
    h(
      'div',
      { class: 'part' },
      h('h3', { id: 'trace-heading' }, 'Where did my money go?'),
      traceForm,
      slots.trace,
    ),
  );

  const q = <T>(fn: string, args: string[]) =>
    context.client.query<T>(channel!, 'donation-tracking', fn, args);

  async function showCampaign(): Promise<void> {
    const campaign = campaigns.find((c) => c.campaignId === selected);
    if (!campaign) {
      replaceWith(slots.flow, h('p', { class: 'empty' }, 'No campaigns yet.'));
      return;
    }
    try {
      const [donationList, disbursements, milestones] = await Promise.all([
        context.client.queryAll<Donation>(channel!, 'donation-tracking', 'ListDonations', [
          campaign.campaignId,
        ]),
        context.client.queryAll<Disbursement>(channel!, 'donation-tracking', 'ListDisbursements', [
          campaign.campaignId,
        ]),
        q<CampaignMilestone[]>('ListMilestones', [campaign.campaignId]),
      ]);
      donations = donationList;
      const donorLabel = (d: Donation) =>
        d.anonymous ? `anonymous ${d.donationId.slice(0, 6)}` : shortDid(d.donorDid);
      const nodes: SankeyNode[] = [
        ...donations.map((d) => ({ id: `donation:${d.donationId}`, label: donorLabel(d), column: 0 })),
        ...milestones.map((m) => ({
          id: `milestone:${m.milestoneIndex}`,
          label: `${m.milestoneIndex}. ${m.description}`,
          column: 1,
        })),
        { id: 'held:', label: 'held, not yet spent', column: 1 },
        { id: 'refunded:', label: 'refunded', column: 1 },
        ...[...new Set(disbursements.map((d) => d.beneficiaryDid))].map((did) => ({
          id: `beneficiary:${did}`,
          label: shortDid(did),
          column: 2,
        })),
      ];
      const links: SankeyLink[] = [];
      for (const disbursement of disbursements) {
        for (const share of disbursement.allocations) {
          links.push({
            source: `donation:${share.donationId}`,
            target: `milestone:${disbursement.milestoneIndex}`,
            value: share.amountCents,
          });
        }
        links.push({
          source: `milestone:${disbursement.milestoneIndex}`,
          target: `beneficiary:${disbursement.beneficiaryDid}`,
          value: disbursement.amountCents,
        });
      }
      for (const d of donations) {
        const unspent = d.amountCents - d.allocatedCents - d.refundedCents;
        if (unspent > 0) links.push({ source: `donation:${d.donationId}`, target: 'held:', value: unspent });
        if (d.refundedCents > 0)
          links.push({ source: `donation:${d.donationId}`, target: 'refunded:', value: d.refundedCents });
      }
      const r = campaign.reconciliation;
      replaceWith(
        slots.flow,
        sankeyChart(
          nodes,
          links,
          `Flow of ${campaign.title}: ${donations.length} donations of ${money(r?.donatedCents ?? 0, campaign.currency)}, ${money(r?.disbursedCents ?? 0, campaign.currency)} disbursed to ${new Set(disbursements.map((d) => d.beneficiaryDid)).size} beneficiaries, ${money(r?.heldCents ?? 0, campaign.currency)} held`,
        ),
        h(
          'p',
          { class: 'hint' },
          'Amounts in cents of ',
          campaign.currency,
          '. Left: donations; middle: milestones; right: beneficiaries.',
        ),
        table(
          'Disbursements',
          ['Milestone', 'Beneficiary', 'Amount', 'Status', 'Funded by'],
          disbursements.map((d) => [
            String(d.milestoneIndex),
            didCell(d.beneficiaryDid),
            money(d.amountCents, campaign.currency),
            d.status,
            d.allocations
              .map((a) => `${shortHash(a.donationId, 6)} ${money(a.amountCents, campaign.currency)}`)
              .join(', '),
          ]),
          'Nothing disbursed yet.',
        ),
      );
      donationSelect.replaceChildren(
        ...donations.map((d) =>
          h(
            'option',
            { value: d.donationId },
            `${donorLabel(d)} · ${money(d.amountCents, campaign.currency)} · ${when(d.donatedAt)}`,
          ),
        ),
      );
    } catch (error) {
      replaceWith(slots.flow, verdict(false, errorText(error)));
    }
  }

  async function trace(): Promise<void> {
    const campaign = campaigns.find((c) => c.campaignId === selected);
    if (!campaign || !donationSelect.value) return;
    try {
      const result = await q<DonationTrace>('TraceDonation', [campaign.campaignId, donationSelect.value]);
      const currency = campaign.currency;
      replaceWith(
        slots.trace,
        h(
          'p',
          {},
          `${money(result.donation.amountCents, currency)} given ${when(result.donation.donatedAt)}:`,
        ),
        h(
          'ul',
          { class: 'trace' },
          result.allocations.map((a) =>
            h(
              'li',
              {},
              h('strong', {}, money(a.amountCents, currency)),
              ` to ${shortDid(a.beneficiaryDid)} for “${a.milestoneDescription}” (${a.disbursementStatus})`,
            ),
          ),
          result.refundedCents > 0
            ? h('li', {}, h('strong', {}, money(result.refundedCents, currency)), ' refunded')
            : null,
          result.unspentCents > 0
            ? h(
                'li',
                {},
                h('strong', {}, money(result.unspentCents, currency)),
                ' still held by the campaign',
              )
            : null,
        ),
      );
    } catch (error) {
      replaceWith(slots.trace, verdict(false, `Could not trace the donation: ${errorText(error)}`));
    }
  }

  async function load(): Promise<void> {
    try {
      const list = await context.client.queryAll<Campaign>(channel!, 'donation-tracking', 'ListCampaigns');
      campaigns = await Promise.all(
        list.map(async (c) => ({
          ...c,
          reconciliation: await q<CampaignReconciliation>('ReconcileCampaign', [c.campaignId]).catch(
            () => undefined,
          ),
        })),
      );
      frame.setState('live');
      if (!selected || !campaigns.some((c) => c.campaignId === selected)) selected = campaigns[0]?.campaignId;
      campaignSelect.replaceChildren(
        ...campaigns.map((c) =>
          h('option', { value: c.campaignId, selected: c.campaignId === selected }, c.title),
        ),
      );
      replaceWith(
        slots.progress,
        campaigns.length
          ? h(
              'ul',
              { class: 'campaigns' },
              campaigns.map((c) => {
                const r = c.reconciliation;
                const donated = r?.donatedCents ?? 0;
                return h(
                  'li',
                  {},
                  h('span', { class: 'campaign-title' }, c.title),
                  h('progress', {
                    max: c.goalCents,
                    value: Math.min(donated, c.goalCents),
                    'aria-label': `${c.title}: ${money(donated, c.currency)} of ${money(c.goalCents, c.currency)}`,
                  }),
                  h(
                    'span',
                    { class: 'campaign-numbers' },
                    `${money(donated, c.currency)} of ${money(c.goalCents, c.currency)} · ${r?.status ?? c.status} · disbursed ${money(r?.disbursedCents ?? 0, c.currency)} · held ${money(r?.heldCents ?? 0, c.currency)}`,
                    r && !r.balanced ? ' · does not reconcile!' : '',
                  ),
                );
              }),
            )
          : h('p', { class: 'empty' }, 'No campaigns yet.'),
      );
      await showCampaign();
    } catch (error) {
      frame.showFailure(error, 'the donation campaigns');
    }
  }

  if (!channel) {
    frame.setState(
      'refused',
      'Donation tracking runs on channel civic, which your organisation is not a member of.',
    );
    return frame;
  }
  loadWithChaincodeEvents(context, channel, 'donation-tracking', load);
  return frame;
}
