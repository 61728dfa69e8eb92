import { msp } from '@hyperledger/fabric-protos';
import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { assertKeyMatchesCertificate } from './certificate-authority';
import { signMessage, signMessageAsync } from './ecdsa';
import { IdentityError } from './identity-error';

/** An X.509 identity as plain PEM text, the shape wallets and connection profiles store. */
export interface X509IdentityFiles {
  mspId: string;
  certificatePem: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
}

/**
 * An MSP member that can sign: its certificate, the MSP it belongs to and its private key.
 * This is what a client (gateway, peer, orderer) uses to create Fabric proposals and envelopes.
 *
 * @example
 * ```ts
 * const admin = SigningIdentity.fromPem('CityMSP', certificatePem, privateKeyPem);
 * const header = { creator: admin.serialize(), ... };
 * const signature = admin.sign(proposalBytes);
 * ```
 */
export class SigningIdentity {
  private serialized?: Uint8Array;

  /**
   * Prefer {@link SigningIdentity.fromPem}, which also checks that the key belongs to the
   * certificate. `privateKey` is kept as a KeyObject because parsing PEM per signature is slow.
   */
  constructor(
    readonly mspId: string,
    readonly certificatePem: string,
    readonly privateKey: KeyObject,
  ) {}

  /**
   * @throws IdentityError when the certificate is not PEM X.509 or the key is not its key.
   */
  static fromPem(mspId: string, certificatePem: string, privateKeyPem: string): SigningIdentity {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(certificatePem);
    } catch (cause) {
      throw new IdentityError('MALFORMED_CERTIFICATE', `${mspId}: not a valid PEM X.509 certificate`, {
        cause,
      });
    }
    assertKeyMatchesCertificate(privateKeyPem, certificate);
    return new SigningIdentity(mspId, certificatePem, createPrivateKey(privateKeyPem));
  }

  /**
   * The creator bytes Fabric puts into signature headers: a `msp.SerializedIdentity` protobuf
   * with this MSP ID and the PEM certificate as `id_bytes`.
   */
  serialize(): Uint8Array {
    if (!this.serialized) {
      const identity = new msp.SerializedIdentity();
      identity.setMspid(this.mspId);
      identity.setIdBytes(Buffer.from(this.certificatePem, 'utf8'));
      this.serialized = identity.serializeBinary();
    }
    // A copy, so a caller that mutates its bytes cannot corrupt later headers.
    return this.serialized.slice();
  }

  /** Signs with ECDSA P-256/SHA-256, DER, low-S: the form Fabric peers and orderers accept. */
  sign(message: Uint8Array): Buffer {
    return signMessage(this.privateKey, message);
  }

  /** {@link sign} on the thread pool: the embedded network signs this way to use every core. */
  signAsync(message: Uint8Array): Promise<Buffer> {
    return signMessageAsync(this.privateKey, message);
  }

  /** The PEM files of this identity, e.g. for a wallet or a gateway's connection settings. */
  toJSON(): X509IdentityFiles {
    const privateKeyPem = this.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    return { mspId: this.mspId, certificatePem: this.certificatePem, privateKeyPem };
  }
}
