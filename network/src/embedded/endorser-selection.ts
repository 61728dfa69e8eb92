import { minimumOrgSets } from '../consortium/signature-policy';
import type { ChannelRuntime, DeployedCollection } from './channel-runtime';
import type { EndorsementResult } from './peer/endorsing-peer';
import type { CollectionRef } from './protocol/read-write-set-builder';
import { applicablePolicies } from './validation/applicable-policies';

/** Why no set of endorsers could be chosen; the message is the Fabric Gateway's own. */
export class EndorserSelectionError extends Error {
  constructor(
    readonly reason: 'private-data-distribution' | 'no-endorsement-plan',
    message: string,
  ) {
    super(message);
  }
}

export interface EndorserSelectionOptions {
  /** The proposal carries transient data, which must reach only members of the collections written. */
  hasTransientData: boolean;
  /** Whether an organisation has a peer to endorse on. */
  hasPeer(mspId: string): boolean;
}

/**
 * The organisations still needed beyond the first endorser's, chosen as the Fabric Gateway does
 * from the first endorser's read/write set: the policies its writes call for (chaincode,
 * collection-level or state-based), endorsed only by members of every collection whose values it
 * read and — when the proposal carries transient data — of every collection it writes. When only
 * that protection of transient data makes the policies unsatisfiable, the Gateway refuses with
 * FAILED_PRECONDITION rather than send the data to a non-member.
 */
export async function additionalEndorsers(
  runtime: ChannelRuntime,
  chaincode: string,
  first: EndorsementResult,
  options: EndorserSelectionOptions,
): Promise<string[]> {
  const policies = await applicablePolicies(runtime, chaincode, first.readWriteSet!, runtime.ledger);
  const combined = { kind: 'outOf' as const, n: policies.length, rules: policies };
  const candidates = minimumOrgSets(combined).filter((set) =>
    set.every((org) => runtime.members.has(org) && options.hasPeer(org)),
  );
  const readCollections = first.privateValueReads.map((ref) => collectionOf(runtime, ref));
  const read = new Set(readCollections.map((c) => c.name));
  const protectedCollections = options.hasTransientData
    ? writtenCollections(runtime, first).filter((c) => !read.has(c.name))
    : [];
  const usable = candidates.filter(withinAll([...readCollections, ...protectedCollections]));
  if (usable.length === 0 && candidates.length > 0) {
    if (protectedCollections.length > 0 && candidates.some(withinAll(readCollections))) {
      throw new EndorserSelectionError(
        'private-data-distribution',
        `requires endorsement from organisation(s) that are not in the distribution policy of the private data collection(s): [${protectedCollections.map((c) => c.name).join(' ')}]; retry specifying trusted endorsing organizations to protect transient data`,
      );
    }
    throw new EndorserSelectionError(
      'no-endorsement-plan',
      'no peer combination can satisfy the endorsement policy',
    );
  }
  const chosen = usable.find((set) => set.includes(first.mspId)) ?? usable[0] ?? [];
  return chosen.filter((org) => org !== first.mspId);
}

function withinAll(collections: DeployedCollection[]): (orgs: string[]) => boolean {
  return (orgs) => orgs.every((org) => collections.every((c) => c.members.has(org)));
}

/** The collections the simulation wrote a key or key metadata of, in name order. */
function writtenCollections(runtime: ChannelRuntime, first: EndorsementResult): DeployedCollection[] {
  const written = first.readWriteSet!.namespaces.flatMap((ns) =>
    ns.collections
      .filter((c) => c.hashedWrites.length > 0 || c.metadataWrites.length > 0)
      .map((c) => collectionOf(runtime, { namespace: ns.namespace, collection: c.collection })),
  );
  return written.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function collectionOf(runtime: ChannelRuntime, ref: CollectionRef): DeployedCollection {
  const collection = runtime.chaincode(ref.namespace)?.collections.get(ref.collection);
  if (!collection) throw new Error(`collection ${ref.collection} of ${ref.namespace} is not defined`);
  return collection;
}
