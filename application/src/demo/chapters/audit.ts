import type { StoryContext } from '../story-context';

/** The auditor recomputes both channels' hash chains and signatures: nothing was tampered with. */
export async function verifyChains(story: StoryContext): Promise<Record<string, boolean>> {
  const { narrator, cast } = story;
  const auditor = story.as(cast.auditor);
  narrator.chapter(
    'The auditor verifies the chain',
    'Every block’s data hash, the header hash chain, the orderer’s signature and every endorsement are recomputed.',
  );
  const verified: Record<string, boolean> = {};
  for (const channel of ['energy', 'civic']) {
    narrator.step(`Verify channel ${channel}`, `GET /channels/${channel}/verify`);
    const answer = await auditor.get(`/channels/${channel}/verify`);
    verified[channel] = answer.ok === true;
    narrator.result(
      answer.ok
        ? `${channel}: ${answer.height} blocks, chain verified`
        : `${channel}: FIRST BAD BLOCK ${answer.firstBadBlock} — ${answer.reason}`,
    );
  }
  return verified;
}
