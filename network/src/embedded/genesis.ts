import { common } from '@hyperledger/fabric-protos';
import type { ChannelDefinition } from '../consortium/consortium-schema';
import type { Signer } from './protocol/signer';
import { timestampFromDate } from './protocol/timestamps';
import { computeTransactionId, newNonce } from './protocol/transaction-id';

/** What block 0 of an embedded channel records: the channel as it was created. */
export interface GenesisConfig {
  channel: ChannelDefinition;
  /** CA certificate of each member's MSP, so the chain itself says whom it trusted. */
  msps: Record<string, string>;
}

/**
 * The embedded network's block 0 carries a CONFIG transaction like Fabric's genesis block, but
 * its data is the channel definition as JSON rather than a full configtx ConfigEnvelope.
 */
export function buildGenesisEnvelope(config: GenesisConfig, orderer: Signer, createdAt: Date): Uint8Array {
  return buildConfigEnvelope(config.channel.name, Buffer.from(JSON.stringify(config)), orderer, createdAt);
}

/** A CONFIG transaction envelope carrying `data`, signed by `creator` as Fabric's config envelopes are. */
export function buildConfigEnvelope(
  channel: string,
  data: Uint8Array,
  creator: Signer,
  createdAt: Date,
): Uint8Array {
  const serializedCreator = creator.serialize();
  const nonce = newNonce();
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG);
  channelHeader.setChannelId(channel);
  channelHeader.setTxId(computeTransactionId(nonce, serializedCreator));
  channelHeader.setTimestamp(timestampFromDate(createdAt));
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(serializedCreator);
  signatureHeader.setNonce(nonce);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(data);
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(creator.sign(payloadBytes));
  return envelope.serializeBinary();
}
