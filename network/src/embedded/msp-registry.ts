import { msp } from '@hyperledger/fabric-protos';
import { verifyMessage, verifyMessageAsync } from '../identity/ecdsa';
import type { MembershipServiceProvider } from '../identity/msp';
import type { IdentityDeserializer, VerifiedIdentity } from './protocol/signer';

/**
 * The channel's view of the consortium's MSPs: turns serialized identities found in proposals,
 * transactions and blocks into identities validated by their organisation's CA.
 */
export class MspRegistry implements IdentityDeserializer {
  private readonly cache = new Map<
    string,
    { provider: MembershipServiceProvider; identity: VerifiedIdentity }
  >();

  constructor(private readonly msps: ReadonlyMap<string, MembershipServiceProvider>) {}

  deserialize(serializedIdentity: Uint8Array): VerifiedIdentity {
    const cacheKey = Buffer.from(serializedIdentity).toString('base64');
    const cached = this.cache.get(cacheKey);
    if (cached) {
      // The MSP re-checks the validity window on every call, so an expired identity stops here.
      cached.provider.validateIdentity(cached.identity.certificatePem);
      return cached.identity;
    }
    const serialized = msp.SerializedIdentity.deserializeBinary(serializedIdentity);
    const mspId = serialized.getMspid();
    const provider = this.msps.get(mspId);
    if (!provider) throw new Error(`MSP ${mspId} is not known to this channel`);
    const validated = provider.validateIdentity(Buffer.from(serialized.getIdBytes_asU8()).toString());
    const identity: VerifiedIdentity = {
      mspId,
      role: validated.role,
      certificatePem: validated.certificatePem,
      attributes: validated.attributes,
      verify: (message, signature) => verifyMessage(validated.publicKey, message, signature),
      verifyAsync: (message, signature) => verifyMessageAsync(validated.publicKey, message, signature),
    };
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(cacheKey, { provider, identity });
    return identity;
  }
}
