import { expect } from 'chai';
import { chaincodeMetadata } from '@cityledger/chaincode-common/testing';
import { contracts } from './index';

describe('voting contract metadata', () => {
  it('builds through fabric-shim and describes every transaction with string arguments and a typed result', () => {
    const metadata = chaincodeMetadata(contracts);
    const transactions = metadata.contracts.voting.transactions;
    const submit = [
      'CreateElection',
      'OpenElection',
      'IssueVotingToken',
      'CastBallot',
      'CloseElection',
      'TallyElection',
    ];
    const evaluate = [
      'GetElection',
      'ListElections',
      'GetVotingTokenIssuance',
      'GetBallot',
      'ListBallots',
      'GetBallotCount',
      'GetResult',
      'RecomputeTally',
      'VerifyReceipt',
    ];
    expect(transactions.map((t) => t.name)).to.have.members([...submit, ...evaluate]);
    for (const t of transactions) {
      expect(t.tag, t.name).to.include(submit.includes(t.name) ? 'SUBMIT' : 'EVALUATE');
      expect(t.returns, t.name).to.not.equal(undefined);
      expect(
        (t.parameters ?? []).every((p) => p.schema.type === 'string'),
        t.name,
      ).to.equal(true);
    }
    expect(transactions.find((t) => t.name === 'CastBallot')!.parameters!.map((p) => p.name)).to.deep.equal([
      'electionId',
      'token',
      'signature',
      'choiceJson',
    ]);
    expect(metadata.contracts.voting.info.title).to.equal('CityLedger voting');
  });

  it('publishes a schema for every record type the API returns', () => {
    const schemas = chaincodeMetadata(contracts).components.schemas;
    expect(schemas).to.include.keys(
      'Election',
      'ElectionOption',
      'ElectionPhase',
      'ElectionPage',
      'VotingTokenIssuance',
      'Ballot',
      'BallotReceipt',
      'BallotPage',
      'BallotCount',
      'OptionTally',
      'ElectionResult',
      'ReceiptCheck',
    );
    expect(schemas.Ballot.properties).to.not.have.any.keys('voterDid', 'voter');
  });
});
