/**
 * Fabric signature policies: the `AND(...)`, `OR(...)`, `OutOf(n, ...)` language that Fabric's
 * policydsl accepts, the tree it denotes, and how Fabric's cauthdsl evaluates that tree against a
 * set of signers.
 *
 * @example
 * ```ts
 * const policy = parseSignaturePolicy("AND('CityMSP.peer', OR('UtilityMSP.peer', 'AuditorMSP.peer'))");
 * evaluateSignaturePolicy(policy, [
 *   { mspId: 'CityMSP', role: 'peer' },
 *   { mspId: 'AuditorMSP', role: 'peer' },
 * ]); // true
 * minimumOrgSets(policy); // [['AuditorMSP', 'CityMSP'], ['CityMSP', 'UtilityMSP']]
 * ```
 */

/** The MSP roles a principal can name, as in Fabric's `MSPRole`. */
export type PrincipalRole = 'member' | 'peer' | 'client' | 'admin' | 'orderer';

/** The role an actual identity has (with NodeOUs); `member` is only ever a requirement. */
export type SignerRole = 'client' | 'peer' | 'orderer' | 'admin';

export interface PolicyPrincipal {
  mspId: string;
  role: PrincipalRole;
}

/** A signature policy tree: `AND` is `outOf(all)`, `OR` is `outOf(1)`, as in Fabric's protobuf form. */
export type SignaturePolicy =
  { kind: 'signedBy'; principal: PolicyPrincipal } | { kind: 'outOf'; n: number; rules: SignaturePolicy[] };

/** One identity that signed (or endorsed); `id` identifies the certificate so duplicates count once. */
export interface PolicySigner {
  mspId: string;
  role: SignerRole;
  id?: string;
}

const PRINCIPAL_ROLES: readonly PrincipalRole[] = ['member', 'peer', 'client', 'admin', 'orderer'];

/** Fabric's principal pattern is `[[:alnum:].-]+`; MSP IDs in our schema may also contain `_`. */
const MSP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A policy expression that does not follow the signature policy grammar. */
export class PolicySyntaxError extends Error {
  readonly code = 'POLICY_SYNTAX';

  constructor(
    readonly expression: string,
    /** Zero-based character offset into `expression` where the problem was found. */
    readonly position: number,
    readonly detail: string,
  ) {
    super(`invalid signature policy "${expression}": ${detail} at position ${position}`);
    this.name = 'PolicySyntaxError';
  }
}

type Token =
  | { type: 'name'; text: string; position: number }
  | { type: 'number'; text: string; position: number }
  | { type: 'string'; text: string; position: number }
  | { type: '(' | ')' | ','; text: string; position: number }
  | { type: 'end'; text: ''; position: number };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const ch = expression[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: ch, text: ch, position: i });
      i++;
    } else if (ch === "'" || ch === '"') {
      const close = expression.indexOf(ch, i + 1);
      if (close < 0) {
        throw new PolicySyntaxError(expression, i, `unterminated string (missing closing ${ch})`);
      }
      tokens.push({ type: 'string', text: expression.slice(i + 1, close), position: i });
      i = close + 1;
    } else if (/[0-9]/.test(ch)) {
      const digits = /^[0-9]+/.exec(expression.slice(i))![0];
      tokens.push({ type: 'number', text: digits, position: i });
      i += digits.length;
    } else if (/[A-Za-z]/.test(ch)) {
      const name = /^[A-Za-z][A-Za-z0-9_]*/.exec(expression.slice(i))![0];
      tokens.push({ type: 'name', text: name, position: i });
      i += name.length;
    } else {
      throw new PolicySyntaxError(expression, i, `unexpected character '${ch}'`);
    }
  }
  tokens.push({ type: 'end', text: '', position: expression.length });
  return tokens;
}

function describe(token: Token): string {
  return token.type === 'end' ? 'the end of the policy' : `'${token.text}'`;
}

class PolicyParser {
  private index = 0;

  constructor(
    private readonly expression: string,
    private readonly tokens: Token[],
  ) {}

  parse(): SignaturePolicy {
    const first = this.peek();
    if (first.type === 'end') {
      throw this.error(first, 'policy is empty');
    }
    if (first.type !== 'name') {
      throw this.error(first, `expected AND, OR or OutOf but found ${describe(first)}`);
    }
    const policy = this.parseGate();
    const rest = this.peek();
    if (rest.type !== 'end') {
      throw this.error(rest, `unexpected ${describe(rest)} after the end of the policy`);
    }
    return policy;
  }

