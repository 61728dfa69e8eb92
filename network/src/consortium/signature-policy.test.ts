import { expect } from 'chai';
import {
  evaluateSignaturePolicy,
  formatSignaturePolicy,
  minimumOrgSets,
  parseSignaturePolicy,
  PolicySigner,
  PolicySyntaxError,
  SignaturePolicy,
} from './signature-policy';

const peer = (mspId: string, id?: string): PolicySigner => ({ mspId, role: 'peer', id });
const admin = (mspId: string, id?: string): PolicySigner => ({ mspId, role: 'admin', id });
const client = (mspId: string, id?: string): PolicySigner => ({ mspId, role: 'client', id });

function syntaxError(expression: string): PolicySyntaxError {
  try {
    parseSignaturePolicy(expression);
  } catch (error) {
    expect(error).to.be.instanceOf(PolicySyntaxError);
    return error as PolicySyntaxError;
  }
  throw new Error(`expected "${expression}" to be rejected`);
}

describe('signature policies', () => {
  describe('parsing', () => {
    it('reads AND as "all of" and OR as "one of", with nested gates', () => {
      expect(parseSignaturePolicy("AND('CityMSP.peer', OR('A.member','B.admin'))")).to.deep.equal({
        kind: 'outOf',
        n: 2,
        rules: [
          { kind: 'signedBy', principal: { mspId: 'CityMSP', role: 'peer' } },
          {
            kind: 'outOf',
            n: 1,
            rules: [
              { kind: 'signedBy', principal: { mspId: 'A', role: 'member' } },
              { kind: 'signedBy', principal: { mspId: 'B', role: 'admin' } },
            ],
          },
        ],
      });
    });

    it('reads OutOf with its count', () => {
      const policy = parseSignaturePolicy("OutOf(2, 'A.peer', 'B.peer', 'C.peer')");
      expect(policy).to.include({ kind: 'outOf', n: 2 });
      expect((policy as { rules: SignaturePolicy[] }).rules).to.have.length(3);
    });

    it('accepts function names in any case, double quotes and generous whitespace', () => {
      const expected = parseSignaturePolicy("OutOf(1,'A.client','B.orderer')");
      expect(parseSignaturePolicy('  outof ( 1 ,\n\t"A.client" , \'B.orderer\' ) ')).to.deep.equal(expected);
      expect(parseSignaturePolicy("or('A.peer')")).to.deep.equal(parseSignaturePolicy("OR('A.peer')"));
      expect(parseSignaturePolicy("And('A.peer','B.peer')")).to.deep.equal(
        parseSignaturePolicy("AND('A.peer','B.peer')"),
      );
    });

    it('keeps dots inside the MSP ID and takes the role after the last one', () => {
      expect(parseSignaturePolicy("OR('org1.example.com.admin')")).to.deep.equal({
        kind: 'outOf',
        n: 1,
        rules: [{ kind: 'signedBy', principal: { mspId: 'org1.example.com', role: 'admin' } }],
      });
    });

    it('formats a policy back into text that parses to the same tree', () => {
      for (const text of [
        "AND('CityMSP.peer', OR('A.member', 'B.admin'))",
        "OutOf(2, 'A.peer', 'B.peer', 'C.peer')",
        "OR('A.client', AND('B.orderer', 'C.peer'))",
        "OR('A.peer')",
      ]) {
        const policy = parseSignaturePolicy(text);
        expect(formatSignaturePolicy(policy)).to.equal(text);
        expect(parseSignaturePolicy(formatSignaturePolicy(policy))).to.deep.equal(policy);
      }
    });
  });

  describe('syntax errors', () => {
    const cases: Array<[string, string, number, RegExp]> = [
      ['an empty policy', '   ', 3, /empty/],
      ['an unknown function', "NAND('A.peer')", 0, /unknown function 'NAND'/],
      ['a missing opening parenthesis', "AND 'A.peer'", 4, /expected '\(' after AND/],
      ['a missing closing parenthesis', "AND('A.peer', 'B.peer'", 22, /expected ',' or '\)'/],
      ['a missing comma', "AND('A.peer' 'B.peer')", 13, /expected ',' or '\)'/],
      ['an unterminated string', "OR('A.peer)", 3, /unterminated string/],
      ['mismatched quotes', 'OR(\'A.peer")', 3, /unterminated string/],
      ['a principal without a role', "OR('CityMSP')", 3, /must be written 'MSPID.role'/],
      ['an unknown role', "OR('CityMSP.boss')", 3, /unknown role 'boss'/],
      ['an empty MSP ID', "OR('.peer')", 3, /MSPID\.role/],
      ['an OutOf count that is not a number', "OutOf('A.peer', 'B.peer')", 6, /whole number/],
      ['an OutOf count larger than its rules', "OutOf(3, 'A.peer', 'B.peer')", 0, /between 1 and 2/],
      ['an OutOf count of zero', "OutOf(0, 'A.peer')", 0, /between 1 and 1/],
      ['a gate without rules', 'AND()', 4, /expected a quoted principal/],
      ['a trailing comma', "OR('A.peer',)", 12, /expected a quoted principal/],
      ['text after the policy', "OR('A.peer') OR('B.peer')", 13, /after the end of the policy/],
      ['a bare principal', "'A.peer'", 0, /expected AND, OR or OutOf/],
      ['an unexpected character', "OR('A.peer'; 'B.peer')", 11, /unexpected character ';'/],
      ['a negative count', "OutOf(-1, 'A.peer')", 6, /unexpected character '-'/],
    ];

    for (const [what, expression, position, pattern] of cases) {
      it(`rejects ${what} and says where`, () => {
        const error = syntaxError(expression);
        expect(error.message).to.match(pattern);
        expect(error.position).to.equal(position);
        expect(error.message).to.contain(`at position ${position}`);
        expect(error.expression).to.equal(expression);
      });
    }
  });

  describe('evaluation', () => {
    it('lets any identity of an MSP satisfy its member principal', () => {
      const policy = parseSignaturePolicy("OR('A.member')");
      for (const signer of [peer('A'), admin('A'), client('A'), { mspId: 'A', role: 'orderer' } as const]) {
        expect(evaluateSignaturePolicy(policy, [signer])).to.equal(true);
      }
      expect(evaluateSignaturePolicy(policy, [peer('B')])).to.equal(false);
    });

    it('requires exactly the named role for peer, admin, client and orderer principals', () => {
      expect(
        evaluateSignaturePolicy(parseSignaturePolicy("OR('A.peer')"), [client('A'), admin('A')]),
      ).to.equal(false);
      expect(evaluateSignaturePolicy(parseSignaturePolicy("OR('A.peer')"), [peer('A')])).to.equal(true);
      expect(
        evaluateSignaturePolicy(parseSignaturePolicy("OR('A.admin')"), [peer('A'), client('A')]),
      ).to.equal(false);
      expect(evaluateSignaturePolicy(parseSignaturePolicy("OR('A.admin')"), [admin('A')])).to.equal(true);
      expect(evaluateSignaturePolicy(parseSignaturePolicy("OR('A.orderer')"), [peer('A')])).to.equal(false);
    });

    it('does not count an admin as a client, as Fabric does once admins have their own OU', () => {
      expect(evaluateSignaturePolicy(parseSignaturePolicy("OR('A.client')"), [admin('A')])).to.equal(false);
      expect(evaluateSignaturePolicy(parseSignaturePolicy("OR('A.client')"), [client('A')])).to.equal(true);
    });

    it('needs two distinct identities to satisfy the same principal twice', () => {
      const policy = parseSignaturePolicy("AND('A.peer', 'A.peer')");
      expect(evaluateSignaturePolicy(policy, [peer('A', 'p0')])).to.equal(false);
      expect(evaluateSignaturePolicy(policy, [peer('A', 'p0'), peer('A', 'p1')])).to.equal(true);
    });

    it('counts the same identity signing twice only once', () => {
      const policy = parseSignaturePolicy("AND('A.peer', 'A.member')");
      expect(evaluateSignaturePolicy(policy, [peer('A', 'p0'), peer('A', 'p0')])).to.equal(false);
      expect(evaluateSignaturePolicy(policy, [peer('A', 'p0'), client('A', 'u1')])).to.equal(true);
    });

    it('lets one identity satisfy only one principal of an AND', () => {
      const policy = parseSignaturePolicy("AND('A.member', 'A.peer')");
      expect(evaluateSignaturePolicy(policy, [peer('A')])).to.equal(false);
      expect(evaluateSignaturePolicy(policy, [client('A'), peer('A')])).to.equal(true);
    });

    it('evaluates nested OutOf gates', () => {
      const policy = parseSignaturePolicy(
        "OutOf(2, 'A.peer', AND('B.peer', 'C.peer'), OR('D.admin', 'E.admin'))",
      );
      expect(evaluateSignaturePolicy(policy, [peer('A'), peer('B')])).to.equal(false);
      expect(evaluateSignaturePolicy(policy, [peer('A'), peer('B'), peer('C')])).to.equal(true);
      expect(evaluateSignaturePolicy(policy, [peer('B'), peer('C'), admin('E')])).to.equal(true);
      expect(evaluateSignaturePolicy(policy, [peer('A'), peer('E')])).to.equal(false);
    });

    it('is greedy like Fabric: an OR consumes every signer it can match', () => {
      const policy = parseSignaturePolicy("AND(OR('A.peer', 'B.peer'), 'A.peer')");
      expect(evaluateSignaturePolicy(policy, [peer('A'), peer('B')])).to.equal(false);
      expect(evaluateSignaturePolicy(policy, [peer('A', 'p0'), peer('A', 'p1')])).to.equal(true);
    });
  });

  describe('minimum organisation sets', () => {
    it('lists each alternative set of endorsing organisations, smallest then alphabetical', () => {
      const policy = parseSignaturePolicy("AND('UtilityMSP.peer', OR('CityMSP.peer', 'AuditorMSP.peer'))");
      expect(minimumOrgSets(policy)).to.deep.equal([
        ['AuditorMSP', 'UtilityMSP'],
        ['CityMSP', 'UtilityMSP'],
      ]);
    });

    it('chooses every pair for a two-out-of-three policy', () => {
      const policy = parseSignaturePolicy("OutOf(2, 'C.peer', 'A.peer', 'B.peer')");
      expect(minimumOrgSets(policy)).to.deep.equal([
        ['A', 'B'],
        ['A', 'C'],
        ['B', 'C'],
      ]);
    });

    it('keeps only minimal sets and puts smaller ones first', () => {
      const policy = parseSignaturePolicy(
        "OR(AND('A.peer', 'B.peer'), 'C.member', AND('A.peer', 'B.peer', 'D.peer'))",
      );
      expect(minimumOrgSets(policy)).to.deep.equal([['C'], ['A', 'B']]);
    });

    it('ignores principals that a peer cannot satisfy', () => {
      expect(minimumOrgSets(parseSignaturePolicy("OR('A.admin', 'B.peer')"))).to.deep.equal([['B']]);
      expect(minimumOrgSets(parseSignaturePolicy("AND('A.admin', 'B.peer')"))).to.deep.equal([]);
    });

    it('finds no set when one organisation would need two peers', () => {
      expect(minimumOrgSets(parseSignaturePolicy("AND('A.peer', 'A.member')"))).to.deep.equal([]);
    });

    it('returns sets that satisfy the policy with one peer from each organisation', () => {
      const policy = parseSignaturePolicy(
        "OutOf(2, AND('A.peer', 'B.peer'), OR('C.peer', 'D.peer'), 'E.member')",
      );
      const sets = minimumOrgSets(policy);
      expect(sets).to.deep.equal([
        ['C', 'E'],
        ['D', 'E'],
        ['A', 'B', 'C'],
        ['A', 'B', 'D'],
        ['A', 'B', 'E'],
      ]);
      for (const set of sets) {
        expect(
          evaluateSignaturePolicy(
            policy,
            set.map((mspId) => peer(mspId)),
          ),
          set.join(),
        ).to.equal(true);
      }
    });
  });
});
