import { common, peer } from '@hyperledger/fabric-protos';
import { dateFromTimestamp } from './timestamps';

export interface DecodedEndorsement {
  endorser: Uint8Array;
  signature: Uint8Array;
}

export interface DecodedTransaction {
  type: number;
  txId: string;
  channel: string;
  timestamp: Date;
  nonce: Uint8Array;
  creator: Uint8Array;
  payloadBytes: Uint8Array;
  signature: Uint8Array;
  /** Present for endorser transactions only. */
  endorserTransaction?: {
    chaincode: string;
    args: Buffer[];
    responsePayload: Uint8Array;
    endorsements: DecodedEndorsement[];
    action: peer.ChaincodeAction;
  };
  /** Present for config transactions only (block 0 of the embedded network). */
  configData?: Uint8Array;
}

/** Decodes a transaction envelope; throws on any malformed layer so callers can mark it invalid. */
export function decodeTransactionEnvelope(envelopeBytes: Uint8Array): DecodedTransaction {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payloadBytes = envelope.getPayload_asU8();
  const payload = common.Payload.deserializeBinary(payloadBytes);
  const header = payload.getHeader();
  if (!header) throw new Error('envelope payload has no header');
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  const decoded: DecodedTransaction = {
    type: channelHeader.getType(),
    txId: channelHeader.getTxId(),
    channel: channelHeader.getChannelId(),
    timestamp: dateFromTimestamp(channelHeader.getTimestamp()),
    nonce: signatureHeader.getNonce_asU8(),
    creator: signatureHeader.getCreator_asU8(),
    payloadBytes,
    signature: envelope.getSignature_asU8(),
  };
  if (decoded.type === common.HeaderType.CONFIG) {
    decoded.configData = payload.getData_asU8();
    return decoded;
  }
  if (decoded.type !== common.HeaderType.ENDORSER_TRANSACTION) return decoded;
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const [action] = transaction.getActionsList();
  if (!action) throw new Error('transaction has no actions');
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const endorsedAction = actionPayload.getAction();
  if (!endorsedAction) throw new Error('transaction action has no endorsed action');
  const proposalPayload = peer.ChaincodeProposalPayload.deserializeBinary(
    actionPayload.getChaincodeProposalPayload_asU8(),
  );
  const invocation = peer.ChaincodeInvocationSpec.deserializeBinary(proposalPayload.getInput_asU8());
  const responsePayload = endorsedAction.getProposalResponsePayload_asU8();
  const prp = peer.ProposalResponsePayload.deserializeBinary(responsePayload);
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
  decoded.endorserTransaction = {
    chaincode: chaincodeAction.getChaincodeId()?.getName() ?? '',
    args: (invocation.getChaincodeSpec()?.getInput()?.getArgsList_asU8() ?? []).map((a) => Buffer.from(a)),
    responsePayload,
    endorsements: endorsedAction.getEndorsementsList().map((e) => ({
      endorser: e.getEndorser_asU8(),
      signature: e.getSignature_asU8(),
    })),
    action: chaincodeAction,
  };
  return decoded;
}
