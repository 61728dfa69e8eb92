import { parseSignaturePolicy, policyMspIds, SignaturePolicy } from './signature-policy';

/**
 * A chaincode endorsement policy as written in consortium.yaml: either a signature policy, or a
 * reference to the channel's `Endorsement` policy in Fabric's implicitMeta form
 * (`MAJORITY Endorsement`, `ANY Endorsement`, `ALL Endorsement`), which is what a chaincode
 * definition gets when it names `/Channel/Application/Endorsement`.
 *
 * @example
 * ```ts
 * resolveEndorsementPolicy('MAJORITY Endorsement', ['CityMSP', 'UtilityMSP', 'AuditorMSP']);
 * // OutOf(2, 'CityMSP.peer', 'UtilityMSP.peer', 'AuditorMSP.peer')
 * ```
 */
export type EndorsementPolicyDefinition =
  | { kind: 'signature'; policy: SignaturePolicy }
  | { kind: 'channelReference'; rule: ImplicitMetaRule; subPolicy: 'Endorsement' };

/** Fabric's `ImplicitMetaPolicy.Rule`. */
export type ImplicitMetaRule = 'ANY' | 'ALL' | 'MAJORITY';

const IMPLICIT_META_RULES: readonly ImplicitMetaRule[] = ['ANY', 'ALL', 'MAJORITY'];

/** Two bare words and nothing else is Fabric's implicitMeta syntax, e.g. `MAJORITY Endorsement`. */
const IMPLICIT_META_PATTERN = /^\s*([A-Za-z]+)\s+([A-Za-z]+)\s*$/;

/** An endorsement policy that is well-formed text but cannot apply to the channel. */
export class EndorsementPolicyError extends Error {
  readonly code = 'ENDORSEMENT_POLICY';

  constructor(
    readonly expression: string,
    detail: string,
  ) {
    super(`endorsement policy "${expression}": ${detail}`);
    this.name = 'EndorsementPolicyError';
  }
}

/**
 * Reads either form of endorsement policy.
 *
 * @throws PolicySyntaxError for a malformed signature policy; EndorsementPolicyError for a channel
 * reference that Fabric would not accept or that our channels do not define.
 */
export function parseEndorsementPolicy(text: string): EndorsementPolicyDefinition {
  const reference = IMPLICIT_META_PATTERN.exec(text);
  if (!reference) return { kind: 'signature', policy: parseSignaturePolicy(text) };

  const [, rule, subPolicy] = reference;
  // Fabric's ImplicitMetaFromString matches the rule name exactly.
  if (!(IMPLICIT_META_RULES as readonly string[]).includes(rule)) {
    throw new EndorsementPolicyError(text, `channel policy rule '${rule}' must be ANY, ALL or MAJORITY`);
  }
  if (subPolicy !== 'Endorsement') {
    throw new EndorsementPolicyError(
      text,
      `only the organisations' 'Endorsement' policies can endorse chaincode, not '${subPolicy}'`,
    );
  }
  return { kind: 'channelReference', rule: rule as ImplicitMetaRule, subPolicy };
}

/**
 * Turns either form into a signature policy over the channel's members. A channel reference is
 * expanded over each member's `Endorsement` policy, which for every CityLedger organisation is
 * `OR('<MSP>.peer')`: `ANY` needs one member peer, `ALL` every member, `MAJORITY` of n members
 * `floor(n/2) + 1`.
 *
 * @throws PolicySyntaxError or EndorsementPolicyError, also when a signature policy names an
 * organisation that is not a member of the channel.
 */
export function resolveEndorsementPolicy(text: string, channelMembers: readonly string[]): SignaturePolicy {
  if (channelMembers.length === 0) {
    throw new EndorsementPolicyError(text, 'the channel has no members to endorse');
  }
  const duplicate = channelMembers.find((mspId, i) => channelMembers.indexOf(mspId) !== i);
  if (duplicate !== undefined) {
    throw new EndorsementPolicyError(text, `channel member '${duplicate}' is listed twice`);
  }

  const definition = parseEndorsementPolicy(text);
  if (definition.kind === 'signature') {
    const outsiders = policyMspIds(definition.policy).filter((mspId) => !channelMembers.includes(mspId));
    if (outsiders.length > 0) {
      throw new EndorsementPolicyError(
        text,
        `names ${outsiders.map((id) => `'${id}'`).join(', ')}, which ${outsiders.length === 1 ? 'is' : 'are'} not ` +
          `a member of the channel (members: ${channelMembers.join(', ')})`,
      );
    }
    return definition.policy;
  }

  const rules: SignaturePolicy[] = channelMembers.map((mspId) => ({
    kind: 'signedBy',
    principal: { mspId, role: 'peer' },
  }));
  return { kind: 'outOf', n: implicitMetaThreshold(definition.rule, rules.length), rules };
}

function implicitMetaThreshold(rule: ImplicitMetaRule, memberCount: number): number {
  switch (rule) {
    case 'ANY':
      return 1;
    case 'ALL':
      return memberCount;
    case 'MAJORITY':
      return Math.floor(memberCount / 2) + 1;
  }
}
