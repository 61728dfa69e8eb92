import { LineCounter, parseDocument } from 'yaml';
import { ConsortiumDefinition, consortiumSchema } from './consortium-schema';
import { resolveEndorsementPolicy } from './endorsement-policy';
import { parseSignaturePolicy, policyMspIds } from './signature-policy';

/** One thing wrong with a consortium definition; `path` is the field, e.g. `channels[0].name`. */
export interface ConsortiumProblem {
  path: string;
  message: string;
}

/** A consortium definition that cannot be used; the message lists every problem, one per line. */
export class ConsortiumError extends Error {
  readonly code = 'CONSORTIUM_INVALID';

  constructor(
    /** The file (or other source) the definition came from. */
    readonly source: string,
    readonly problems: readonly ConsortiumProblem[],
  ) {
    super(problems.map((problem) => `${source}: ${problem.path}: ${problem.message}`).join('\n'));
    this.name = 'ConsortiumError';
  }
}

/**
 * Parses YAML text into plain data, still to be validated.
 *
 * @throws ConsortiumError naming the source and the line and column of each syntax error.
 */
export function parseConsortiumYaml(yamlText: string, sourceName: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(yamlText, { prettyErrors: false, lineCounter });
  if (document.errors.length > 0) {
    throw new ConsortiumError(
      sourceName,
      document.errors.map((error) => {
        const at = lineCounter.linePos(error.pos[0]);
        return { path: `line ${at.line}, column ${at.col}`, message: `YAML syntax error: ${error.message}` };
      }),
    );
  }
  return document.toJS();
}

/**
 * Validates a parsed value against the schema, then checks that its names are unique and that
 * every reference (channel members, policy principals) points at something declared.
 *
 * @throws ConsortiumError listing every problem found.
 */
export function validateConsortiumDefinition(input: unknown, sourceName: string): ConsortiumDefinition {
  const parsed = consortiumSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConsortiumError(
      sourceName,
      parsed.error.issues.map((issue) => ({ path: formatFieldPath(issue.path), message: issue.message })),
    );
  }
  const problems = crossReferenceProblems(parsed.data);
  if (problems.length > 0) throw new ConsortiumError(sourceName, problems);
  return parsed.data;
}

export function formatFieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = String(key);
      return i === 0 ? name : `.${name}`;
    })
    .join('');
}

