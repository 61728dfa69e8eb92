import { createHash } from 'node:crypto';
import type { EmbeddedNetwork } from '@cityledger/network';
import { expect } from 'chai';
import type { HttpAnswer, TestGateway } from '../testing/test-gateway';

/** Height and a digest of the whole public world state of each channel. */
export interface LedgerSnapshot {
  heights: Record<string, number>;
  stateDigests: Record<string, string>;
}

/**
 * The embedded network behind a test gateway. The connector keeps it private because nothing in
 * the gateway may bypass the connector; a test that must prove "nothing changed" reads the world
 * state directly so that the proof does not depend on the gateway's own answers.
 */
function networkOf(gateway: TestGateway): EmbeddedNetwork {
  return (gateway.running.ledger as unknown as { network: EmbeddedNetwork }).network;
}

export async function snapshotLedger(gateway: TestGateway): Promise<LedgerSnapshot> {
  const network = networkOf(gateway);
  const snapshot: LedgerSnapshot = { heights: {}, stateDigests: {} };
  for (const channel of network.channelNames()) {
    snapshot.heights[channel] = network.height(channel);
    const hash = createHash('sha256');
    for await (const { namespace, key, record } of network.ledger(channel).scanState()) {
      hash.update(JSON.stringify([namespace, key, record.value.toString('base64')]));
    }
    snapshot.stateDigests[channel] = hash.digest('hex');
  }
  return snapshot;
}

/** Asserts that no block was added and no key of any channel's world state changed. */
export async function expectLedgerUnchanged(
  gateway: TestGateway,
  before: LedgerSnapshot,
  context = '',
): Promise<void> {
  const after = await snapshotLedger(gateway);
  expect(after.heights, `ledger heights ${context}`).to.deep.equal(before.heights);
  expect(after.stateDigests, `world state ${context}`).to.deep.equal(before.stateDigests);
}

export interface ExpectedRefusal {
  status: number;
  code?: string;
  /** The field the error must name (`error.field`, and the message starts with it). */
  field?: string;
}

/**
 * Checks that an answer is a clear refusal: the expected 4xx status, a JSON body
 * `{"error": {"code", "message"}}` and, for invalid input, the field. Returns a description of
 * what is wrong, or undefined — batteries collect these to report every failing case at once.
 */
export function refusalProblem(answer: HttpAnswer, expected: ExpectedRefusal): string | undefined {
  const error = (answer.body as { error?: { code?: unknown; message?: unknown; field?: unknown } })?.error;
  const got = `${answer.status} ${typeof answer.body === 'string' ? answer.body.slice(0, 200) : JSON.stringify(answer.body).slice(0, 300)}`;
  if (answer.status !== expected.status) return `expected ${expected.status}, got ${got}`;
  if (!(answer.headers.get('content-type') ?? '').includes('application/json')) {
    return `expected a JSON error, got ${answer.headers.get('content-type')}: ${got}`;
  }
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string' || !error.message) {
    return `expected {"error": {"code", "message"}}, got ${got}`;
  }
  if (expected.code && error.code !== expected.code) return `expected code ${expected.code}, got ${got}`;
  if (expected.field !== undefined) {
    if (error.field !== expected.field) return `expected field ${expected.field}, got ${got}`;
    if (!error.message.startsWith(expected.field))
      return `the message does not name ${expected.field}: ${got}`;
  }
  return undefined;
}

export function expectRefusal(answer: HttpAnswer, expected: ExpectedRefusal, context = ''): void {
  const problem = refusalProblem(answer, expected);
  expect(problem, context).to.equal(undefined);
}
