import { peer } from '@hyperledger/fabric-protos';
import type { ChannelRuntime } from '../channel-runtime';
import { buildProposalResponse, buildProposalResponsePayload, endorse } from '../protocol/endorsement';
import { type DecodedProposal, decodeSignedProposal } from '../protocol/proposal';
import { type CollectionRef, ReadWriteSetBuilder } from '../protocol/read-write-set-builder';
import {
  type CollectionPrivateWriteSet,
  type TxReadWriteSet,
  serializeReadWriteSet,
} from '../protocol/read-write-set';
import type { Signer, VerifiedIdentity } from '../protocol/signer';
import { computeTransactionId } from '../protocol/transaction-id';
import { type ChaincodeRunner, inProcessRunner } from './chaincode-runner';
import { type ChaincodeOutcome, ERROR_THRESHOLD } from './contract-chaincode';
import { SimulationHandler, type SimulationContext } from './simulation-handler';

export interface EndorsementResult {
  /** The peer that answered, e.g. peer0.city.cityledger.example. */
  peer: string;
  mspId: string;
  proposalResponse: peer.ProposalResponse;
  /** Present when the peer endorsed. */
  responsePayload?: Uint8Array;
  readWriteSet?: TxReadWriteSet;
  privateWrites: CollectionPrivateWriteSet[];
  /**
   * Collections whose values (not only hashes) the simulation read: like Fabric's ChaincodeInterest,
   * it tells the client that only members of these collections may endorse.
   */
  privateValueReads: CollectionRef[];
  /** Present when the peer refused. */
  failure?: { reason: EndorsementFailureReason; message: string };
}

/** Why a peer refused to endorse, so clients can react without parsing messages. */
export type EndorsementFailureReason =
  'not-found' | 'access-denied' | 'invalid-proposal' | 'duplicate' | 'chaincode-error' | 'simulation-error';

