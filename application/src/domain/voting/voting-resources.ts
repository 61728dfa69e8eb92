import { channelParams } from '../../chaincode-api/chaincode-call-schemas';
import { did } from '../identity/identity-schemas';
import { type DomainModule, pageArgs, pageQuery } from '../ledger-resource';
import {
  castBallotBody,
  createElectionBody,
  electionParams,
  issueTokenBody,
  nullifierParams,
  receiptQuery,
} from './voting-schemas';

const ANYONE = 'Any member of the channel, once the election’s clock allows it.';

/**
 * Elections and participatory budgets with blind-signed voting tokens: the authority issues tokens
 * by name, ballots are cast anonymously through a ballot box, anyone tallies and checks receipts.
 */
export const votingResources: DomainModule = {
  chaincode: 'voting',
  tag: 'Voting',
  register(resources) {
    resources.add({
      method: 'post',
      path: '/channels/{channel}/elections',
      summary: 'Schedule an election or participatory budget',
      description: 'CityMSP `election-authority`.',
      params: channelParams,
      body: createElectionBody,
      mode: 'submit',
      status: 201,
      call: ({ body }) => ({
        function: 'CreateElection',
        args: [
          body.electionId,
          body.title,
          body.description ?? '',
          body.rule,
          JSON.stringify(body.options),
          body.totalBudget === undefined ? '' : String(body.totalBudget),
          body.maxSelections === undefined ? '' : String(body.maxSelections),
          body.eligibilityCredential ?? '',
          body.opensAt,
          body.closesAt,
          body.tokenKeyPem,
        ],
      }),
      location: (_record, { params, body }) => `/channels/${params.channel}/elections/${body.electionId}`,
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/elections',
      summary: 'Elections by id, paginated',
      params: channelParams,
      query: pageQuery,
      mode: 'evaluate',
      call: ({ query }) => ({ function: 'ListElections', args: pageArgs(query) }),
    });

    const reads = [
      ['', 'GetElection', 'An election with its status'],
      ['/result', 'GetResult', 'The published result (404 before the tally)'],
      ['/recount', 'RecomputeTally', 'The result recomputed now from the ballots, without writing'],
      ['/ballot-count', 'GetBallotCount', 'Ballots cast and tokens issued, counted from the records'],
    ] as const;
    for (const [suffix, fn, summary] of reads) {
      resources.add({
        method: 'get',
        path: `/channels/{channel}/elections/{electionId}${suffix}`,
        summary,
        params: electionParams,
        mode: 'evaluate',
        call: ({ params }) => ({ function: fn, args: [params.electionId] }),
      });
    }

    const phases = [
      ['open', 'OpenElection', 'Open voting (from opensAt until closesAt)'],
      ['close', 'CloseElection', 'Close voting (from closesAt on); no ballot commits after this'],
      ['tally', 'TallyElection', 'Count a closed election and publish the result with its Merkle root'],
    ] as const;
    for (const [action, fn, summary] of phases) {
      resources.add({
        method: 'post',
        path: `/channels/{channel}/elections/{electionId}/${action}`,
        summary,
        description: ANYONE,
        params: electionParams,
        mode: 'submit',
        call: ({ params }) => ({ function: fn, args: [params.electionId] }),
      });
    }

    resources.add({
      method: 'post',
      path: '/channels/{channel}/elections/{electionId}/tokens',
      summary: 'Record a blind-signed voting token issued to an eligible voter',
      description:
        'CityMSP `election-authority`. The voter’s app blinds its token; the authority signs the blinded message off-chain and records both here. The ledger never sees the token itself.',
      params: electionParams,
      body: issueTokenBody,
      mode: 'submit',
      status: 201,
      call: ({ params, body }) => ({
        function: 'IssueVotingToken',
        args: [params.electionId, body.voterDid, body.blindedMessage, body.blindSignature],
      }),
      location: (_record, { params, body }) =>
        `/channels/${params.channel}/elections/${params.electionId}/tokens/${body.voterDid}`,
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/elections/{electionId}/tokens/{voterDid}',
      summary: 'A voter’s token issuance (the app reads its blind signature here)',
      params: electionParams.extend({ voterDid: did }),
      mode: 'evaluate',
      call: ({ params }) => ({
        function: 'GetVotingTokenIssuance',
        args: [params.electionId, params.voterDid],
      }),
    });

    resources.add({
      method: 'post',
      path: '/channels/{channel}/elections/{electionId}/ballots',
      summary: 'Cast an anonymous ballot with a voting token; answers the receipt to keep',
      description:
        '`ballot-box` of CityMSP or CommunityMSP — a shared identity, so the ballot names no voter. Keep the receipt to check later that the ballot was counted.',
      params: electionParams,
      body: castBallotBody,
      mode: 'submit',
      status: 201,
      call: ({ params, body }) => ({
        function: 'CastBallot',
        args: [params.electionId, body.token, body.signature, JSON.stringify(body.choice)],
      }),
      location: (record, { params }) =>
        `/channels/${params.channel}/elections/${params.electionId}/ballots/${(record as { nullifier: string }).nullifier}`,
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/elections/{electionId}/ballots',
      summary: 'Ballots in nullifier order (the Merkle leaf order), paginated',
      params: electionParams,
      query: pageQuery,
      mode: 'evaluate',
      call: ({ params, query }) => ({
        function: 'ListBallots',
        args: [params.electionId, ...pageArgs(query)],
      }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/elections/{electionId}/ballots/{nullifier}',
      summary: 'A ballot',
      params: nullifierParams,
      mode: 'evaluate',
      call: ({ params }) => ({ function: 'GetBallot', args: [params.electionId, params.nullifier] }),
    });

    resources.add({
      method: 'get',
      path: '/channels/{channel}/elections/{electionId}/receipts/{nullifier}',
      summary: 'Check a receipt: was this ballot counted? (with the Merkle audit path to the published root)',
      params: nullifierParams,
      query: receiptQuery,
      mode: 'evaluate',
      call: ({ params, query }) => ({
        function: 'VerifyReceipt',
        args: [params.electionId, params.nullifier, query.ballotHash],
      }),
    });
  },
};
