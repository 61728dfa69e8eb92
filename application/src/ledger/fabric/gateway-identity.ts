import type { Hash, Identity, Signer } from '@hyperledger/fabric-gateway';
import type { SigningIdentity } from '@cityledger/network';

/** What `connect()` needs to act as one X.509 identity. */
export interface GatewayCredentials {
  identity: Identity;
  signer: Signer;
  hash: Hash;
}

/**
 * Acts as a consortium identity through fabric-gateway with the network package's `node:crypto`
 * signer: fabric-gateway's own P-256 signer is pure JavaScript (~900 signatures/s here, and a submit
 * signs three times), ours does ~20k/s on the thread pool. It hashes with SHA-256 itself, so the
 * gateway hands it the whole message (what fabric-gateway's `hash.none` does; not imported, see
 * fabric-error-translation.ts on why only the connector loads the library); it returns DER with a
 * low S, as Fabric requires.
 */
export function gatewayCredentialsOf(identity: SigningIdentity): GatewayCredentials {
  return {
    identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificatePem) },
    signer: (message) => identity.signAsync(message),
    hash: (message) => message,
  };
}