class ProposalRejection extends Error {
  constructor(
    readonly reason: EndorsementFailureReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An organisation's peer: checks a signed proposal, simulates it against the channel's committed
 * state with the chaincode running through the real fabric-shim stub, and signs the result.
 */
export class EndorsingPeer {
  constructor(
    readonly name: string,
    readonly mspId: string,
    private readonly signer: Signer,
    private readonly channels: (name: string) => ChannelRuntime | undefined,
    /** Where this organisation's chaincode runs. */
    private readonly chaincodes: ChaincodeRunner = inProcessRunner,
  ) {}

  async processProposal(signedProposal: peer.SignedProposal): Promise<EndorsementResult> {
    const rejected = (reason: EndorsementFailureReason, message: string): EndorsementResult => ({
      peer: this.name,
      mspId: this.mspId,
      proposalResponse: buildProposalResponse(500, message, new Uint8Array(0)),
      privateWrites: [],
      privateValueReads: [],
      failure: { reason, message },
    });
    let decoded: DecodedProposal;
    let channel: ChannelRuntime;
    let creator: VerifiedIdentity;
    try {
      decoded = decodeSignedProposal(signedProposal);
      channel = this.checkChannel(decoded.channel);
      creator = await this.checkCreator(channel, decoded, signedProposal);
      await this.checkTransactionId(channel, decoded);
    } catch (error) {
      const reason = error instanceof ProposalRejection ? error.reason : 'invalid-proposal';
      return rejected(reason, (error as Error).message);
    }

    const rwset = new ReadWriteSetBuilder();
    let outcome: ChaincodeOutcome;
    try {
      outcome = await this.execute(
        channel,
        decoded,
        signedProposal,
        creator.mspId,
        rwset,
        decoded.chaincode,
        bufferArgs(decoded),
      );
    } catch (error) {
      const reason = error instanceof ProposalRejection ? error.reason : 'simulation-error';
      return rejected(reason, `error in simulation: ${(error as Error).message}`);
    }
    const { response, event } = outcome;
    if (response.status >= ERROR_THRESHOLD) {
      return rejected('chaincode-error', response.message || `chaincode returned status ${response.status}`);
    }
    if (rwset.usedPaginationWithWrites) {
      return rejected(
        'simulation-error',
        'error in simulation: paginated queries are supported only in a read-only transaction',
      );
    }
    if (event) {
      const chaincodeEvent = event;
      chaincodeEvent.setChaincodeId(decoded.chaincode);
      chaincodeEvent.setTxId(decoded.txId);
    }
    const { readWriteSet, privateWrites } = rwset.build();
    const responsePayload = buildProposalResponsePayload(decoded.proposal, {
      chaincode: decoded.chaincode,
      results: serializeReadWriteSet(readWriteSet),
      event,
      status: response.status,
      message: response.message,
      payload: response.payload,
    });
    const endorsement = await endorse(responsePayload, this.signer);
    return {
      peer: this.name,
      mspId: this.mspId,
      proposalResponse: buildProposalResponse(
        response.status,
        response.message,
        response.payload,
        responsePayload,
        endorsement,
      ),
      responsePayload,
      readWriteSet,
      privateWrites,
      privateValueReads: rwset.privateValueReads,
    };
  }

  private checkChannel(name: string): ChannelRuntime {
    const channel = this.channels(name);
    if (!channel || !channel.members.has(this.mspId)) {
      throw new ProposalRejection('not-found', `channel '${name}' not found: ${this.name} has not joined it`);
    }
    return channel;
  }

  private async checkCreator(
    channel: ChannelRuntime,
    decoded: DecodedProposal,
    signed: peer.SignedProposal,
  ): Promise<VerifiedIdentity> {
    const creator = channel.identities.deserialize(decoded.creator);
    if (!channel.members.has(creator.mspId)) {
      throw new ProposalRejection(
        'access-denied',
        `access denied: ${creator.mspId} is not a member of channel ${channel.name}`,
      );
    }
    if (!(await creator.verifyAsync(signed.getProposalBytes_asU8(), signed.getSignature_asU8()))) {
      throw new ProposalRejection(
        'access-denied',
        'access denied: the proposal signature does not verify against its creator',
      );
    }
    return creator;
  }

  private async checkTransactionId(channel: ChannelRuntime, decoded: DecodedProposal): Promise<void> {
    if (computeTransactionId(decoded.nonce, decoded.creator) !== decoded.txId) {
      throw new ProposalRejection(
        'invalid-proposal',
        `invalid txID ${decoded.txId}: it is not the hash of the nonce and creator`,
      );
    }
    if (await channel.ledger.getTransactionLocation(decoded.txId)) {
      throw new ProposalRejection('duplicate', `duplicate transaction found [${decoded.txId}]`);
    }
  }

  private async execute(
    channel: ChannelRuntime,
    decoded: DecodedProposal,
    signedProposal: peer.SignedProposal,
    creatorMspId: string,
    rwset: ReadWriteSetBuilder,
    chaincodeName: string,
    args: Buffer[],
  ): Promise<ChaincodeOutcome> {
    const chaincode = channel.chaincode(chaincodeName);
    if (!chaincode) {
      throw new ProposalRejection(
        'not-found',
        `chaincode ${chaincodeName} is not defined on channel ${channel.name}`,
      );
    }
    if (!chaincode.implementation) {
      throw new ProposalRejection('not-found', `chaincode ${chaincodeName} is not installed on ${this.name}`);
    }
    const context: SimulationContext = {
      channel: channel.name,
      txId: decoded.txId,
      ledger: channel.ledger,
      peerMspId: this.mspId,
      creatorMspId,
      rwset,
      collection: (namespace, collection) => channel.chaincode(namespace)?.collections.get(collection),
      invokeChaincode: async (target, targetArgs, targetChannel) => {
        // Another channel is only queried: its reads and writes never join this transaction.
        const otherChannel = targetChannel ? this.checkChannel(targetChannel) : channel;
        const targetRwset = targetChannel ? new ReadWriteSetBuilder() : rwset;
        const { response } = await this.execute(
          otherChannel,
          decoded,
          signedProposal,
          creatorMspId,
          targetRwset,
          target,
          targetArgs,
        );
        return response;
      },
    };
    const invocation = { channel: channel.name, txId: decoded.txId, args, signedProposal };
    return this.chaincodes.invoke(
      chaincode.implementation,
      invocation,
      new SimulationHandler(context, chaincodeName),
    );
  }
}

function bufferArgs(decoded: DecodedProposal): Buffer[] {
  return decoded.input.getArgsList_asU8().map((arg) => Buffer.from(arg));
}
