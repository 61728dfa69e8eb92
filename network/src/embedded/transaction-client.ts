import type { peer } from '@hyperledger/fabric-protos';
import { minimumOrgSets } from '../consortium/signature-policy';
import type { ChannelRuntime } from './channel-runtime';
import type { ChannelCommitter } from './committer';
import { EndorserSelectionError, additionalEndorsers } from './endorser-selection';
import { CommitError, EndorseError, NotFoundError, SubmitError } from './errors';
import type { OrderingService } from './orderer/ordering-service';
import type { EndorsementResult, EndorsingPeer } from './peer/endorsing-peer';
import { buildTransactionEnvelope } from './protocol/endorsement';
import { type BuiltProposal, buildSignedProposal } from './protocol/proposal';
import type { Signer } from './protocol/signer';
import { TxValidationCode, validationCodeName } from './validation/validation-codes';

/** A chaincode call, as an application asks for it. */
export interface TransactionRequest {
  channel: string;
  chaincode: string;
  /** Transaction name, optionally `Contract:Transaction` when a chaincode has several contracts. */
  function: string;
  args?: ReadonlyArray<string>;
  /** Private inputs: reach the endorsers, never the block. */
  transient?: Record<string, string | Uint8Array>;
}

export interface EndorseOptions {
  /** Endorse on exactly these organisations' peers instead of choosing by policy. */
  endorsingOrganizations?: string[];
}

export interface SubmitResult {
  txId: string;
  blockNumber: number;
  /** The chaincode's response payload. */
  result: Buffer;
}

/** A proposal endorsed and ready to order: the second half of a submit. */
export interface EndorsedTransaction {
  txId: string;
  channel: string;
  /** The chaincode's response payload as the endorsers computed it. */
  result: Buffer;
  readonly endorsements: ReadonlyArray<EndorsementResult>;
  readonly proposal: BuiltProposal;
  readonly creator: Signer;
}

interface ChannelParts {
  runtime: ChannelRuntime;
  committer: ChannelCommitter;
}

/**
 * The client side of execute-order-validate, as the Fabric Gateway does it: endorse on the
 * caller's own organisation first, work out from the read/write set which organisations the
 * policies need (never sending transient data to an organisation outside a collection the
 * transaction writes), collect their endorsements, check that they agree, order, and wait for commit.
 */
export class TransactionClient {
  constructor(
    private readonly channels: (name: string) => ChannelParts | undefined,
    private readonly peers: (mspId: string) => EndorsingPeer[],
    private readonly orderer: OrderingService,
    /** The client's clock, for proposal timestamps: a client stamps its own proposals. */
    private readonly now: () => number = Date.now,
  ) {}

  private parts(channel: string): ChannelParts {
    const parts = this.channels(channel);
    if (!parts) throw new NotFoundError(`channel ${channel} does not exist`);
    return parts;
  }

  private propose(creator: Signer, request: TransactionRequest): Promise<BuiltProposal> {
    const transient: Record<string, Uint8Array> = {};
    for (const [key, value] of Object.entries(request.transient ?? {})) {
      transient[key] = typeof value === 'string' ? Buffer.from(value) : value;
    }
    return buildSignedProposal(
      {
        channel: request.channel,
        chaincode: request.chaincode,
        args: [request.function, ...(request.args ?? [])],
        transient,
        timestamp: new Date(this.now()),
      },
      creator,
    );
  }

  private peerOf(mspId: string): EndorsingPeer {
    const [first] = this.peers(mspId);
    if (!first) throw new NotFoundError(`organisation ${mspId} has no peer`);
    return first;
  }

  /** The organisation whose peer simulates first: the caller's own when it is on the channel. */
  private firstOrganisation(runtime: ChannelRuntime, creator: Signer, chaincode: string): string {
    if (runtime.members.has(creator.mspId) && this.peers(creator.mspId).length > 0) return creator.mspId;
    const definition = runtime.chaincode(chaincode);
    const sets = definition ? minimumOrgSets(definition.endorsementPolicy) : [];
    const candidate = sets.flat().find((org) => runtime.members.has(org) && this.peers(org).length > 0);
    const fallback = [...runtime.members].find((org) => this.peers(org).length > 0);
    const org = candidate ?? fallback;
    if (!org) throw new NotFoundError(`channel ${runtime.name} has no peer to endorse on`);
    return org;
  }

  async evaluate(creator: Signer, request: TransactionRequest): Promise<Buffer> {
    const { runtime } = this.parts(request.channel);
    const proposal = await this.propose(creator, request);
    const org = this.firstOrganisation(runtime, creator, request.chaincode);
    const response = await this.peerOf(org).processProposal(proposal.signedProposal);
    return this.checkResponse(proposal.txId, [response]).result;
  }

