import { randomBytes } from 'node:crypto';
import type { DemoGateway, DemoUser, UserSession } from './demo-client';
import type { Narrator } from './narrator';
import type { StoryClock } from './story-clock';

/** Who plays in the story. Ids carry the run id, so the demo can run again on the same ledger. */
export interface Cast {
  registrar: DemoUser;
  gridOperator: DemoUser;
  alice: DemoUser;
  bob: DemoUser;
  sam: DemoUser;
  nora: DemoUser;
  electionAuthority: DemoUser;
  ballotBox: DemoUser;
  organiser: DemoUser;
  shelter: DemoUser;
  auditor: DemoUser;
}

export interface StoryContext {
  gateway: DemoGateway;
  narrator: Narrator;
  runId: string;
  cast: Cast;
  /** The ledger's time: the wall clock, or a clock that skips the waits on the demo's own network. */
  clock: StoryClock;
  /** Longest the story waits for the market clock (an interval's gate closure and end). */
  maxMarketWaitMs: number;
  as(user: DemoUser): UserSession;
}

export const civicDid = (id: string) => `did:cityledger:civic:${id}`;
export const energyDid = (id: string) => `did:cityledger:energy:${id}`;

export function castFor(runId: string): Cast {
  const citizen = (name: string, channelDid: (id: string) => string): DemoUser => {
    const id = `${name}-${runId}`;
    return { userId: id, org: 'CityMSP', role: 'citizen', did: channelDid(id) };
  };
  return {
    registrar: { userId: 'rita', org: 'CityMSP', role: 'registrar' },
    gridOperator: { userId: 'uma', org: 'UtilityMSP', role: 'operator' },
    alice: citizen('alice', civicDid),
    bob: citizen('bob', civicDid),
    sam: citizen('sam', energyDid),
    nora: citizen('nora', energyDid),
    electionAuthority: { userId: 'elena', org: 'CityMSP', role: 'election-authority' },
    ballotBox: { userId: 'ballot-box-1', org: 'CommunityMSP', role: 'ballot-box' },
    organiser: { userId: 'olga', org: 'CommunityMSP', role: 'admin' },
    shelter: citizen('shelter-keeper', civicDid),
    auditor: { userId: 'audrey', org: 'AuditorMSP', role: 'auditor' },
  };
}

/** Tells what the story waits for (`what`, e.g. "gate closure") and waits until `time` is past. */
export async function waitForMoment(story: StoryContext, what: string, time: number): Promise<void> {
  const seconds = Math.round((time - story.clock.now()) / 1000);
  story.narrator.step(
    story.clock.skipsWaits
      ? `Moving the embedded network's clock ${seconds} s ahead, to ${what}…`
      : `Waiting for ${what} (${seconds} s)…`,
  );
  await story.clock.waitUntil(time);
}

/** Personal data as the City keeps it (in its private collection; the ledger sees only a hash). */
export function personalDataOf(name: string, address: string) {
  return { name, birthDate: '1988-05-17', address, salt: randomSalt() };
}

function randomSalt(): string {
  return randomBytes(16).toString('hex');
}
