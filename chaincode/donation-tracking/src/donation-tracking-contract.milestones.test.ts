import { expect } from 'chai';
import {
  alice,
  auditor,
  auditorAdmin,
  cityAdmin,
  cityOperator,
  cityRegistrar,
  DonationHarness,
  failure,
  organiser,
  sha,
} from './donation-test-support';

describe('donation-tracking: milestones', () => {
  let h: DonationHarness;
  beforeEach(async () => {
    h = new DonationHarness();
    await h.createCampaign();
  });

  it('takes evidence from the organiser and marks the milestone submitted', async () => {
    const hashes = [sha('invoice.pdf'), sha('photo.jpg')];
    const milestone = await h.submit(organiser, (c, ctx) =>
      c.SubmitMilestoneEvidence(ctx, 'winter-shelter', '1', JSON.stringify(hashes), 'beds delivered'),
    );
    expect(milestone.status).to.equal('submitted');
    expect(milestone.evidence).to.deep.include({ documentHashes: hashes, note: 'beds delivered' });
    expect(h.ledger.lastEvent()).to.deep.include({ name: 'MilestoneEvidenceSubmitted' });
  });

  it('lets the auditor approve submitted evidence, recording who decided', async () => {
    await h.submitEvidence(1);
    const milestone = await h.approve(1);
    expect(milestone.status).to.equal('approved');
    expect(milestone.decision).to.deep.include({
      approved: true,
      decidedByMsp: 'AuditorMSP',
      decidedByRole: 'auditor',
      reason: 'invoice checked',
    });
    expect(h.ledger.lastEvent()!.name).to.equal('MilestoneApproved');
  });

  it('lets the City admin reject with a reason, after which the organiser may submit again', async () => {
    await h.submitEvidence(2);
    const rejected = await h.submit(cityAdmin, (c, ctx) =>
      c.RejectMilestone(ctx, 'winter-shelter', '2', 'receipts unreadable'),
    );
    expect(rejected.status).to.equal('rejected');
    expect(rejected.decision).to.deep.include({
      approved: false,
      reason: 'receipts unreadable',
      decidedByMsp: 'CityMSP',
    });
    expect(h.ledger.lastEvent()).to.deep.include({ name: 'MilestoneRejected' });
    await h.submitEvidence(2);
    await h.approve(2);
    const history = await h.evaluate(alice, (c, ctx) => c.GetMilestoneHistory(ctx, 'winter-shelter', '2'));
    expect(history.map((e) => e.value!.status)).to.deep.equal([
      'approved',
      'submitted',
      'rejected',
      'submitted',
      'pending',
    ]);
  });

  for (const [who, actor] of [
    ['the organiser', organiser],
    ['an auditor without the auditor role', auditorAdmin],
    ['a City registrar', cityRegistrar],
    ['a City operator', cityOperator],
    ['a citizen', alice],
  ] as const) {
    it(`denies ${who} the approval or rejection of a milestone`, async () => {
      await h.submitEvidence(1);
      const before = h.snapshot();
      expect(
        await failure(h.submit(actor, (c, ctx) => c.ApproveMilestone(ctx, 'winter-shelter', '1', ''))),
      ).to.match(
        /^ACCESS_DENIED: .* may not approve a milestone; allowed: AuditorMSP with role 'auditor' or CityMSP with role 'admin'/,
      );
      expect(
        await failure(h.submit(actor, (c, ctx) => c.RejectMilestone(ctx, 'winter-shelter', '1', 'no'))),
      ).to.match(/^ACCESS_DENIED: .* may not reject a milestone/);
      expect(h.snapshot()).to.deep.equal(before);
    });
  }

  it('denies evidence submission to anyone but the organiser', async () => {
    expect(
      await failure(
        h.submit(auditor, (c, ctx) =>
          c.SubmitMilestoneEvidence(ctx, 'winter-shelter', '1', JSON.stringify([sha('x')]), ''),
        ),
      ),
    ).to.match(/^ACCESS_DENIED: AuditorMSP 'auditor' may not submit milestone evidence/);
  });

  it('requires a reason to reject', async () => {
    await h.submitEvidence(1);
    expect(
      await failure(h.submit(auditor, (c, ctx) => c.RejectMilestone(ctx, 'winter-shelter', '1', ''))),
    ).to.equal('INVALID_ARGUMENT: reason: must not be empty');
  });

  it('decides only submitted evidence', async () => {
    expect(await failure(h.approve(1))).to.equal(
      'CONFLICT: milestone 1 of campaign winter-shelter is pending; only submitted evidence can be decided',
    );
    await h.submitEvidence(1);
    await h.approve(1);
    expect(await failure(h.approve(1))).to.match(
      /^CONFLICT: milestone 1 of campaign winter-shelter is approved/,
    );
    expect(await failure(h.submitEvidence(1))).to.equal(
      'CONFLICT: milestone 1 of campaign winter-shelter is approved; evidence is for pending or rejected milestones',
    );
  });

  it('refuses evidence that is not a list of SHA-256 hashes', async () => {
    for (const [json, expected] of [
      ['[]', 'INVALID_ARGUMENT: documentHashesJson: must have at least 1 item(s)'],
      ['["abc"]', /^INVALID_ARGUMENT: documentHashesJson\[0\]: must be a SHA-256 hash/],
      [JSON.stringify([sha('a'), sha('a')]), /^INVALID_ARGUMENT: documentHashesJson\[1\]: duplicates/],
      ['{', /^INVALID_ARGUMENT: documentHashesJson: is not valid JSON/],
    ] as const) {
      const message = await failure(
        h.submit(organiser, (c, ctx) => c.SubmitMilestoneEvidence(ctx, 'winter-shelter', '1', json, '')),
      );
      if (typeof expected === 'string') expect(message).to.equal(expected);
      else expect(message).to.match(expected);
    }
  });

  it('refuses milestone numbers that are not 1-based integers, and unknown milestones', async () => {
    expect(await failure(h.submitEvidence(0))).to.match(
      /^INVALID_ARGUMENT: milestoneIndex: must be between 1 and 50/,
    );
    expect(
      await failure(h.evaluate(alice, (c, ctx) => c.GetMilestone(ctx, 'winter-shelter', 'one'))),
    ).to.match(/^INVALID_ARGUMENT: milestoneIndex: must be an integer/);
    expect(await failure(h.submitEvidence(3))).to.equal(
      'NOT_FOUND: milestone 3 of campaign winter-shelter does not exist',
    );
  });

  it('freezes milestones of a cancelled campaign', async () => {
    await h.submitEvidence(1);
    await h.submit(organiser, (c, ctx) => c.CancelCampaign(ctx, 'winter-shelter', 'venue lost'));
    expect(await failure(h.approve(1))).to.equal(
      'CONFLICT: campaign winter-shelter is cancelled and cannot be approved',
    );
    expect(await failure(h.submitEvidence(2))).to.equal(
      'CONFLICT: campaign winter-shelter is cancelled and cannot be given evidence',
    );
  });
});