  async endorse(
    creator: Signer,
    request: TransactionRequest,
    options: EndorseOptions = {},
  ): Promise<EndorsedTransaction> {
    const { runtime } = this.parts(request.channel);
    const proposal = await this.propose(creator, request);
    let responses: EndorsementResult[];
    if (options.endorsingOrganizations) {
      responses = await Promise.all(
        options.endorsingOrganizations.map((org) =>
          this.peerOf(org).processProposal(proposal.signedProposal),
        ),
      );
    } else {
      const firstOrg = this.firstOrganisation(runtime, creator, request.chaincode);
      const first = await this.peerOf(firstOrg).processProposal(proposal.signedProposal);
      this.checkResponse(proposal.txId, [first]);
      const others = await this.selectEndorsers(runtime, request, proposal.txId, first);
      responses = [
        first,
        ...(await Promise.all(
          others.map((org) => this.peerOf(org).processProposal(proposal.signedProposal)),
        )),
      ];
    }
    const { result } = this.checkResponse(proposal.txId, responses);
    return {
      txId: proposal.txId,
      channel: request.channel,
      result,
      endorsements: responses,
      proposal,
      creator,
    };
  }

  private async selectEndorsers(
    runtime: ChannelRuntime,
    request: TransactionRequest,
    txId: string,
    first: EndorsementResult,
  ): Promise<string[]> {
    try {
      return await additionalEndorsers(runtime, request.chaincode, first, {
        hasTransientData: Object.keys(request.transient ?? {}).length > 0,
        hasPeer: (org) => this.peers(org).length > 0,
      });
    } catch (error) {
      if (!(error instanceof EndorserSelectionError)) throw error;
      throw new EndorseError(error.message, txId, [], undefined, error.reason);
    }
  }

  private checkResponse(txId: string, responses: EndorsementResult[]): { result: Buffer } {
    const failures = responses.filter((r) => !r.responsePayload);
    const [firstFailure] = failures;
    if (firstFailure) {
      const message = (r: EndorsementResult): string =>
        r.failure?.message ?? r.proposalResponse.getResponse()?.getMessage() ?? 'no response';
      const reason = firstFailure.failure?.reason ?? 'chaincode-error';
      throw new EndorseError(
        `endorsement failed: ${message(firstFailure)}`,
        txId,
        failures.map((r) => `${r.peer}: ${message(r)}`),
        reason === 'chaincode-error' ? message(firstFailure) : undefined,
        reason,
      );
    }
    const [first] = responses;
    const mismatch = responses.find(
      (r) => !Buffer.from(r.responsePayload!).equals(Buffer.from(first!.responsePayload!)),
    );
    if (mismatch) {
      throw new EndorseError(
        `ProposalResponsePayloads do not match: ${first!.peer} and ${mismatch.peer} computed different results`,
        txId,
        responses.map((r) => r.peer),
        undefined,
        'mismatch',
      );
    }
    return {
      result: Buffer.from(first!.proposalResponse.getResponse()?.getPayload_asU8() ?? new Uint8Array(0)),
    };
  }

  async submitEndorsed(endorsed: EndorsedTransaction): Promise<SubmitResult> {
    const { runtime, committer } = this.parts(endorsed.channel);
    const [first] = endorsed.endorsements;
    const endorsements = endorsed.endorsements
      .map((r) => r.proposalResponse.getEndorsement())
      .filter((e): e is peer.Endorsement => e !== undefined);
    const envelope = await buildTransactionEnvelope(
      endorsed.proposal.proposal,
      first!.responsePayload!,
      endorsements,
      endorsed.creator,
    );
    runtime.transientStore.put(endorsed.txId, first!.privateWrites);
    const committed = committer.waitFor(endorsed.txId);
    try {
      this.orderer.broadcast(endorsed.channel, envelope.serializeBinary());
    } catch (error) {
      committer.forget(endorsed.txId);
      runtime.transientStore.take(endorsed.txId);
      throw new SubmitError((error as Error).message, endorsed.txId);
    }
    const status = await committed;
    if (status.validationCode !== TxValidationCode.VALID) {
      const name = validationCodeName(status.validationCode);
      throw new CommitError(
        `transaction ${endorsed.txId} failed to commit with status code ${status.validationCode} (${name})`,
        endorsed.txId,
        status.validationCode,
        name,
        status.blockNumber,
      );
    }
    return { txId: endorsed.txId, blockNumber: status.blockNumber, result: endorsed.result };
  }

  async submit(
    creator: Signer,
    request: TransactionRequest,
    options?: EndorseOptions,
  ): Promise<SubmitResult> {
    return this.submitEndorsed(await this.endorse(creator, request, options));
  }
}
