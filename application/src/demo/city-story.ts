import { verifyChains } from './chapters/audit';
import { fundShelter } from './chapters/donations';
import { tradeEnergy } from './chapters/energy-market';
import { sellParcel } from './chapters/land-sale';
import { voteOnBudget } from './chapters/participatory-budget';
import { registerResidents } from './chapters/residents';
import type { DemoGateway } from './demo-client';
import type { Narrator } from './narrator';
import { type StoryClock, wallClock } from './story-clock';
import { type StoryContext, castFor } from './story-context';

export interface StoryOutcome {
  /** Channel → whether the auditor's chain verification passed. */
  verified: Record<string, boolean>;
}

/**
 * The smart-city story of the seed deck, through the REST API only: identities for a citizen and a
 * smart meter, a peer-to-peer energy trade, a land sale, a participatory-budget vote, a donation
 * followed to its beneficiary, and the auditor's verification of the chain.
 */
export async function runCityStory(
  gateway: DemoGateway,
  narrator: Narrator,
  options: { runId?: string; maxMarketWaitMs?: number; clock?: StoryClock } = {},
): Promise<StoryOutcome> {
  const runId = options.runId ?? Date.now().toString(36);
  const story: StoryContext = {
    gateway,
    narrator,
    runId,
    cast: castFor(runId),
    clock: options.clock ?? wallClock,
    maxMarketWaitMs: options.maxMarketWaitMs ?? 3 * 60_000,
    as: (user) => gateway.as(user),
  };
  const residents = await registerResidents(story);
  await tradeEnergy(story, residents);
  await sellParcel(story);
  await voteOnBudget(story);
  await fundShelter(story);
  return { verified: await verifyChains(story) };
}