function crossReferenceProblems(definition: ConsortiumDefinition): ConsortiumProblem[] {
  const problems: ConsortiumProblem[] = [];
  const report = (path: string, message: string): void => {
    problems.push({ path, message });
  };

  reportDuplicates(
    definition.organizations.map((org) => org.mspId),
    (i, mspId, first) =>
      report(`organizations[${i}].mspId`, `duplicate MSP ID '${mspId}' (also organizations[${first}])`),
  );
  definition.organizations.forEach((org, i) => {
    // Peers and orderers share the organisation's domain, so their host names must differ.
    const nodePaths = [
      ...org.peers.map((_, j) => `organizations[${i}].peers[${j}]`),
      ...org.orderers.map((_, j) => `organizations[${i}].orderers[${j}]`),
    ];
    reportDuplicates([...org.peers, ...org.orderers], (j, name) =>
      report(nodePaths[j], `node name '${name}' is used twice in ${org.mspId}`),
    );
  });
  if (!definition.organizations.some((org) => org.orderers.length > 0)) {
    report('organizations', 'no organization declares an orderer; the ordering service needs at least one');
  }

  const organizations = new Map(definition.organizations.map((org) => [org.mspId, org]));
  const consenters = definition.ordering.bft?.consenters ?? [];
  consenters.forEach((consenter, i) => {
    const path = `ordering.bft.consenters[${i}]`;
    const operator = organizations.get(consenter.operator);
    if (!operator) report(`${path}.operator`, `'${consenter.operator}' is not a declared organization`);
    else if (operator.peers.length === 0) {
      report(
        `${path}.operator`,
        `'${consenter.operator}' has no peers: a member runs the node on its own host`,
      );
    }
    // The ordering organisation may be declared as an organisation too (withBftOrdering does so).
    const isItself = (org: { mspId: string; domain: string; peers: string[] }) =>
      org.mspId === consenter.mspId && org.domain === consenter.domain && org.peers.length === 0;
    const clash = definition.organizations.find(
      (org) => (org.mspId === consenter.mspId || org.domain === consenter.domain) && !isItself(org),
    );
    if (clash) {
      report(
        path,
        `an ordering organisation needs its own MSP ID and domain; ${clash.mspId} already has ${clash.mspId === consenter.mspId ? 'that MSP ID' : `domain ${clash.domain}`}`,
      );
    }
  });
  reportDuplicates(
    consenters.map((c) => `${c.name}.${c.domain}`),
    (i, name, first) =>
      report(
        `ordering.bft.consenters[${i}]`,
        `consenter ${name} is listed twice (also consenters[${first}])`,
      ),
  );
  consenters.forEach((consenter, i) => {
    const first = consenters.findIndex((c) => c.mspId === consenter.mspId);
    if (first < i && consenters[first].domain !== consenter.domain) {
      report(
        `ordering.bft.consenters[${i}].domain`,
        `${consenter.mspId} has domain ${consenters[first].domain} in consenters[${first}]`,
      );
    }
  });

  reportDuplicates(
    definition.channels.map((channel) => channel.name),
    (i, name, first) =>
      report(`channels[${i}].name`, `duplicate channel name '${name}' (also channels[${first}])`),
  );

  definition.channels.forEach((channel, c) => {
    const channelPath = `channels[${c}]`;
    reportDuplicates(channel.members, (m, mspId) =>
      report(
        `${channelPath}.members[${m}]`,
        `'${mspId}' is listed twice as a member of channel '${channel.name}'`,
      ),
    );
    channel.members.forEach((mspId, m) => {
      const org = organizations.get(mspId);
      if (!org) {
        report(`${channelPath}.members[${m}]`, `'${mspId}' is not a declared organization`);
      } else if (org.peers.length === 0) {
        report(
          `${channelPath}.members[${m}]`,
          `'${mspId}' has no peers, so it cannot join channel '${channel.name}'`,
        );
      }
    });
    const members = [...new Set(channel.members)];

    reportDuplicates(
      channel.chaincodes.map((chaincode) => chaincode.name),
      (i, name, first) =>
        report(
          `${channelPath}.chaincodes[${i}].name`,
          `duplicate chaincode name '${name}' on channel '${channel.name}' (also chaincodes[${first}])`,
        ),
    );

    channel.chaincodes.forEach((chaincode, k) => {
      const chaincodePath = `${channelPath}.chaincodes[${k}]`;
      checkPolicy(`${chaincodePath}.endorsementPolicy`, () =>
        resolveEndorsementPolicy(chaincode.endorsementPolicy, members),
      );

      reportDuplicates(
        chaincode.collections.map((collection) => collection.name),
        (i, name, first) =>
          report(
            `${chaincodePath}.collections[${i}].name`,
            `duplicate collection name '${name}' in chaincode '${chaincode.name}' (also collections[${first}])`,
          ),
      );

      chaincode.collections.forEach((collection, l) => {
        const collectionPath = `${chaincodePath}.collections[${l}]`;
        checkPolicy(`${collectionPath}.policy`, () => {
          // Fabric requires a collection's member policy to be a signature policy.
          const outsiders = policyMspIds(parseSignaturePolicy(collection.policy)).filter(
            (id) => !members.includes(id),
          );
          if (outsiders.length > 0) {
            throw new Error(
              `names ${outsiders.map((id) => `'${id}'`).join(', ')}, not a member of channel '${channel.name}' ` +
                `(members: ${members.join(', ')})`,
            );
          }
        });
        if (collection.endorsementPolicy !== undefined) {
          const text = collection.endorsementPolicy;
          checkPolicy(`${collectionPath}.endorsementPolicy`, () => resolveEndorsementPolicy(text, members));
        }
        if (collection.maxPeerCount < collection.requiredPeerCount) {
          report(
            `${collectionPath}.maxPeerCount`,
            `must be at least requiredPeerCount (${collection.requiredPeerCount}), got ${collection.maxPeerCount}`,
          );
        }
      });
    });
  });

  return problems;

  function checkPolicy(path: string, check: () => unknown): void {
    try {
      check();
    } catch (error) {
      report(path, error instanceof Error ? error.message : String(error));
    }
  }
}

/** Calls `onDuplicate` for every occurrence of a value after its first, with the first index. */
function reportDuplicates(
  values: readonly string[],
  onDuplicate: (index: number, value: string, firstIndex: number) => void,
): void {
  const first = new Map<string, number>();
  values.forEach((value, i) => {
    const seen = first.get(value);
    if (seen === undefined) first.set(value, i);
    else onDuplicate(i, value, seen);
  });
}
