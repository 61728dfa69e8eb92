import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ChaincodeDefinition,
  ChannelDefinition,
  CollectionDefinition,
  ConsortiumDefinition,
  OrganizationDefinition,
} from './consortium-schema';
import { ConsortiumError, parseConsortiumYaml, validateConsortiumDefinition } from './consortium-validation';
import { resolveEndorsementPolicy } from './endorsement-policy';
import { parseSignaturePolicy, policyMspIds, SignaturePolicy } from './signature-policy';

/** A lookup for an organisation, channel, chaincode or collection that the consortium does not declare. */
export class ConsortiumLookupError extends Error {
  readonly code = 'CONSORTIUM_LOOKUP';

  constructor(message: string) {
    super(message);
    this.name = 'ConsortiumLookupError';
  }
}

/** network/consortium.yaml, found relative to this module (dist/consortium/ or src/consortium/). */
export function defaultConsortiumPath(): string {
  return path.resolve(__dirname, '..', '..', 'consortium.yaml');
}

/**
 * Reads and validates a consortium file.
 *
 * @example
 * ```ts
 * const consortium = loadConsortium();
 * consortium.endorsementPolicy('civic', 'land-registry'); // AND('CityMSP.peer', 'AuditorMSP.peer')
 * ```
 * @throws ConsortiumError naming the file and every offending field.
 */
export function loadConsortium(filePath: string = defaultConsortiumPath()): Consortium {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConsortiumError(filePath, [{ path: '(file)', message: `cannot be read: ${reason}` }]);
  }
  return parseConsortium(text, filePath);
}

/**
 * Validates consortium YAML; `sourceName` names it in error messages.
 *
 * @throws ConsortiumError naming the source and every offending field.
 */
export function parseConsortium(yamlText: string, sourceName: string): Consortium {
  return Consortium.fromDefinition(parseConsortiumYaml(yamlText, sourceName), sourceName);
}

/**
 * A validated consortium definition and the questions the network and gateway ask of it. Lookups
 * of names the consortium does not declare throw a {@link ConsortiumLookupError}.
 */
export class Consortium {
  private readonly endorsementPolicies = new Map<string, SignaturePolicy>();

  private constructor(readonly definition: ConsortiumDefinition) {
    for (const channel of definition.channels) {
      for (const chaincode of channel.chaincodes) {
        this.endorsementPolicies.set(
          chaincodeKey(channel.name, chaincode.name),
          resolveEndorsementPolicy(chaincode.endorsementPolicy, channel.members),
        );
      }
    }
  }

  /**
   * Validates a definition built in code (for example in tests) the same way a file is validated.
   *
   * @throws ConsortiumError listing every problem.
   */
  static fromDefinition(input: unknown, sourceName = 'consortium definition'): Consortium {
    return new Consortium(deepFreeze(validateConsortiumDefinition(input, sourceName)));
  }

  /**
   * The consortium as the BFT profile runs it: the member organisations with their peers, plus one
   * ordering organisation per consenter MSP of `ordering.bft`; the Raft ordering org drops out.
   *
   * @throws ConsortiumLookupError when the definition has no `ordering.bft` section.
   */
  withBftOrdering(): Consortium {
    const bft = this.definition.ordering.bft;
    if (!bft) throw new ConsortiumLookupError('the consortium declares no ordering.bft consenters');
    const members = this.definition.organizations.filter((org) => org.peers.length > 0);
    const orderingOrgs = new Map<string, OrganizationDefinition>();
    for (const consenter of bft.consenters) {
      const org = orderingOrgs.get(consenter.mspId) ?? {
        mspId: consenter.mspId,
        name: `${this.organization(consenter.operator).name}: ordering`,
        domain: consenter.domain,
        peers: [],
        orderers: [],
      };
      orderingOrgs.set(consenter.mspId, { ...org, orderers: [...org.orderers, consenter.name] });
    }
    return Consortium.fromDefinition({
      ...this.definition,
      organizations: [...members.map((org) => ({ ...org, orderers: [] })), ...orderingOrgs.values()],
    });
  }

  /** The member that runs an ordering organisation's nodes on its host (BFT); the org itself otherwise. */
  operatorOf(mspId: string): string {
    return this.definition.ordering.bft?.consenters.find((c) => c.mspId === mspId)?.operator ?? mspId;
  }

  get name(): string {
    return this.definition.name;
  }

  get organizations(): readonly OrganizationDefinition[] {
    return this.definition.organizations;
  }

  organization(mspId: string): OrganizationDefinition {
    const org = this.definition.organizations.find((candidate) => candidate.mspId === mspId);
    if (!org) {
      throw new ConsortiumLookupError(
        `unknown organization '${mspId}' (declared: ${this.definition.organizations.map((o) => o.mspId).join(', ')})`,
      );
    }
    return org;
  }

  /** Organisations that run peers, and so can join channels and endorse. */
  peerOrganizations(): OrganizationDefinition[] {
    return this.definition.organizations.filter((org) => org.peers.length > 0);
  }

  channel(name: string): ChannelDefinition {
    const channel = this.definition.channels.find((candidate) => candidate.name === name);
    if (!channel) {
      throw new ConsortiumLookupError(
        `unknown channel '${name}' (declared: ${this.channelNames().join(', ')})`,
      );
    }
    return channel;
  }

  channelNames(): string[] {
    return this.definition.channels.map((channel) => channel.name);
  }

  /** The channels an organisation is a member of. */
  channelsOf(mspId: string): ChannelDefinition[] {
    this.organization(mspId);
    return this.definition.channels.filter((channel) => channel.members.includes(mspId));
  }

  chaincode(channelName: string, chaincodeName: string): ChaincodeDefinition {
    const channel = this.channel(channelName);
    const chaincode = channel.chaincodes.find((candidate) => candidate.name === chaincodeName);
    if (!chaincode) {
      throw new ConsortiumLookupError(
        `channel '${channelName}' has no chaincode '${chaincodeName}' ` +
          `(deployed: ${channel.chaincodes.map((c) => c.name).join(', ') || 'none'})`,
      );
    }
    return chaincode;
  }

  /** The chaincode's endorsement policy as a signature policy over the channel's members. */
  endorsementPolicy(channelName: string, chaincodeName: string): SignaturePolicy {
    this.chaincode(channelName, chaincodeName);
    return this.endorsementPolicies.get(chaincodeKey(channelName, chaincodeName))!;
  }

  collection(channelName: string, chaincodeName: string, collectionName: string): CollectionDefinition {
    const chaincode = this.chaincode(channelName, chaincodeName);
    const collection = chaincode.collections.find((candidate) => candidate.name === collectionName);
    if (!collection) {
      throw new ConsortiumLookupError(
        `chaincode '${chaincodeName}' on channel '${channelName}' has no collection '${collectionName}' ` +
          `(defined: ${chaincode.collections.map((c) => c.name).join(', ') || 'none'})`,
      );
    }
    return collection;
  }

  /** The MSP IDs the collection's member policy names: the organisations that hold its private data. */
  collectionMembers(channelName: string, chaincodeName: string, collectionName: string): string[] {
    const collection = this.collection(channelName, chaincodeName, collectionName);
    return policyMspIds(parseSignaturePolicy(collection.policy));
  }
}

function chaincodeKey(channelName: string, chaincodeName: string): string {
  return `${channelName}\u0000${chaincodeName}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
