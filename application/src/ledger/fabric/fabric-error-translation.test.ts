import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import type { FabricErrorCase, TranslatedCase } from './real-fabric-errors';

/** gRPC status codes and Fabric validation codes used below. */
const ABORTED = 10;
const UNKNOWN = 2;
const UNAVAILABLE = 14;
const DEADLINE_EXCEEDED = 4;
const FAILED_PRECONDITION = 9;
const NOT_FOUND = 5;
const CANCELLED = 1;
const VALIDATION = {
  DUPLICATE_TXID: 9,
  ENDORSEMENT_POLICY_FAILURE: 10,
  MVCC_READ_CONFLICT: 11,
  PHANTOM_READ_CONFLICT: 12,
};

/**
 * Real fabric-gateway errors, translated in a child process (see real-fabric-errors.ts). Loading
 * fabric-gateway takes the child most of a second, so the cases of every test are collected
 * while the suite is defined and translated by one child, in `before`.
 */
class Translations {
  private readonly cases: FabricErrorCase[] = [];
  private results: TranslatedCase[] | undefined;

  /** Registers cases; the function it answers gives their translations, in order, once run. */
  of(...cases: FabricErrorCase[]): () => TranslatedCase[] {
    const start = this.cases.push(...cases) - cases.length;
    return () => {
      if (!this.results) throw new Error('the translations have not run');
      return this.results.slice(start, start + cases.length);
    };
  }

  run(): void {
    const output = execFileSync(process.execPath, [join(__dirname, 'real-fabric-errors.js')], {
      input: JSON.stringify(this.cases),
      encoding: 'utf8',
    });
    this.results = JSON.parse(output) as TranslatedCase[];
    expect(this.results).to.have.length(this.cases.length);
  }
}

const endorse = (code: number, message: string, details: string[] = []): FabricErrorCase => ({
  kind: 'EndorseError',
  code,
  message,
  details,
});

describe('translating fabric-gateway errors into gateway errors', () => {
  const translate = new Translations();
  before(() => translate.run());

  const chaincodeRefusals = translate.of(
    endorse(ABORTED, 'failed to endorse transaction, see attached details for more info', [
      'chaincode response 500, INVALID_ARGUMENT: did: must start with did:city:',
    ]),
    {
      kind: 'GatewayError',
      code: UNKNOWN,
      message: 'evaluate call to endorser returned error: chaincode response 500, NOT_FOUND: did:city:x',
    },
    endorse(ABORTED, 'failed to endorse', ['chaincode response 500, ACCESS_DENIED: only a registrar may']),
    endorse(ABORTED, 'failed to endorse', [
      "chaincode response 500, You've asked to invoke a function that does not exist: Nope",
    ]),
  );
  it('reads chaincode refusals from the endorsing peer’s details and from an evaluation’s message', () => {
    const [invalid, notFound, denied, unknownFunction] = chaincodeRefusals();
    expect(invalid).to.include({ errorClass: 'InvalidInputError', code: 'INVALID_ARGUMENT', field: 'did' });
    expect(notFound).to.include({ errorClass: 'NotFoundError', code: 'NOT_FOUND' });
    expect(denied).to.include({ errorClass: 'AccessDeniedError', code: 'ACCESS_DENIED' });
    expect(unknownFunction).to.include({ errorClass: 'NotFoundError', code: 'UNKNOWN_FUNCTION' });
  });

  const distributionRefusal = translate.of(
    endorse(
      FAILED_PRECONDITION,
      'requires endorsement from organisation(s) that are not in the distribution policy of the private data collection(s): [CityMSP]; retry specifying trusted endorsing organizations to protect transient data',
    ),
  );
  it('hands the private data distribution refusal to the chaincode error translation whole', () => {
    const [refused] = distributionRefusal();
    expect(refused!.message).to.include('not in the distribution policy of the private data collection');
  });

  const unreachable = translate.of(
    endorse(UNAVAILABLE, 'No connection established'),
    endorse(DEADLINE_EXCEEDED, 'Deadline exceeded'),
    { kind: 'SubmitError', code: UNAVAILABLE, message: 'no orderer' },
    { kind: 'SubmitError', code: ABORTED, message: 'rejected by orderer' },
    { kind: 'CommitStatusError', code: CANCELLED, message: 'cancelled' },
  );
  it('tells an unreachable peer or orderer from a refusal', () => {
    const results = unreachable();
    expect(results.map((r) => [r.errorClass, r.code])).to.deep.equal([
      ['LedgerUnavailableError', 'LEDGER_UNAVAILABLE'],
      ['LedgerUnavailableError', 'LEDGER_UNAVAILABLE'],
      ['LedgerUnavailableError', 'ORDERING_FAILED'],
      ['LedgerUnavailableError', 'ORDERING_FAILED'],
      ['LedgerUnavailableError', 'COMMIT_STATUS_UNKNOWN'],
    ]);
  });

  const commit = (code: number): FabricErrorCase => ({ kind: 'CommitError', code, message: 'x' });
  const invalidCommits = translate.of(
    commit(VALIDATION.ENDORSEMENT_POLICY_FAILURE),
    commit(VALIDATION.DUPLICATE_TXID),
    commit(VALIDATION.MVCC_READ_CONFLICT),
    commit(VALIDATION.PHANTOM_READ_CONFLICT),
  );
  it('names invalid commits by their Fabric validation code and retries read conflicts only', () => {
    const [policy, duplicate, mvcc, phantom] = invalidCommits();
    expect(policy).to.include({ errorClass: 'LedgerFailureError', code: 'ENDORSEMENT_POLICY_FAILURE' });
    expect(policy!.readConflict).to.equal(undefined);
    expect(duplicate).to.include({ errorClass: 'ConflictError', code: 'DUPLICATE_TXID' });
    expect(mvcc).to.include({ readConflict: 'MVCC_READ_CONFLICT' });
    expect(phantom).to.include({ readConflict: 'PHANTOM_READ_CONFLICT' });
  });

  const networkRefusals = translate.of(
    endorse(ABORTED, 'failed to endorse', [
      'error validating proposal: access denied: channel [civic] creator org unknown, creator is malformed',
    ]),
    endorse(ABORTED, 'failed to endorse', [
      "make sure the chaincode identity has been successfully defined on channel civic and try again: chaincode definition for 'identity' not found",
    ]),
    endorse(ABORTED, 'ProposalResponsePayloads do not match'),
    endorse(NOT_FOUND, "channel 'civic' not found"),
  );
  it('maps access refusals, unknown chaincodes, disagreeing endorsers and unjoined channels', () => {
    const results = networkRefusals();
    expect(results.map((r) => [r.errorClass, r.code])).to.deep.equal([
      ['AccessDeniedError', 'NOT_A_CHANNEL_MEMBER'],
      ['NotFoundError', 'UNKNOWN_CHAINCODE'],
      ['LedgerFailureError', 'ENDORSEMENT_MISMATCH'],
      ['LedgerUnavailableError', 'CHANNEL_NOT_JOINED'],
    ]);
    // Endorsers that disagree read different versions: the submission is endorsed again.
    expect(results.map((r) => r.readConflict)).to.deep.equal([
      undefined,
      undefined,
      'ENDORSEMENT_MISMATCH',
      undefined,
    ]);
  });
});
