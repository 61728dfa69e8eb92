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

/** Translates real fabric-gateway errors in a child process (see real-fabric-errors.ts). */
function translate(...cases: FabricErrorCase[]): TranslatedCase[] {
  const output = execFileSync(process.execPath, [join(__dirname, 'real-fabric-errors.js')], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
  });
  return JSON.parse(output) as TranslatedCase[];
}

const endorse = (code: number, message: string, details: string[] = []): FabricErrorCase => ({
  kind: 'EndorseError',
  code,
  message,
  details,
});

describe('translating fabric-gateway errors into gateway errors', () => {
  it('reads chaincode refusals from the endorsing peer’s details and from an evaluation’s message', () => {
    const [invalid, notFound, denied, unknownFunction] = translate(
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
    expect(invalid).to.include({ errorClass: 'InvalidInputError', code: 'INVALID_ARGUMENT', field: 'did' });
    expect(notFound).to.include({ errorClass: 'NotFoundError', code: 'NOT_FOUND' });
    expect(denied).to.include({ errorClass: 'AccessDeniedError', code: 'ACCESS_DENIED' });
    expect(unknownFunction).to.include({ errorClass: 'NotFoundError', code: 'UNKNOWN_FUNCTION' });
  });

  it('hands the private data distribution refusal to the chaincode error translation whole', () => {
    const [refused] = translate(
      endorse(
        FAILED_PRECONDITION,
        'requires endorsement from organisation(s) that are not in the distribution policy of the private data collection(s): [CityMSP]; retry specifying trusted endorsing organizations to protect transient data',
      ),
    );
    expect(refused!.message).to.include('not in the distribution policy of the private data collection');
  });

  it('tells an unreachable peer or orderer from a refusal', () => {
    const results = translate(
      endorse(UNAVAILABLE, 'No connection established'),
      endorse(DEADLINE_EXCEEDED, 'Deadline exceeded'),
      { kind: 'SubmitError', code: UNAVAILABLE, message: 'no orderer' },
      { kind: 'SubmitError', code: ABORTED, message: 'rejected by orderer' },
      { kind: 'CommitStatusError', code: CANCELLED, message: 'cancelled' },
    );
    expect(results.map((r) => [r.errorClass, r.code])).to.deep.equal([
      ['LedgerUnavailableError', 'LEDGER_UNAVAILABLE'],
      ['LedgerUnavailableError', 'LEDGER_UNAVAILABLE'],
      ['LedgerUnavailableError', 'ORDERING_FAILED'],
      ['LedgerUnavailableError', 'ORDERING_FAILED'],
      ['LedgerUnavailableError', 'COMMIT_STATUS_UNKNOWN'],
    ]);
  });

  it('names invalid commits by their Fabric validation code and retries read conflicts only', () => {
    const commit = (code: number): FabricErrorCase => ({ kind: 'CommitError', code, message: 'x' });
    const [policy, duplicate, mvcc, phantom] = translate(
      commit(VALIDATION.ENDORSEMENT_POLICY_FAILURE),
      commit(VALIDATION.DUPLICATE_TXID),
      commit(VALIDATION.MVCC_READ_CONFLICT),
      commit(VALIDATION.PHANTOM_READ_CONFLICT),
    );
    expect(policy).to.include({ errorClass: 'LedgerFailureError', code: 'ENDORSEMENT_POLICY_FAILURE' });
    expect(policy!.readConflict).to.equal(undefined);
    expect(duplicate).to.include({ errorClass: 'ConflictError', code: 'DUPLICATE_TXID' });
    expect(mvcc).to.include({ readConflict: 'MVCC_READ_CONFLICT' });
    expect(phantom).to.include({ readConflict: 'PHANTOM_READ_CONFLICT' });
  });

  it('maps access refusals, unknown chaincodes, disagreeing endorsers and unjoined channels', () => {
    const results = translate(
      endorse(ABORTED, 'failed to endorse', [
        'error validating proposal: access denied: channel [civic] creator org unknown, creator is malformed',
      ]),
      endorse(ABORTED, 'failed to endorse', [
        "make sure the chaincode identity has been successfully defined on channel civic and try again: chaincode definition for 'identity' not found",
      ]),
      endorse(ABORTED, 'ProposalResponsePayloads do not match'),
      endorse(NOT_FOUND, "channel 'civic' not found"),
    );
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
