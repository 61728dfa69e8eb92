/**
 * The off-chain half of the blind-signature scheme, for the voter's app, the election authority's
 * signing service and tests. The contract never calls this module: it draws randomness and
 * touches the private key, neither of which may happen on an endorsing peer.
 *
 * @example
 * const request = prepareVotingToken(key, 'pb-2025');            // voter, kept secret
 * const blindSignature = signBlinded(privateKey, request.blindedMessage); // authority, sees only the blinded number
 * // authority submits IssueVotingToken('pb-2025', voterDid, request.blindedMessage, blindSignature)
 * const signature = unblindSignature(key, request, blindSignature); // voter
 * // voter's app submits CastBallot('pb-2025', request.token, signature, '["p1"]') through a ballot box
 */
import { constants, createPrivateKey, privateDecrypt, randomBytes, type KeyObject } from 'node:crypto';
import {
  bigIntToHex,
  bytesToBigInt,
  gcd,
  modInverse,
  modPow,
  tokenMessage,
  verifyRaw,
  type RsaPublicKey,
} from './blind-rsa';

/** What the voter keeps until casting: the token, its blinding factor and the blinded message sent to the authority. */
export interface VotingTokenRequest {
  electionId: string;
  /** 32 random bytes as 64 hex digits; revealed only when the ballot is cast. */
  token: string;
  /** Hex; never leaves the voter's device. */
  blindingFactor: string;
  /** Hex, 2·k digits; what the authority signs without learning the token. */
  blindedMessage: string;
}

/** Voter: draws a token and blinds it for the authority (m' = H(token) · r^e mod n). */
export function prepareVotingToken(key: RsaPublicKey, electionId: string): VotingTokenRequest {
  const token = randomBytes(32).toString('hex');
  let r: bigint;
  do {
    r = bytesToBigInt(randomBytes(key.k + 16)) % key.n;
  } while (r < 2n || gcd(r, key.n) !== 1n);
  const blinded = (tokenMessage(key, electionId, token) * modPow(r, key.e, key.n)) % key.n;
  return {
    electionId,
    token,
    blindingFactor: bigIntToHex(r, key.k),
    blindedMessage: bigIntToHex(blinded, key.k),
  };
}

/**
 * Election authority: raw RSA signature of the blinded message (s' = m'^d mod n), RFC 9474's
 * BlindSign. The private-key operation is OpenSSL's (CRT with base blinding and constant-time
 * exponentiation), not JavaScript big-integer arithmetic, whose time depends on d. The result is
 * checked against the public key before it is released, as BlindSign step 3 requires: a faulty
 * CRT computation would otherwise hand out a value from which the modulus can be factored.
 *
 * @throws when `blindedMessageHex` is not 2·k hex digits of a number in [1, n − 1].
 */
export function signBlinded(privateKey: KeyObject | string, blindedMessageHex: string): string {
  const keyObject = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const jwk = keyObject.export({ format: 'jwk' });
  const n = bytesToBigInt(Buffer.from(jwk.n ?? '', 'base64url'));
  const e = bytesToBigInt(Buffer.from(jwk.e ?? '', 'base64url'));
  const k = Math.ceil(n.toString(2).length / 8);
  if (!new RegExp(`^[0-9a-fA-F]{${2 * k}}$`).test(blindedMessageHex)) {
    throw new Error(`signBlinded: blindedMessage must be ${2 * k} hex digits (the key's ${k}-byte modulus)`);
  }
  const blinded = BigInt(`0x${blindedMessageHex}`);
  if (blinded === 0n || blinded >= n) {
    throw new Error('signBlinded: blindedMessage must be a number from 1 to the modulus minus 1');
  }
  const signature = privateDecrypt(
    { key: keyObject, padding: constants.RSA_NO_PADDING },
    Buffer.from(blindedMessageHex, 'hex'),
  );
  if (modPow(bytesToBigInt(signature), e, n) !== blinded) {
    throw new Error('signBlinded: the signature did not verify against the public key; it was not released');
  }
  return signature.toString('hex');
}

/** Voter: removes the blinding (s = s' · r⁻¹ mod n) and checks the result before relying on it. */
export function unblindSignature(
  key: RsaPublicKey,
  request: VotingTokenRequest,
  blindSignatureHex: string,
): string {
  const r = BigInt(`0x${request.blindingFactor}`);
  const signature = (BigInt(`0x${blindSignatureHex}`) * modInverse(r, key.n)) % key.n;
  if (!verifyRaw(key, tokenMessage(key, request.electionId, request.token), signature)) {
    throw new Error('unblindSignature: the authority did not sign this blinded token');
  }
  return bigIntToHex(signature, key.k);
}