  private parseGate(): SignaturePolicy {
    const name = this.next();
    const fn = name.text.toLowerCase();
    if (fn !== 'and' && fn !== 'or' && fn !== 'outof') {
      throw this.error(name, `unknown function '${name.text}' (expected AND, OR or OutOf)`);
    }
    this.expect('(', `expected '(' after ${name.text}`);

    let n: number | undefined;
    if (fn === 'outof') {
      const count = this.next();
      if (count.type !== 'number') {
        throw this.error(
          count,
          `OutOf expects a whole number as its first argument, found ${describe(count)}`,
        );
      }
      n = Number(count.text);
      this.expect(',', `expected ',' after the count in ${name.text}`);
    }

    const rules: SignaturePolicy[] = [this.parseRule(name.text)];
    for (;;) {
      const separator = this.next();
      if (separator.type === ')') break;
      if (separator.type !== ',') {
        throw this.error(separator, `expected ',' or ')' in ${name.text} but found ${describe(separator)}`);
      }
      rules.push(this.parseRule(name.text));
    }

    if (fn === 'and') return { kind: 'outOf', n: rules.length, rules };
    if (fn === 'or') return { kind: 'outOf', n: 1, rules };
    if (n! < 1 || n! > rules.length) {
      throw this.error(
        name,
        `${name.text}(${n}, ...) has ${rules.length} rule(s), so its count must be between 1 and ${rules.length}`,
      );
    }
    return { kind: 'outOf', n: n!, rules };
  }

  private parseRule(gate: string): SignaturePolicy {
    const token = this.peek();
    if (token.type === 'name') return this.parseGate();
    if (token.type === 'string') {
      this.index++;
      return { kind: 'signedBy', principal: this.parsePrincipal(token) };
    }
    throw this.error(
      token,
      `expected a quoted principal or a nested AND, OR or OutOf in ${gate}, found ${describe(token)}`,
    );
  }

  private parsePrincipal(token: Token): PolicyPrincipal {
    const text = token.text.trim();
    const dot = text.lastIndexOf('.');
    if (dot <= 0 || dot === text.length - 1) {
      throw this.error(token, `principal '${token.text}' must be written 'MSPID.role'`);
    }
    const mspId = text.slice(0, dot);
    const role = text.slice(dot + 1);
    if (!MSP_ID_PATTERN.test(mspId)) {
      throw this.error(token, `principal '${token.text}' has an invalid MSP ID '${mspId}'`);
    }
    if (!(PRINCIPAL_ROLES as readonly string[]).includes(role)) {
      throw this.error(
        token,
        `principal '${token.text}' has unknown role '${role}' (expected ${PRINCIPAL_ROLES.join(', ')})`,
      );
    }
    return { mspId, role: role as PrincipalRole };
  }

  private expect(type: Token['type'], message: string): Token {
    const token = this.next();
    if (token.type !== type) throw this.error(token, `${message}, found ${describe(token)}`);
    return token;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.type !== 'end') this.index++;
    return token;
  }

  private error(token: Token, detail: string): PolicySyntaxError {
    return new PolicySyntaxError(this.expression, token.position, detail);
  }
}

/**
 * Parses Fabric's signature policy language. Function names are case-insensitive, principals may be
 * single- or double-quoted, and whitespace (including newlines) is ignored between tokens.
 *
 * @throws PolicySyntaxError naming the problem and its zero-based position.
 */
export function parseSignaturePolicy(expression: string): SignaturePolicy {
  return new PolicyParser(expression, tokenize(expression)).parse();
}

/** Writes a policy back in Fabric's syntax; `parseSignaturePolicy(formatSignaturePolicy(p))` equals `p`. */
export function formatSignaturePolicy(policy: SignaturePolicy): string {
  if (policy.kind === 'signedBy') {
    return `'${policy.principal.mspId}.${policy.principal.role}'`;
  }
  const rules = policy.rules.map(formatSignaturePolicy).join(', ');
  if (policy.n === policy.rules.length && policy.rules.length > 1) return `AND(${rules})`;
  if (policy.n === 1) return `OR(${rules})`;
  return `OutOf(${policy.n}, ${rules})`;
}

/** The MSP IDs a policy names, in order of first appearance. */
export function policyMspIds(policy: SignaturePolicy): string[] {
  const ids = new Set<string>();
  const visit = (node: SignaturePolicy): void => {
    if (node.kind === 'signedBy') ids.add(node.principal.mspId);
    else node.rules.forEach(visit);
  };
  visit(policy);
  return [...ids];
}

