import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import type { Signer } from './signer';
import { timestampFromDate } from './timestamps';

export interface ChaincodeOutcome {
  chaincode: string;
  /** Serialized rwset.TxReadWriteSet. */
  results: Uint8Array;
  event?: peer.ChaincodeEvent;
  status: number;
  message: string;
  payload: Uint8Array;
}

/**
 * Fabric's proposal hash binds an endorsement to its proposal while leaving out the transient
 * map, so private inputs never reach the block.
 */
export function proposalHash(proposal: peer.Proposal): Buffer {
  const payload = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
  return createHash('sha256')
    .update(proposal.getHeader_asU8())
    .update(withoutTransient(payload).serializeBinary())
    .digest();
}

export function withoutTransient(payload: peer.ChaincodeProposalPayload): peer.ChaincodeProposalPayload {
  const copy = new peer.ChaincodeProposalPayload();
  copy.setInput(payload.getInput_asU8());
  return copy;
}

export function buildProposalResponsePayload(proposal: peer.Proposal, outcome: ChaincodeOutcome): Uint8Array {
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(outcome.chaincode);
  const response = new peer.Response();
  response.setStatus(outcome.status);
  response.setMessage(outcome.message);
  response.setPayload(outcome.payload);
  const action = new peer.ChaincodeAction();
  action.setResults(outcome.results);
  if (outcome.event) action.setEvents(outcome.event.serializeBinary());
  action.setResponse(response);
  action.setChaincodeId(chaincodeId);
  const prp = new peer.ProposalResponsePayload();
  prp.setProposalHash(proposalHash(proposal));
  prp.setExtension$(action.serializeBinary());
  return prp.serializeBinary();
}

/** An endorsement is the peer's signature over the response payload followed by its own identity. */
export async function endorse(responsePayload: Uint8Array, endorser: Signer): Promise<peer.Endorsement> {
  const endorserBytes = endorser.serialize();
  const endorsement = new peer.Endorsement();
  endorsement.setEndorser(endorserBytes);
  endorsement.setSignature(await endorser.signAsync(Buffer.concat([responsePayload, endorserBytes])));
  return endorsement;
}

export function endorsementMessage(responsePayload: Uint8Array, endorserBytes: Uint8Array): Buffer {
  return Buffer.concat([responsePayload, endorserBytes]);
}

export function buildProposalResponse(
  status: number,
  message: string,
  payload: Uint8Array,
  responsePayload?: Uint8Array,
  endorsement?: peer.Endorsement,
): peer.ProposalResponse {
  const response = new peer.Response();
  response.setStatus(status);
  response.setMessage(message);
  response.setPayload(payload);
  const proposalResponse = new peer.ProposalResponse();
  proposalResponse.setVersion(1);
  proposalResponse.setTimestamp(timestampFromDate(new Date()));
  proposalResponse.setResponse(response);
  if (responsePayload) proposalResponse.setPayload(responsePayload);
  if (endorsement) proposalResponse.setEndorsement(endorsement);
  return proposalResponse;
}

export function decodeChaincodeAction(responsePayload: Uint8Array): peer.ChaincodeAction {
  const prp = peer.ProposalResponsePayload.deserializeBinary(responsePayload);
  return peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
}

/** Assembles the signed transaction envelope that the client sends to the ordering service. */
export async function buildTransactionEnvelope(
  proposal: peer.Proposal,
  responsePayload: Uint8Array,
  endorsements: peer.Endorsement[],
  creator: Signer,
): Promise<common.Envelope> {
  const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
  const proposalPayload = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());

  const endorsedAction = new peer.ChaincodeEndorsedAction();
  endorsedAction.setProposalResponsePayload(responsePayload);
  endorsedAction.setEndorsementsList(endorsements);
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(withoutTransient(proposalPayload).serializeBinary());
  actionPayload.setAction(endorsedAction);

  const action = new peer.TransactionAction();
  action.setHeader(header.getSignatureHeader_asU8());
  action.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([action]);

  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(transaction.serializeBinary());
  const payloadBytes = payload.serializeBinary();

  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(await creator.signAsync(payloadBytes));
  return envelope;
}
