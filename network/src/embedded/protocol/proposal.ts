import { common, peer } from '@hyperledger/fabric-protos';
import { computeTransactionId, newNonce } from './transaction-id';
import { dateFromTimestamp, timestampFromDate } from './timestamps';
import type { Signer } from './signer';

export interface ProposalRequest {
  channel: string;
  chaincode: string;
  /** Function name followed by its arguments, as Fabric's ChaincodeInput args. */
  args: ReadonlyArray<string | Uint8Array>;
  transient?: Record<string, Uint8Array>;
  /** Defaults to the current time; the chaincode sees it through getTxTimestamp(). */
  timestamp?: Date;
}

export interface BuiltProposal {
  txId: string;
  signedProposal: peer.SignedProposal;
  proposal: peer.Proposal;
}

/**
 * Builds and signs a Fabric transaction proposal exactly as a client SDK would, so the chaincode
 * stub decodes a genuine SignedProposal.
 */
export async function buildSignedProposal(request: ProposalRequest, creator: Signer): Promise<BuiltProposal> {
  const serializedCreator = creator.serialize();
  const nonce = newNonce();
  const txId = computeTransactionId(nonce, serializedCreator);

  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(request.chaincode);
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);

  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setVersion(0);
  channelHeader.setTimestamp(timestampFromDate(request.timestamp ?? new Date()));
  channelHeader.setChannelId(request.channel);
  channelHeader.setTxId(txId);
  channelHeader.setEpoch(0);
  channelHeader.setExtension$(extension.serializeBinary());

  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(serializedCreator);
  signatureHeader.setNonce(nonce);

  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const input = new peer.ChaincodeInput();
  input.setArgsList(request.args.map((arg) => (typeof arg === 'string' ? Buffer.from(arg) : arg)));
  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.NODE);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);

  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());
  const transientMap = payload.getTransientmapMap();
  for (const [key, value] of Object.entries(request.transient ?? {})) transientMap.set(key, value);

  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());

  const proposalBytes = proposal.serializeBinary();
  const signedProposal = new peer.SignedProposal();
  signedProposal.setProposalBytes(proposalBytes);
  signedProposal.setSignature(await creator.signAsync(proposalBytes));
  return { txId, signedProposal, proposal };
}

export interface DecodedProposal {
  txId: string;
  channel: string;
  chaincode: string;
  timestamp: Date;
  nonce: Uint8Array;
  creator: Uint8Array;
  input: peer.ChaincodeInput;
  transient: Map<string, Uint8Array>;
  header: common.Header;
  proposal: peer.Proposal;
  payload: peer.ChaincodeProposalPayload;
}

/** Decodes the parts of a SignedProposal an endorser needs; throws with the part that is malformed. */
export function decodeSignedProposal(signedProposal: peer.SignedProposal): DecodedProposal {
  const proposal = peer.Proposal.deserializeBinary(signedProposal.getProposalBytes_asU8());
  const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) {
    throw new Error(
      `invalid header type ${channelHeader.getType()}: only endorser transactions are supported`,
    );
  }
  const extension = peer.ChaincodeHeaderExtension.deserializeBinary(channelHeader.getExtension_asU8());
  const payload = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
  const invocation = peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8());
  const input = invocation.getChaincodeSpec()?.getInput();
  if (!input) throw new Error('proposal has no chaincode input');
  const transient = new Map<string, Uint8Array>();
  payload.getTransientmapMap().forEach((value, key) => {
    transient.set(key, typeof value === 'string' ? Buffer.from(value, 'base64') : value);
  });
  return {
    txId: channelHeader.getTxId(),
    channel: channelHeader.getChannelId(),
    chaincode: extension.getChaincodeId()?.getName() ?? '',
    timestamp: dateFromTimestamp(channelHeader.getTimestamp()),
    nonce: signatureHeader.getNonce_asU8(),
    creator: signatureHeader.getCreator_asU8(),
    input,
    transient,
    header,
    proposal,
    payload,
  };
}