/**
 * Fabric's `SatisfiesPrincipal` for role principals with NodeOUs enabled (Fabric 1.4.3+ with an
 * admin OU): `member` accepts any identity of the MSP; every other role requires exactly that
 * role. In particular an admin does not count as a client: since the admin OU was introduced,
 * admins carry the `admin` OU instead of `client`, and `X.client` no longer matches them.
 */
export function signerSatisfiesPrincipal(signer: PolicySigner, principal: PolicyPrincipal): boolean {
  if (signer.mspId !== principal.mspId) return false;
  return principal.role === 'member' || principal.role === signer.role;
}

/**
 * Evaluates a policy exactly as Fabric's cauthdsl does, so that a transaction is valid here if and
 * only if it would be valid on Fabric:
 *
 * - signers with the same `id` are deduplicated first (signers without an `id` are all distinct);
 * - each signer satisfies at most one principal per evaluation (the "used" marks);
 * - a principal takes the first unused signer that satisfies it, in the order given, and an
 *   `OutOf` gate evaluates every rule and keeps the signers consumed by each rule that succeeded.
 *
 * The last point makes evaluation greedy, like Fabric's: for example
 * `AND(OR('A.peer','B.peer'), 'A.peer')` is not satisfied by one A peer and one B peer, because the
 * OR consumes both.
 */
export function evaluateSignaturePolicy(policy: SignaturePolicy, signers: readonly PolicySigner[]): boolean {
  const distinct = deduplicateSigners(signers);
  const used = new Array<boolean>(distinct.length).fill(false);
  return evaluate(policy, distinct, used);
}

function deduplicateSigners(signers: readonly PolicySigner[]): PolicySigner[] {
  const seen = new Set<string>();
  return signers.filter((signer) => {
    if (signer.id === undefined) return true;
    if (seen.has(signer.id)) return false;
    seen.add(signer.id);
    return true;
  });
}

function evaluate(policy: SignaturePolicy, signers: PolicySigner[], used: boolean[]): boolean {
  if (policy.kind === 'signedBy') {
    const index = signers.findIndex(
      (signer, i) => !used[i] && signerSatisfiesPrincipal(signer, policy.principal),
    );
    if (index < 0) return false;
    used[index] = true;
    return true;
  }
  let satisfied = 0;
  for (const rule of policy.rules) {
    const attempt = [...used];
    if (evaluate(rule, signers, attempt)) {
      satisfied++;
      attempt.forEach((mark, i) => (used[i] = mark));
    }
  }
  return satisfied >= policy.n;
}

/**
 * All minimal sets of organisations whose peers together satisfy the policy when each organisation
 * contributes one peer, as Fabric's discovery service lays out endorsers. Principals that a peer
 * cannot satisfy (`admin`, `client`, `orderer`) contribute nothing, and a policy that needs two
 * peers of the same organisation has no such set.
 *
 * Each set is sorted; the sets are ordered smallest first, then lexicographically.
 */
export function minimumOrgSets(policy: SignaturePolicy): string[][] {
  return sortOrgSets(orgSets(policy));
}

function orgSets(policy: SignaturePolicy): string[][] {
  if (policy.kind === 'signedBy') {
    const { mspId, role } = policy.principal;
    return role === 'peer' || role === 'member' ? [[mspId]] : [];
  }
  // byCount[k] holds the minimal org sets that satisfy k of the rules seen so far, each rule's
  // principals using distinct organisations (one peer per organisation).
  let byCount: string[][][] = [[[]]];
  for (const rule of policy.rules) {
    const options = orgSets(rule);
    const next = byCount.map((sets) => [...sets]);
    byCount.forEach((sets, k) => {
      if (k >= policy.n) return;
      for (const set of sets) {
        for (const option of options) {
          if (option.some((mspId) => set.includes(mspId))) continue;
          (next[k + 1] ??= []).push([...set, ...option].sort());
        }
      }
    });
    byCount = next.map(keepMinimal);
  }
  return byCount[policy.n] ?? [];
}

function keepMinimal(sets: string[][]): string[][] {
  const sorted = sortOrgSets(sets);
  const minimal: string[][] = [];
  for (const set of sorted) {
    if (!minimal.some((smaller) => smaller.every((mspId) => set.includes(mspId)))) minimal.push(set);
  }
  return minimal;
}

function sortOrgSets(sets: string[][]): string[][] {
  return [...sets].sort((a, b) => {
    if (a.length !== b.length) return a.length - b.length;
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return 0;
  });
}
