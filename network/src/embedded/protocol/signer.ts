/**
 * What the embedded network needs of an identity that signs: Fabric's serialized identity
 * (MSP ID + PEM certificate) and an ECDSA signature over a message.
 */
export interface Signer {
  readonly mspId: string;
  readonly certificatePem: string;
  serialize(): Uint8Array;
  sign(message: Uint8Array): Buffer;
  /** The same signature computed on the thread pool. */
  signAsync(message: Uint8Array): Promise<Buffer>;
}

/** An identity whose certificate has been validated against its organisation's MSP. */
export interface VerifiedIdentity {
  readonly mspId: string;
  readonly role: 'client' | 'peer' | 'orderer' | 'admin';
  readonly certificatePem: string;
  readonly attributes: Record<string, string>;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
  /** The same check on the thread pool, for verifying many signatures at once. */
  verifyAsync(message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** Turns the serialized identity bytes of a header or endorsement into a verified identity, or throws. */
export interface IdentityDeserializer {
  deserialize(serializedIdentity: Uint8Array): VerifiedIdentity;
}
