import { expect } from 'chai';
import {
  ALICE_DID,
  auditor,
  BAKER_DID,
  CITY_ORG_DID,
  cityAdmin,
  communityCitizen,
  DEADLINE,
  DonationHarness,
  failure,
  GONE_DID,
  MILESTONES,
  ORG_DID,
  organiser,
  organiserAdmin,
  SENSOR_DID,
  SHELTER_DID,
} from './donation-test-support';

type CreateArgs = [string, string, string, string, string, string, string, string];

const args = (overrides: Partial<Record<number, string>> = {}): CreateArgs => {
  const base: CreateArgs = [
    'winter-shelter',
    ORG_DID,
    'Winter shelter 2025',
    '100000',
    'EUR',
    DEADLINE,
    JSON.stringify([SHELTER_DID, BAKER_DID]),
    JSON.stringify(MILESTONES),
  ];
  return base.map((value, i) => overrides[i] ?? value) as CreateArgs;
};

describe('donation-tracking: campaigns', () => {
  let h: DonationHarness;
  beforeEach(() => {
    h = new DonationHarness();
  });

  it('opens a campaign with its milestones pending and announces it', async () => {
    const campaign = await h.createCampaign();
    expect(campaign).to.deep.include({
      campaignId: 'winter-shelter',
      organiserDid: ORG_DID,
      organiserMsp: 'CommunityMSP',
      goalCents: 100000,
      currency: 'EUR',
      deadline: DEADLINE,
      beneficiaryDids: [SHELTER_DID, BAKER_DID],
      milestoneCount: 2,
      status: 'open',
    });
    const milestones = await h.evaluate(auditor, (c, ctx) => c.ListMilestones(ctx, 'winter-shelter'));
    expect(
      milestones.map((m) => [m.milestoneIndex, m.status, m.amountCents, m.disbursedCents]),
    ).to.deep.equal([
      [1, 'pending', 60000, 0],
      [2, 'pending', 40000, 0],
    ]);
    expect(h.ledger.lastEvent()).to.deep.include({ name: 'CampaignCreated' });
    expect(h.ledger.lastEvent()!.payload).to.deep.include({
      campaignId: 'winter-shelter',
      goalCents: 100000,
    });
    expect(await h.evaluate(auditor, (c, ctx) => c.GetCampaign(ctx, 'winter-shelter'))).to.deep.equal(
      campaign,
    );
  });

  it('lets CommunityMSP admins create campaigns too', async () => {
    const campaign = await h.submit(organiserAdmin, (c, ctx) => c.CreateCampaign(ctx, ...args()));
    expect(campaign.status).to.equal('open');
  });

  for (const [who, actor] of [
    ['a City admin', cityAdmin],
    ['the auditor', auditor],
    ['a CommunityMSP citizen', communityCitizen],
  ] as const) {
    it(`denies ${who} the creation of a campaign`, async () => {
      expect(await failure(h.submit(actor, (c, ctx) => c.CreateCampaign(ctx, ...args())))).to.match(
        /^ACCESS_DENIED: .* may not create a campaign/,
      );
      expect(h.ledger.state.size).to.equal(0);
    });
  }

  it('refuses to run a campaign for an organisation DID another MSP controls', async () => {
    expect(
      await failure(h.submit(organiser, (c, ctx) => c.CreateCampaign(ctx, ...args({ 1: CITY_ORG_DID })))),
    ).to.match(
      /^ACCESS_DENIED: .* may not run a campaign for did:cityledger:civic:city, which CityMSP controls/,
    );
  });

  it('requires the organiser DID to be an organisation', async () => {
    expect(
      await failure(h.submit(organiser, (c, ctx) => c.CreateCampaign(ctx, ...args({ 1: ALICE_DID })))),
    ).to.equal('INVALID_ARGUMENT: organiserDid: must be an organisation DID, not a person');
  });

  it('refuses a second campaign with the same id', async () => {
    await h.createCampaign();
    expect(await failure(h.createCampaign())).to.equal('CONFLICT: campaign winter-shelter already exists');
  });

  const invalid: [string, Partial<Record<number, string>>, RegExp | string][] = [
    ['an id with a separator', { 0: 'a/b' }, /^INVALID_ARGUMENT: campaignId: /],
    ['an empty title', { 2: '' }, 'INVALID_ARGUMENT: title: must not be empty'],
    ['a goal in fractions of a cent', { 3: '1000.5' }, /^INVALID_ARGUMENT: goalCents: must be an integer/],
    ['a goal of zero', { 3: '0' }, /^INVALID_ARGUMENT: goalCents: must be between 1 and/],
    ['a lower-case currency', { 4: 'eur' }, /^INVALID_ARGUMENT: currency: must be an ISO 4217 currency code/],
    [
      'a deadline in the past',
      { 5: '2024-12-31T00:00:00Z' },
      /^INVALID_ARGUMENT: deadline: must be after the transaction time/,
    ],
    [
      'a deadline that is not a timestamp',
      { 5: 'tomorrow' },
      /^INVALID_ARGUMENT: deadline: must be an ISO-8601/,
    ],
    ['no beneficiaries', { 6: '[]' }, 'INVALID_ARGUMENT: beneficiaryDidsJson: must have at least 1 item(s)'],
    [
      'a beneficiary listed twice',
      { 6: JSON.stringify([SHELTER_DID, SHELTER_DID]) },
      /^INVALID_ARGUMENT: beneficiaryDidsJson\[1\]: duplicates/,
    ],
    [
      'a device as beneficiary',
      { 6: JSON.stringify([SENSOR_DID]) },
      'INVALID_ARGUMENT: beneficiaryDidsJson[0]: must be a person or an organisation, not a device',
    ],
    [
      'milestones that miss the goal',
      { 3: '90000' },
      'INVALID_ARGUMENT: milestonesJson: milestone amounts add up to 100000, not to goalCents 90000',
    ],
    ['milestones that are not JSON', { 7: '[{' }, /^INVALID_ARGUMENT: milestonesJson: is not valid JSON/],
  ];
  for (const [what, overrides, expected] of invalid) {
    it(`rejects ${what} and writes nothing`, async () => {
      const message = await failure(
        h.submit(organiser, (c, ctx) => c.CreateCampaign(ctx, ...args(overrides))),
      );
      if (typeof expected === 'string') expect(message).to.equal(expected);
      else expect(message).to.match(expected);
      expect(h.ledger.state.size).to.equal(0);
      expect(h.ledger.events).to.have.length(0);
    });
  }

  it('refuses unknown and deactivated beneficiaries', async () => {
    expect(
      await failure(
        h.submit(organiser, (c, ctx) =>
          c.CreateCampaign(ctx, ...args({ 6: '["did:cityledger:civic:nobody"]' })),
        ),
      ),
    ).to.equal('NOT_FOUND: did:cityledger:civic:nobody is not registered');
    expect(
      await failure(
        h.submit(organiser, (c, ctx) => c.CreateCampaign(ctx, ...args({ 6: JSON.stringify([GONE_DID]) }))),
      ),
    ).to.equal(`CONFLICT: ${GONE_DID} is not active (did-deactivated)`);
  });

  it('lists campaigns page by page', async () => {
    await h.createCampaign({ campaignId: 'a' });
    await h.createCampaign({ campaignId: 'b' });
    await h.createCampaign({ campaignId: 'c' });
    const first = await h.evaluate(auditor, (c, ctx) => c.ListCampaigns(ctx, '2', ''));
    expect(first.records.map((r) => r.campaignId)).to.deep.equal(['a', 'b']);
    const second = await h.evaluate(auditor, (c, ctx) => c.ListCampaigns(ctx, '2', first.bookmark));
    expect(second.records.map((r) => r.campaignId)).to.deep.equal(['c']);
    expect(second.bookmark).to.equal('');
  });

  it('answers NOT_FOUND for an unknown campaign', async () => {
    expect(await failure(h.evaluate(auditor, (c, ctx) => c.GetCampaign(ctx, 'nope')))).to.equal(
      'NOT_FOUND: campaign nope does not exist',
    );
  });
});
